"""Load a YAML file safely into plain data plus a map of where every value came from.

Why not ``yaml.safe_load``: it forgets line numbers, keeps the last of two duplicate keys,
expands alias bombs and silently turns ``NO`` into ``False``. briefgen composes the node
tree (which keeps positions and never builds objects), then converts it here, so it can
refuse what it must and remember, for each value, its line, column and the text the
author typed. The schema stage uses that text to explain YAML 1.1 surprises.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from briefgen.errors import Problem, ValidationFailed

Loc = tuple[str | int, ...]

MAX_BYTES = 5 * 1024 * 1024
MAX_DEPTH = 48
MAX_NODES = 200_000

_SAFE_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
    "tag:yaml.org,2002:seq",
    "tag:yaml.org,2002:map",
}
# Control characters other than tab/newline, C1 controls, non-characters, lone surrogates:
# nothing a renderer should see; removed with a warning. A NUL byte in the file is refused
# outright (it is not text); one made by a "\0" escape is removed like the rest.
_BAD_CHARS = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufdd0-\ufdef\ufffe\uffff\ud800-\udfff]"
)

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass
class SourceMap:
    """Where each value of a loaded document sits in its file.

    ``values`` maps a location (``("sections", 2, "title")``) to the 1-based (line, col) of
    the value, ``keys`` to the position of the mapping key, and ``plain`` to the text of
    unquoted scalars, which is what the author actually typed.
    """

    file: str
    values: dict[Loc, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Loc, tuple[int, int]] = field(default_factory=dict)
    plain: dict[Loc, str] = field(default_factory=dict)

    def position(self, loc: Loc, *, key: bool = False) -> tuple[int, int]:
        """The position of ``loc``, or of its nearest located ancestor."""
        table = self.keys if key else self.values
        for end in range(len(loc), -1, -1):
            prefix = loc[:end]
            if prefix in table:
                return table[prefix]
            if prefix in self.values:
                return self.values[prefix]
        return (1, 1)

    def problem(
        self, loc: Loc, message: str, *, key: bool = False, severity: str = "error"
    ) -> Problem:
        """A :class:`Problem` pointing at ``loc`` in this file."""
        line, col = self.position(loc, key=key)
        return Problem(self.file, line, col, message, format_loc(loc), severity)


@dataclass
class Document:
    """A loaded YAML document: the data, where it came from, and warnings met on the way."""

    data: Any
    source: SourceMap
    warnings: list[Problem] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    """Problems met while converting (duplicate keys, impossible dates); the schema stage
    reports them together with its own."""


def format_loc(loc: Loc) -> str:
    """``("sections", 2, "title")`` -> ``sections[2].title``: the way users read paths."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def load_file(path: Path, display: str | None = None) -> Document:
    """Read and convert one YAML file; raise :class:`ValidationFailed` with every problem."""
    name = display or str(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ValidationFailed([Problem(name, 0, 0, f"cannot read file: {exc.strerror}")]) from None
    return load_bytes(raw, name)


def load_bytes(raw: bytes, name: str) -> Document:
    """Convert YAML bytes (the file named ``name``) into a :class:`Document`."""
    if len(raw) > MAX_BYTES:
        raise ValidationFailed(
            [Problem(name, 0, 0, f"file is {len(raw):,} bytes; the limit is {MAX_BYTES:,}")]
        )
    text = _decode(raw, name)
    text, warnings = _strip_bad_chars(text, name)
    try:
        node = _compose(text, name)
    except yaml.MarkedYAMLError as exc:
        raise ValidationFailed([_syntax_problem(exc, name, text)]) from None
    except ValueError as exc:  # PyYAML's own scanner: chr() of an escape past U+10FFFF
        raise ValidationFailed([Problem(name, 0, 0, f"invalid YAML: {exc}")]) from None
    except yaml.YAMLError as exc:  # pragma: no cover - every PyYAML error we know is marked
        message = f"invalid YAML: an escape names a character that does not exist ({exc})"
        raise ValidationFailed([Problem(name, 0, 0, message)]) from None
    converter = _Converter(SourceMap(name))
    data = converter.convert(node, (), 0) if node is not None else None
    if converter.nodes > MAX_NODES:  # a hostile document: what was read of it means nothing
        raise ValidationFailed(converter.problems)
    warnings.extend(converter.warnings)
    return Document(data, converter.source, warnings, converter.problems)


def _compose(text: str, name: str) -> yaml.Node | None:
    """The node tree of ``text``, shape-checked first (see :func:`_check_shape`).

    libyaml refuses the escapes JSON writes for characters outside the BMP (``"\\ud83d\\ude00"``
    from ``json.dumps``, and JSON is YAML), so a file it refuses for that reason is read
    again with PyYAML's own parser, which accepts them; :meth:`_Converter._scalar` then
    joins the pairs into the character they stand for.
    """
    try:
        _check_shape(text, name, _Loader)
        return yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        if _Loader is not yaml.SafeLoader:
            _own_limits_first(text, name, exc)
        if _Loader is yaml.SafeLoader or "invalid Unicode character escape" not in str(exc):
            raise
    _check_shape(text, name, yaml.SafeLoader)  # also keeps the Python composer's recursion low
    return yaml.compose(text, Loader=yaml.SafeLoader)


def _own_limits_first(text: str, name: str, exc: yaml.MarkedYAMLError) -> None:
    """Raise briefgen's own depth or size error if the document breaks one before the place
    where libyaml stopped.

    libyaml has limits of its own (0.2.6 refuses more than 1,000 nested collections, and its
    scanner reads ahead of the events it hands out), so on a deep document its error comes
    first and briefgen's rule never sees the 49th level. The part libyaml read is walked
    again with PyYAML's pure-Python parser, which has no such limit and hands out events as
    it goes: what the user sees then depends on briefgen's rules, not on the libyaml build.
    The cost is paid only on a document that is refused anyway, and is bounded by how far
    libyaml got.
    """
    mark = exc.problem_mark or exc.context_mark
    end = mark.index if mark is not None and mark.index > 0 else len(text)
    try:
        _check_shape(text[:end], name, yaml.SafeLoader)
    except yaml.YAMLError:
        return  # the prefix ends mid-document or has the same error: libyaml's stands


def _check_shape(text: str, name: str, loader: type = _Loader) -> None:
    """Enforce the depth and size caps on the event stream, before anything is composed.

    libyaml's parser is a loop with its own stack, but PyYAML's composer (the C one too)
    recurses once per nesting level, so two megabytes of ``[`` overflow the C stack and
    kill the process with a segmentation fault instead of an error. Walking the events
    first finds the first value nested too deep, or one value too many, at the cost of a
    second parse. Values are counted as the converter counts them (mapping keys are not),
    except that an alias counts once here: the converter counts what aliases expand to.
    """
    stack: list[list[int]] = []  # per open collection: [is a mapping, items seen]
    values = 0
    for event in yaml.parse(text, Loader=loader):
        if isinstance(event, yaml.CollectionEndEvent):
            stack.pop()
            continue
        if not isinstance(event, yaml.NodeEvent):
            continue
        is_key = bool(stack) and stack[-1][0] == 1 and stack[-1][1] % 2 == 0
        if stack:
            stack[-1][1] += 1
        if not is_key:
            values += 1
            mark = event.start_mark
            if len(stack) > MAX_DEPTH:
                message = f"nesting deeper than {MAX_DEPTH} levels"
            elif values > MAX_NODES:
                message = f"document has more than {MAX_NODES:,} values; refusing to read it"
            else:
                message = ""
            if message:
                raise ValidationFailed([Problem(name, mark.line + 1, mark.column + 1, message)])
        if isinstance(event, yaml.CollectionStartEvent):
            stack.append([int(isinstance(event, yaml.MappingStartEvent)), 0])


def _decode(raw: bytes, name: str) -> str:
    """Strict UTF-8 with the position of the first bad byte, and NUL refused."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line, col = _line_col(raw[: exc.start].decode("utf-8", "replace"))
        raise ValidationFailed(
            [
                Problem(
                    name,
                    line,
                    col,
                    f"not valid UTF-8 (byte 0x{raw[exc.start]:02x}); save the file as UTF-8",
                )
            ]
        ) from None
    nul = text.find("\x00")
    if nul >= 0:
        line, col = _line_col(text[:nul])
        raise ValidationFailed([Problem(name, line, col, "NUL byte in file; is it a text file?")])
    return text


def _line_col(prefix: str) -> tuple[int, int]:
    """1-based line and column of the character just after ``prefix``."""
    return prefix.count("\n") + 1, len(prefix) - (prefix.rfind("\n") + 1) + 1


def _strip_bad_chars(text: str, name: str) -> tuple[str, list[Problem]]:
    """Remove invisible control characters, warning once per line they were on."""
    warnings: list[Problem] = []
    if not _BAD_CHARS.search(text):
        return text, warnings
    seen: set[int] = set()
    for match in _BAD_CHARS.finditer(text):
        line, col = _line_col(text[: match.start()])
        if line not in seen:
            seen.add(line)
            warnings.append(
                Problem(
                    name,
                    line,
                    col,
                    f"removed control character U+{ord(match.group()):04X}",
                    severity="warning",
                )
            )
    return _BAD_CHARS.sub("", text), warnings


_SURROGATE_PAIR = re.compile("[\ud800-\udbff][\udc00-\udfff]")


def _join_pair(match: re.Match[str]) -> str:
    return match.group().encode("utf-16-le", "surrogatepass").decode("utf-16-le")


def clean_text(value: str) -> str:
    """Remove characters no renderer should see (those that escapes in quoted YAML can make)."""
    return _BAD_CHARS.sub("", value)


_TAB_HINT = "tabs are not allowed for indentation in YAML; indent with spaces"
_MULTI_DOC_HINT = "one brief per file: remove the '---' separating documents"
_HINTS = (
    ("found character '\\t' that cannot start any token", _TAB_HINT),
    ("found a tab character", _TAB_HINT),
    ("found undefined alias", "an alias (*name) needs an anchor (&name) defined before it"),
    ("expected a single document", _MULTI_DOC_HINT),
    (
        "mapping values are not allowed",  # "... here" (PyYAML), "... in this context" (libyaml)
        "check the indentation, or quote a value that contains ': '",
    ),
)


def _syntax_problem(exc: yaml.MarkedYAMLError, name: str, text: str = "") -> Problem:
    """One line for a YAML syntax error, with a hint for the mistakes people really make."""
    mark = exc.problem_mark or exc.context_mark
    message = exc.problem or exc.context or "invalid YAML"
    for needle, hint in _HINTS:
        if needle in str(exc):
            message = f"{message} ({hint})"
            break
    else:  # the library's words did not say: look at what is there
        if mark and _char_at(text, mark.line, mark.column) == "\t":
            message = f"{message} ({_TAB_HINT})"
        elif mark and _line_at(text, mark.line).startswith(("---", "...")) and mark.line > 0:
            message = f"{message} ({_MULTI_DOC_HINT})"
    line, col = (mark.line + 1, mark.column + 1) if mark else (0, 0)
    return Problem(name, line, col, f"invalid YAML: {message}")


def _line_at(text: str, line: int) -> str:
    """The 0-based ``line`` of ``text``, or ''."""
    lines = text.split("\n")
    return lines[line] if 0 <= line < len(lines) else ""


def _char_at(text: str, line: int, column: int) -> str:
    """The character at 0-based ``line``/``column`` of ``text``, or ''."""
    lines = text.split("\n")
    if 0 <= line < len(lines) and 0 <= column < len(lines[line]):
        return lines[line][column]
    return ""


class _Converter:
    """Node tree -> plain data, recording positions; collects problems instead of stopping."""

    def __init__(self, source: SourceMap):
        self.source = source
        self.problems: list[Problem] = []
        self.warnings: list[Problem] = []
        self.nodes = 0
        self.constructor = yaml.constructor.SafeConstructor()

    def _at(self, node: yaml.Node, message: str, loc: Loc = ()) -> None:
        mark = node.start_mark
        self.problems.append(
            Problem(self.source.file, mark.line + 1, mark.column + 1, message, format_loc(loc))
        )

    def convert(self, node: yaml.Node, loc: Loc, depth: int) -> Any:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            if self.nodes == MAX_NODES + 1:
                self._at(
                    node,
                    f"document has more than {MAX_NODES:,} values "
                    "(an alias bomb?); refusing to expand it",
                )
            return None
        if depth > MAX_DEPTH:
            self._at(node, f"nesting deeper than {MAX_DEPTH} levels")
            return None
        self.source.values[loc] = (node.start_mark.line + 1, node.start_mark.column + 1)
        if node.tag == "tag:yaml.org,2002:value" and isinstance(node, yaml.ScalarNode):
            node.tag = "tag:yaml.org,2002:str"  # YAML 1.1 resolves a plain '=' so; it is text
        if node.tag not in _SAFE_TAGS:
            self._at(node, f"YAML tag {node.tag!r} is not allowed in briefing content", loc)
            return None
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, loc, depth)
        if isinstance(node, yaml.SequenceNode):
            return [self.convert(item, (*loc, i), depth + 1) for i, item in enumerate(node.value)]
        return self._scalar(node, loc)

    def _mapping(self, node: yaml.MappingNode, loc: Loc, depth: int) -> dict[str, Any]:
        out: dict[str, Any] = {}
        first_line: dict[str, int] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                self._at(key_node, "merge keys ('<<') are not supported; write the keys out")
                continue
            if not isinstance(key_node, yaml.ScalarNode):
                self._at(key_node, "a mapping key must be a plain name")
                continue
            key = str(key_node.value)
            line = key_node.start_mark.line + 1
            if key in first_line:
                self._at(
                    key_node,
                    f"duplicate key {key!r} (first defined on line "
                    f"{first_line[key]}); remove one of them",
                    (*loc, key),
                )
                continue
            first_line[key] = line
            self.source.keys[(*loc, key)] = (line, key_node.start_mark.column + 1)
            out[key] = self.convert(value_node, (*loc, key), depth + 1)
        return out

    def _scalar(self, node: yaml.ScalarNode, loc: Loc) -> Any:
        if not node.style:  # plain ('' from libyaml, None from PyYAML): keep what was typed
            self.source.plain[loc] = node.value
        try:
            value = self.constructor.construct_object(node)
        except (ValueError, yaml.constructor.ConstructorError) as exc:
            kind = "date" if node.tag.endswith("timestamp") else "value"
            self._at(node, f"{node.value!r} is not a valid {kind} ({exc})", loc)
            return None
        if isinstance(value, str) and _SURROGATE_PAIR.search(value):
            value = _SURROGATE_PAIR.sub(_join_pair, value)
        if isinstance(value, str) and _BAD_CHARS.search(value):
            mark = node.start_mark
            self.warnings.append(
                Problem(
                    self.source.file,
                    mark.line + 1,
                    mark.column + 1,
                    "removed control or non-character code points",
                    format_loc(loc),
                    "warning",
                )
            )
            value = clean_text(value)
        return value

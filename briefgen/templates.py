"""Template sets and the sandboxed Jinja environments that render them.

A template set is a folder: ``brief.html.j2`` (and its CSS) for the PDF and HTML,
``deck.yaml.j2`` for the slide plan, ``document.yaml.j2`` for the Word document's plan,
optional ``reference.pptx`` and ``reference.docx`` files, fonts, and ``template.yaml`` with
its settings. Sets are found on a search path, file by file: the
project's ``templates/<set>/``, then the built-in set, then the set it ``extends``.
``{% extends "!default/brief.html.j2" %}`` reaches a built-in file from an override.

Templates come from colleagues, so they run sandboxed, with autoescape and strict
undefined, and can read nothing outside the template folders.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import re
import traceback
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar

import jinja2
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markupsafe import Markup
from pydantic import BaseModel, Field

from briefgen.colors import text_on
from briefgen.content.validate import validate
from briefgen.content.yamlsource import clean_text, load_bytes
from briefgen.errors import BriefgenError, InputError, TemplateError, ValidationFailed
from briefgen.files import FileTree, walk_files
from briefgen.limits import TimeLimitExceeded, time_limit
from briefgen.messages import Labels, catalogue, long_date, upper
from briefgen.model import Color, Line, Model, Slug

M = TypeVar("M", bound=BaseModel)
SETTINGS_FILE = "template.yaml"
HTML_TEMPLATE = "brief.html.j2"
DECK_TEMPLATE = "deck.yaml.j2"
DOCX_TEMPLATE = "document.yaml.j2"
# The main template of each kind of environment.
MAIN_TEMPLATES = {"html": HTML_TEMPLATE, "deck": DECK_TEMPLATE, "docx": DOCX_TEMPLATE}
Kind = Literal["html", "deck", "docx"]


def builtin_dir() -> Path:
    """Built-in template sets: inside the installed package, or beside it in a checkout."""
    packaged = Path(__file__).parent / "_templates"
    return packaged if packaged.is_dir() else Path(__file__).parent.parent / "templates"


# ---------------------------------------------------------------- settings


class DeckSettings(Model):
    """How the deck builder uses this set's reference deck."""

    reference: Line | None = "reference.pptx"
    # The master whose layouts a layout name means first, when a deck has several masters
    # with layouts of the same names (briefgen templates inspect lists them): its name, or
    # its number (1 = the first) for masters without a name of their own.
    master: Annotated[int, Field(ge=1)] | Line | None = None
    # A master for some slide kinds, over ``master``: templates that keep their cover on
    # one master and their text slides on another (LibreOffice saves one per master page).
    masters: dict[str, Annotated[int, Field(ge=1)] | Line] = {}
    layouts: dict[str, Line] = {}
    font: Line = "Calibri"
    metrics: dict[Literal["regular", "bold"], Line] = {}
    title_size: float = Field(30, ge=8, le=96)
    body_size: float = Field(20, ge=8, le=72)
    min_body_size: float = Field(14, ge=6, le=72)


class DocxSettings(Model):
    """How the DOCX builder uses this set's reference document."""

    reference: Line | None = "reference.docx"
    # Roles the builder writes -> style names of the reference document, over the defaults
    # of briefgen.render.docx.styles (a corporate reference with its own style names).
    styles: dict[Slug, Line] = {}
    chart_height: float = Field(70, ge=30, le=250)  # mm; charts are as wide as the text


class ChartSettings(Model):
    colors: list[Color] = Field(
        ["#1F4E79", "#C8102E", "#5B8DB8", "#E8A33D", "#6A8F3C"], min_length=1
    )
    font: Line = "sans-serif"
    # The SVG's drawing size in pixels. Chart text is 12–13 px of it, so a set that prints
    # charts narrower than the default set's 172 mm gives a smaller width: text prints at
    # 13 px × (printed width / width), which should stay at 8 pt (2.8 mm) or more.
    width: int = Field(720, ge=200, le=4000)
    height: int = Field(300, ge=100, le=4000)


class TemplateSettings(Model):
    """``template.yaml``: what a set is, and defaults for the audience theme."""

    description: Line = ""
    extends: Slug | None = None
    primary: Color = "#1F3A5F"
    accent: Color = "#C8102E"
    font: Line = "sans-serif"
    deck: DeckSettings = DeckSettings()
    docx: DocxSettings = DocxSettings()
    chart: ChartSettings = ChartSettings()


# ---------------------------------------------------------------- sets and search path


@dataclass(frozen=True)
class TemplateSet:
    """A resolved template set: its search path of trees and its settings."""

    name: str
    layers: tuple[FileTree, ...]
    builtins: tuple[tuple[str, FileTree], ...]
    settings: TemplateSettings

    def find(self, rel: str) -> FileTree | None:
        """The first tree on the search path that has ``rel``."""
        return next((t for t in self.layers if t.exists(rel)), None)

    def read(self, rel: str) -> bytes:
        tree = self.find(rel)
        data = tree.read(rel) if tree else None
        if data is None:
            where = ", ".join(t.label for t in self.layers)
            raise InputError(f"template set '{self.name}': no file '{rel}' (looked in {where})")
        return data

    def builtin(self, name: str) -> FileTree | None:
        return dict(self.builtins).get(name)

    @cached_property
    def digest(self) -> str:
        """Changes when any file this set can use changes: for incremental builds."""
        h = hashlib.sha256(self.name.encode())
        for tree in (*self.layers, *(t for _, t in self.builtins)):
            h.update(tree.label.encode() + tree.digest().encode())
        return h.hexdigest()

    def in_memory(self) -> TemplateSet:
        """This set with every file loaded, to send to a worker with no shared file system."""
        return TemplateSet(
            self.name,
            tuple(t.in_memory() for t in self.layers),
            tuple((n, t.in_memory()) for n, t in self.builtins),
            self.settings,
        )


def _project_dir(project_templates: Path | None) -> Path | None:
    """The project's templates folder, unless it *is* the built-in one (briefgen's own repo)."""
    if project_templates is None or not project_templates.is_dir():
        return None
    if project_templates.resolve() == builtin_dir().resolve():
        return None
    return project_templates


def _trees_for(name: str, project_templates: Path | None) -> list[FileTree]:
    trees = []
    project_templates = _project_dir(project_templates)
    if project_templates is not None and (project_templates / name).is_dir():
        # Reads stay inside the project even if the set's folder is a symlink elsewhere.
        within = project_templates.parent.resolve()  # the project, not where a link goes
        trees.append(
            FileTree(f"templates/{name}", project_templates / name, within=within, links=False)
        )
    if (builtin_dir() / name).is_dir():
        trees.append(FileTree(f"builtin:{name}", builtin_dir() / name, links=False))
    return trees


def available_sets(project_templates: Path | None) -> dict[str, str]:
    """Every template set name -> its origin: 'built-in', 'project' or 'project override'."""
    sets: dict[str, str] = {}
    for folder in sorted(builtin_dir().iterdir()):
        if (folder / SETTINGS_FILE).is_file():
            sets[folder.name] = "built-in"
    project_templates = _project_dir(project_templates)
    if project_templates is not None:
        for folder in sorted(project_templates.iterdir()):
            if folder.is_dir():
                sets[folder.name] = "project override" if folder.name in sets else "project"
    return sets


def load_set(name: str, project_templates: Path | None) -> TemplateSet:
    """Resolve template set ``name``: its search path (following ``extends``) and settings."""
    layers: list[FileTree] = []
    settings: TemplateSettings | None = None
    chain: list[str] = []
    current: str | None = name
    while current is not None:
        if current in chain:
            raise InputError(
                f"template set '{name}': 'extends' goes round in a circle "
                f"({' -> '.join([*chain, current])})"
            )
        trees = _trees_for(current, project_templates)
        if not trees:
            known = ", ".join(available_sets(project_templates))
            raise InputError(f"unknown template set '{current}'; available: {known}")
        chain.append(current)
        layers.extend(trees)
        own = _read_settings(trees)
        settings = settings or own
        current = own.extends
    assert settings is not None
    builtins = tuple(
        (n, FileTree(f"builtin:{n}", builtin_dir() / n, links=False)) for n in available_sets(None)
    )
    return TemplateSet(name, tuple(layers), builtins, settings)


def _read_settings(trees: list[FileTree]) -> TemplateSettings:
    for tree in trees:
        data = tree.read(SETTINGS_FILE)
        if data is not None:
            return validate(load_bytes(data, f"{tree.label}/{SETTINGS_FILE}"), TemplateSettings)
    return TemplateSettings()


def files_of(tset: TemplateSet) -> list[tuple[str, FileTree]]:
    """The effective files of a set (project files shadowing built-in ones): for ``eject``."""
    return list(walk_files(tset.layers))


# ---------------------------------------------------------------- Jinja


class _SetLoader(jinja2.BaseLoader):
    """Loads template names from the set's search path; ``!set/file`` from a built-in set."""

    def __init__(self, tset: TemplateSet):
        self.tset = tset

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        try:
            if template.startswith("!"):
                set_name, _, rel = template[1:].partition("/")
                tree = self.tset.builtin(set_name)
                data = tree.read(rel) if tree else None
                label = tree.label if tree else f"builtin:{set_name}"
            else:
                rel = template
                tree = self.tset.find(rel)
                data = tree.read(rel) if tree else None
                label = tree.label if tree else ""
        except InputError as exc:  # a symlink out of the template folders
            raise jinja2.TemplateNotFound(template, str(exc)) from None
        if data is None:
            raise jinja2.TemplateNotFound(template, _not_found(template, self.tset))
        try:
            source = data.decode("utf-8")
        except UnicodeDecodeError:
            raise jinja2.TemplateNotFound(template, f"{template}: not UTF-8 text") from None
        tags = source.count("{{") + source.count("{%")
        if tags > MAX_TEMPLATE_TAGS:  # compiling costs ~0.1 ms and 10 kB per tag, unlimited
            raise jinja2.TemplateSyntaxError(
                f"{tags:,} {{{{ }}}} and {{% %}} tags; the limit is {MAX_TEMPLATE_TAGS:,} a file",
                1,
                template,
                f"{label}/{rel}",
            )
        return source, f"{label}/{rel}", lambda: True


def _not_found(name: str, tset: TemplateSet) -> str:
    where = ", ".join(t.label for t in tset.layers)
    return f"template '{name}' not found inside the template folders (looked in {where})"


MAX_TEMPLATE_TAGS = 20_000
"""Tags one template file may have: compiling happens outside the render limits."""
MAX_VALUE = 10_000_000
"""Characters or items one template operation may make (``"x" * n``, ``"%9999d" % 1``)."""
MAX_POWER_BITS = 100_000
MAX_OUTPUT = 50_000_000
"""Characters one rendered template may produce."""


class _Sandbox(ImmutableSandboxedEnvironment):
    """The sandbox, tightened.

    * pydantic's ``model_*`` API is not for templates either.
    * Nothing of a template runs while it is compiled. Jinja folds constant expressions at
      compile time, filters included, and compiling happens in the build's own process,
      outside the render workers' time and memory limits: ``{{ "x" | center(10**9) }}``
      or ``{{ [1] | batch(10**9, 0) }}`` would fill the memory of the command itself.
      Intercepted operators and filters marked ``pass_context`` are never folded, so
      they run at render time, where the limits apply (see :func:`_render_time_only`).
    * The operators that can make huge values from small ones refuse to: repeating a string
      or list, powers, and ``%`` formatting with a huge width.
    """

    intercepted_binops = frozenset({"*", "**", "%"})

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        if isinstance(obj, BaseModel) and attr.startswith("model_"):
            return False
        return super().is_safe_attribute(obj, attr, value)

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "*":
            for seq, times in ((left, right), (right, left)):
                sized = isinstance(seq, str | list | tuple) and isinstance(times, int)
                if sized and len(seq) * times > MAX_VALUE:
                    raise SecurityError(
                        f"'*' would make {len(seq) * times:,} characters or items; "
                        f"the limit is {MAX_VALUE:,}"
                    )
        elif operator == "**" and _is_int(left) and _is_int(right) and abs(left) > 1:
            if right * abs(left).bit_length() > MAX_POWER_BITS:
                raise SecurityError(f"{left} ** {right} is too large a number")
        elif operator == "%" and isinstance(left, str):
            widths = re.findall(r"%[-#0 +]*(\d*)(?:\.(\d*))?", left)
            if any(int(n or 0) > MAX_VALUE for pair in widths for n in pair):
                raise SecurityError(f"a '%' format width over {MAX_VALUE:,}")
        return super().call_binop(context, operator, left, right)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _render_time_only(func: Callable[..., Any]) -> Callable[..., Any]:
    """``func`` as a filter that Jinja cannot run at compile time (see :class:`_Sandbox`).

    Jinja never folds a filter that takes the render context, so the wrapper takes it and
    hands the original filter what it asked for (context, eval context, environment or
    nothing), which Jinja records in the ``jinja_pass_arg`` attribute.
    """
    wants = getattr(getattr(func, "jinja_pass_arg", None), "name", None)

    @functools.wraps(func)
    def filter_(context: Any, *args: Any, **kwargs: Any) -> Any:
        if wants == "context":
            return func(context, *args, **kwargs)
        if wants == "eval_context":
            return func(context.eval_ctx, *args, **kwargs)
        if wants == "environment":
            return func(context.environment, *args, **kwargs)
        return func(*args, **kwargs)

    return jinja2.pass_context(filter_)


def _finalize_html(value: Any) -> Any:
    """An empty optional field prints as nothing, never as 'None'."""
    return "" if value is None else value


def yaml_value(value: Any) -> str:
    """Every ``{{ }}`` in a deck template emits one quoted YAML value (JSON is YAML).

    So content can never add structure to the slide plan: a title with ': ' or a newline
    stays a title.
    """
    return json.dumps(_plain(value), ensure_ascii=False)


def _plain(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        return str(value)
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def css_string(value: Any) -> Markup:
    """A quoted CSS string (for ``content:``), safe inside ``<style>``: quotes, backslashes,
    newlines and ``<`` are CSS-escaped, so no value can end the string or the style element."""
    text = "" if value is None else str(value)
    out = "".join(c if c.isalnum() or c in " .,;:-_/()'!?&+" else f"\\{ord(c):x} " for c in text)
    return Markup(f'"{out}"')


# Advance widths, in ems, no font's average exceeds (Inter, Noto Serif, Carlito and DejaVu
# Sans bold, measured): upper case, lower case, digits, spaces, anything else.
_EM_WIDTH = {"upper": 0.8, "lower": 0.66, "digit": 0.72, "space": 0.36, "other": 0.66}


def text_width(value: Any, size_pt: float, letter_spacing: float = 0.0) -> float:
    """A generous estimate, in millimetres, of ``value`` set in one line at ``size_pt``
    with ``letter_spacing`` ems between letters: what a page header must leave free for a
    classification banner that may not wrap, whatever font draws it."""
    text = "" if value is None else str(value)
    ems = sum(_EM_WIDTH[_char_kind(c)] + letter_spacing for c in text)
    return round(ems * size_pt * 25.4 / 72 * 1.1, 1)


def _char_kind(c: str) -> str:
    """Which of :data:`_EM_WIDTH`'s classes the character ``c`` is."""
    for kind, test in (
        ("upper", str.isupper),
        ("lower", str.islower),
        ("digit", str.isdigit),
        ("space", str.isspace),
    ):
        if test(c):
            return kind
    return "other"


class _CompiledTemplates(jinja2.BytecodeCache):
    """Compiled templates kept in memory for the life of the process.

    Compiling the built-in brief template and its includes costs about 30 ms, the deck plan
    template as much: a third of what a warm worker spends on a deck. Jinja checks each
    entry against a checksum of the template's source, so an edited template (``briefgen
    watch``, the preview server) is compiled again. One cache per kind of environment: the
    HTML and deck environments compile the same source differently (autoescape, finalize).
    Nothing is written to disk.
    """

    def __init__(self, limit: int = 256):
        self._store: OrderedDict[str, bytes] = OrderedDict()
        self._limit = limit

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        data = self._store.get(bucket.key)
        if data is not None:
            self._store.move_to_end(bucket.key)
            bucket.bytecode_from_string(data)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self._store[bucket.key] = bucket.bytecode_to_string()
        while len(self._store) > self._limit:
            self._store.popitem(last=False)


_COMPILED = {kind: _CompiledTemplates() for kind in MAIN_TEMPLATES}


def make_env(
    tset: TemplateSet,
    kind: Kind,
    globals_: dict[str, Any] | None = None,
    lang: str = "en",
) -> jinja2.Environment:
    """A sandboxed environment for ``kind``: HTML-escaped, or YAML-quoted for the deck's
    and the document's plans.

    Templates see the set's labels in ``lang`` as ``labels`` (``{{ labels.sources }}``),
    dates written in it by ``long_date``, and ``upper`` capitalising as ``lang`` does.
    """
    labels = Labels(catalogue(tset, lang))
    pattern = labels.get("date_format", "d MMMM y")
    html = kind == "html"
    env = _Sandbox(
        loader=_SetLoader(tset),
        autoescape=html,
        undefined=jinja2.StrictUndefined,
        finalize=_finalize_html if html else yaml_value,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
        bytecode_cache=_COMPILED[kind],
    )
    env.filters["long_date"] = lambda value: long_date(value, lang, pattern)
    env.filters["upper"] = lambda value: upper(value, lang)  # Azerbaijani: i -> İ
    env.filters["yaml"] = yaml_value
    env.filters["css_string"] = css_string
    env.filters["text_on"] = text_on  # white or near-black, readable on a theme colour
    env.filters["text_width"] = text_width  # mm a one-line text needs (page headers)
    env.filters = {name: _render_time_only(f) for name, f in env.filters.items()}
    env.globals["labels"] = labels
    env.globals.update(globals_ or {})
    return env


def compile_check(tset: TemplateSet, kind: Kind) -> None:
    """Load and compile the set's main template of ``kind`` now, so a syntax error or a
    missing file stops the build before anything is rendered."""
    render(make_env(tset, kind), MAIN_TEMPLATES[kind], None)


def load_plan(text: str, model: type[M], template: str, label: str, what: str) -> M:
    """A plan template's output (``text``, rendered for ``label``) validated as ``model``;
    a plan that does not validate is the template's error, at the rendered plan's line."""
    try:
        return validate(
            load_bytes(text.encode("utf-8"), f"{template} (rendered for {label})"), model
        )
    except ValidationFailed as exc:
        first = exc.problems[0]
        more = f" (and {len(exc.problems) - 1} more)" if len(exc.problems) > 1 else ""
        raise TemplateError(
            template,
            None,
            f"the {what} it produced is invalid: "
            f"line {first.line}: {first.path}: {first.message}{more}",
        ) from None


TEMPLATE_TIMEOUT = 10.0  # seconds one template evaluation may take (the sample: 0.05)


def render(
    env: jinja2.Environment,
    name: str,
    context: dict[str, Any] | None,
    timeout: float = TEMPLATE_TIMEOUT,
) -> str:
    """Render template ``name`` (only compile it when ``context`` is None); every failure
    becomes a :class:`TemplateError` with its template and line.

    Evaluation has its own short time limit, ``timeout`` seconds: the sandbox caps each
    ``range()``, but nested loops multiply (two of ``range(100000)`` are 10¹⁰ turns that
    write nothing), and such a template should be reported at its line in seconds, not when
    the render's own limit (for layout, minutes) runs out.

    The result never contains control characters, non-characters or lone surrogates (a
    template can write them with escapes in string literals; python-pptx and lxml refuse
    them, and the PDF and the deck should say the same), and is at most ``MAX_OUTPUT``
    characters long.
    """
    try:
        template = env.get_template(name)
        if context is None:
            return ""
        with time_limit(timeout, "template"):
            text = template.render(context)
    except TimeLimitExceeded as exc:
        if exc.what != "template":
            raise  # the render's own limit: reported for the whole render
        where, line = _jinja_frame(exc, _where(env, name))
        raise TemplateError(
            where, line, f"stopped after {exc.seconds:g} s (a loop that never ends?)"
        ) from None
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError(
            exc.filename or exc.name or name, exc.lineno, exc.message or "syntax error"
        ) from None
    except jinja2.TemplateNotFound as exc:
        where, line = _template_frame(exc, _where(env, name))
        message = exc.message or f"template '{exc.name}' not found"
        raise TemplateError(where, line, message) from None
    except RecursionError as exc:
        where, line = _template_frame(exc, _where(env, name))
        if context is None or line is None:  # while compiling: the parser recursed
            message = "nested too deeply to compile (expressions or blocks inside each other)"
        else:
            message = "template recursion too deep (a macro or include that calls itself?)"
        raise TemplateError(where, line, message) from None
    except jinja2.TemplateError as exc:  # UndefinedError, SecurityError, ...
        where, line = _template_frame(exc, _where(env, name))
        raise TemplateError(where, line, _jinja_message(exc)) from None
    except BriefgenError:  # from a helper the template called (asset(), project_asset())
        raise
    except Exception as exc:  # whatever a filter, test or method raised on what it was given
        where, line = _template_frame(exc, _where(env, name))
        raise TemplateError(where, line, f"{type(exc).__name__}: {exc}") from exc
    if len(text) > MAX_OUTPUT:
        raise TemplateError(
            _where(env, name),
            None,
            f"the template produced {len(text):,} characters; the limit is {MAX_OUTPUT:,}",
        )
    return clean_text(text)


def _where(env: jinja2.Environment, name: str) -> str:
    """The file template ``name`` comes from (``templates/default/brief.html.j2``)."""
    try:
        return env.loader.get_source(env, name)[1] or name  # type: ignore[union-attr]
    except Exception:
        return name


def _jinja_message(exc: jinja2.TemplateError) -> str:
    text = exc.message or type(exc).__name__
    if isinstance(exc, jinja2.exceptions.SecurityError):
        return f"not allowed in a template: {text}"
    if isinstance(exc, jinja2.UndefinedError):
        return f"undefined: {text}"
    return text


def _jinja_frame(exc: BaseException, fallback: str) -> tuple[str, int | None]:
    r"""The innermost template file and line of ``exc``, an exception Jinja did not rewrite
    (it rewrites only ``Exception``\ s): each compiled template's module knows its template,
    which maps a line of the generated Python back to the template's."""
    found: tuple[str, int | None] = (fallback, None)
    tb = exc.__traceback__
    while tb is not None:
        template = tb.tb_frame.f_globals.get("__jinja_template__")
        if template is not None and template.filename:
            found = (template.filename, template.get_corresponding_lineno(tb.tb_lineno))
        tb = tb.tb_next
    return found


def _template_frame(exc: BaseException, fallback: str) -> tuple[str, int | None]:
    """The innermost template file and line in ``exc``'s traceback (Jinja rewrites frames)."""
    found: tuple[str, int | None] = (fallback, None)
    for frame in traceback.extract_tb(exc.__traceback__):
        if frame.filename.startswith(("templates/", "builtin:")):
            found = (frame.filename, frame.lineno)
    return found

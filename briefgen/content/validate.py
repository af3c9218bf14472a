"""Check loaded data against the model and report every problem with its file, line and field.

pydantic finds type and shape problems; the cross-checks below find what a schema cannot
(duplicate ids, citations of unknown sources, series that do not match their categories).
Both run on every load, so a user fixes a file in one pass rather than one error at a time.
"""

from __future__ import annotations

import difflib
import re
import types
import typing
from collections.abc import Iterator
from dataclasses import replace
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from briefgen.content.yamlsource import Document, Loc, SourceMap, format_loc
from briefgen.errors import Problem, ValidationFailed
from briefgen.model import Brief

M = TypeVar("M", bound=BaseModel)

_TYPE_NAMES = {
    bool: "a boolean (true/false)",
    int: "a number",
    float: "a number",
    str: "text",
    list: "a list",
    dict: "a mapping",
    type(None): "nothing (an empty value)",
}


def validate(doc: Document, model: type[M], extra_checks: bool = True) -> M:
    """Validate ``doc`` as ``model``; raise :class:`ValidationFailed` listing every problem."""
    problems: list[Problem] = list(doc.problems)
    result: M | None = None
    if not isinstance(doc.data, dict) and not problems:
        got = _TYPE_NAMES.get(type(doc.data), type(doc.data).__name__)
        raise ValidationFailed([doc.source.problem((), f"expected a mapping of fields, got {got}")])
    try:
        result = model.model_validate(doc.data)
    except ValidationError as exc:
        already = {p.line for p in doc.problems}  # a bad date is not also "empty"
        found = (_translate(err, doc, model) for err in exc.errors())
        problems.extend(p for p in found if p.line not in already)
    if extra_checks and model is Brief and isinstance(doc.data, dict):
        problems.extend(cross_check(doc.data, doc.source))
    if problems:
        raise ValidationFailed(_dedupe(problems))
    assert result is not None
    doc.warnings.extend(_yaml11_numbers(doc))
    return result


# Plain scalars YAML 1.1 reads as numbers although nobody types them as numbers: base 60
# (``12:30`` is 750) and a leading zero (``010`` is 8). Where a number is accepted (table
# cells, chart labels, timeline dates) they pass validation, so they get a warning.
_SURPRISING_NUMBER = re.compile(r"[-+]?(?:[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?|0[0-7_]+)")


def _yaml11_numbers(doc: Document) -> list[Problem]:
    out = []
    for loc, typed in doc.source.plain.items():
        if not _SURPRISING_NUMBER.fullmatch(typed):
            continue
        value = _value_at(doc.data, loc)
        if isinstance(value, int | float) and not isinstance(value, bool):
            out.append(
                doc.source.problem(
                    loc,
                    f"YAML reads unquoted {typed} as the number {value}; "
                    f'put it in quotes if you meant "{typed}"',
                    severity="warning",
                )
            )
    return out


def _value_at(data: Any, loc: Loc) -> Any:
    for part in loc:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return None
    return data


def _dedupe(problems: list[Problem]) -> list[Problem]:
    seen: dict[tuple[int, str], Problem] = {}
    for p in problems:
        seen.setdefault((p.line, p.path + p.message), p)
    return list(seen.values())


# ---------------------------------------------------------------- pydantic errors -> Problems


def _translate(err: Any, doc: Document, model: type[BaseModel]) -> Problem:
    raw_loc = tuple(err["loc"])
    if err["type"] in ("extra_forbidden", "missing"):  # the last part is the key in question
        loc = (*_clean_loc(model, raw_loc[:-1]), raw_loc[-1])
    else:
        loc = _clean_loc(model, raw_loc)
    kind, value = err["type"], err.get("input")
    src = doc.source
    if kind == "extra_forbidden":
        return src.problem(loc, _unknown_key(loc, model), key=True)
    if kind == "missing":
        return replace(
            src.problem(loc[:-1], f"missing required field '{loc[-1]}'"), path=format_loc(loc)
        )
    message = _message(kind, err, value)
    if kind == "union_tag_invalid":  # point at the kind itself, not the whole figure
        loc = (*loc, "kind")
    # Quoting helps only where text was wanted: "put it in quotes" for a number given to a
    # date or a boolean field would trade one error for another.
    hint = _yaml_hint(src, loc, value, kind) if kind == "string_type" else ""
    return src.problem(loc, f"{message}{hint}")


def _clean_loc(model: type[BaseModel], loc: Loc) -> Loc:
    """Drop the union-member and discriminator names pydantic puts in error paths.

    Walks ``loc`` along the model's types: a part that is a field, list index or dict key is
    kept; anything else at a union is pydantic's bookkeeping, which users never see.
    """
    kept: list[str | int] = []
    types_: list[Any] = [model]
    for part in loc:
        tagged = _tagged_member(types_, part)
        if tagged is not None:  # the discriminator's value: selects a member, not a field
            types_ = [tagged]
            continue
        nxt = _step(types_, part)
        if nxt:
            kept.append(part)
            types_ = nxt
    return tuple(kept)


def _tagged_member(types_: list[Any], part: str | int) -> type[BaseModel] | None:
    """At a union discriminated by ``kind``, the member whose tag is ``part``."""
    members = [
        c
        for tp in types_
        for c in _expand(tp)
        if isinstance(c, type) and issubclass(c, BaseModel) and "kind" in c.model_fields
    ]
    if len(members) < 2:
        return None
    for member in members:
        if part in typing.get_args(member.model_fields["kind"].annotation):
            return member
    return None


def _step(types_: list[Any], part: str | int) -> list[Any]:
    """The types reached from any of ``types_`` through ``part``; empty if none."""
    out: list[Any] = []
    for tp in types_:
        for cand in _expand(tp):
            origin = typing.get_origin(cand)
            if isinstance(cand, type) and issubclass(cand, BaseModel):
                if isinstance(part, str) and part in cand.model_fields:
                    out.append(cand.model_fields[part].annotation)
            elif origin is list and isinstance(part, int):
                out.append(typing.get_args(cand)[0])
            elif origin is dict and isinstance(part, str):
                out.append(typing.get_args(cand)[1])
    return out


def _message(kind: str, err: Any, value: Any) -> str:
    got = _TYPE_NAMES.get(type(value), type(value).__name__)
    if kind.endswith("_type") or kind in ("model_type", "model_attributes_type", "dict_type"):
        want = {
            "string_type": "text",
            "int_type": "a whole number",
            "float_type": "a number",
            "bool_type": "true or false",
            "list_type": "a list",
            "date_type": "a date (YYYY-MM-DD)",
            "dict_type": "a mapping",
            "model_type": "a mapping",
        }.get(kind, kind.removesuffix("_type"))
        if value is None:
            return f"is empty; expected {want}"
        return f"expected {want}, got {got}"
    if kind == "string_too_short":
        return "must not be empty"
    if kind == "string_pattern_mismatch":
        return _pattern_message(err, value)
    if kind == "literal_error":
        return f"{value!r} is not allowed: {err['msg'].removeprefix('Input should be ')}"
    if kind == "union_tag_invalid":
        tag = err.get("ctx", {}).get("tag", value)
        return f"kind must be 'chart' or 'table', got {tag!r}"
    if kind == "union_tag_not_found":
        return "missing required field 'kind' (chart or table)"
    msg = err["msg"].removeprefix("Value error, ")  # our own validators' messages
    return msg[0].lower() + msg[1:]


def _pattern_message(err: Any, value: Any) -> str:
    pattern = err.get("ctx", {}).get("pattern", "")
    if "#" in pattern:
        return f"{value!r} is not a colour; write it as #RRGGBB"
    if "https?" in pattern:
        return f"{value!r} is not a web address (http:// or https://)"
    if "a-z0-9" in pattern and "A-Z" not in pattern:
        return (
            f"{value!r} is not a valid id: use lower-case letters, digits and hyphens "
            "(like 'energy-security')"
        )
    return f"{value!r} is not a valid tag: use letters, digits, '-', '_' or '.'"


def _yaml_hint(src: SourceMap, loc: Loc, value: Any, kind: str) -> str:
    """Explain YAML 1.1 readings: the author typed ``NO`` and YAML heard ``false``."""
    typed = src.plain.get(loc)
    if typed is None or isinstance(value, str):
        return ""
    if isinstance(value, bool):
        reading = f"the boolean {str(value).lower()}"
    elif isinstance(value, int) and ":" in typed:
        reading = f"a base-60 number ({value})"
    elif isinstance(value, int) and typed.lstrip("+-").startswith("0") and len(typed) > 1:
        reading = f"an octal number ({value})"
    elif isinstance(value, int | float):
        reading = f"the number {value}"
    elif value is None:
        return ""
    else:
        reading = f"a {type(value).__name__}"
    return f' (YAML reads unquoted {typed} as {reading}; put it in quotes: "{typed}")'


def _unknown_key(loc: Loc, model: type[BaseModel]) -> str:
    key = str(loc[-1])
    allowed = _fields_at(model, loc[:-1])
    close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
    hint = f" (did you mean '{close[0]}'?)" if close else ""
    known = f"; known keys: {', '.join(allowed)}" if allowed and not close else ""
    return f"unknown key '{key}'{hint}{known}"


def _fields_at(model: type[BaseModel], loc: Loc) -> list[str]:
    """The field names valid at ``loc`` below ``model``, following lists, dicts and unions."""
    types_: list[Any] = [model]
    for part in loc:
        types_ = _step(types_, part)
    names: list[str] = []
    for tp in types_:
        for cand in _expand(tp):
            if isinstance(cand, type) and issubclass(cand, BaseModel):
                names += [n for n in cand.model_fields if n not in names]
    return names


def _expand(tp: Any) -> Iterator[Any]:
    """Unwrap Annotated/Optional/Union into the concrete types a value may be."""
    origin = typing.get_origin(tp)
    if origin is typing.Annotated:
        yield from _expand(typing.get_args(tp)[0])
    elif origin in (typing.Union, types.UnionType):
        for arg in typing.get_args(tp):
            yield from _expand(arg)
    else:
        yield tp


# ---------------------------------------------------------------- cross-checks


def cross_check(data: dict[str, Any], src: SourceMap) -> list[Problem]:
    """Checks across fields, on the raw data so they run even when the schema failed."""
    problems: list[Problem] = []
    source_ids = _unique_ids(data.get("sources"), ("sources",), src, problems, "source")
    sections = data.get("sections") if isinstance(data.get("sections"), list) else []
    _unique_ids(sections, ("sections",), src, problems, "section")
    figure_ids: dict[str, Loc] = {}
    for loc, item in _items_with_sources(data):
        for key, cited in _cited(item):
            _check_citation(cited, (*loc, *key), source_ids, src, problems)
    for i, section in enumerate(sections):
        if not isinstance(section, dict):
            continue
        for j, fig in enumerate(_list(section.get("figures"))):
            if not isinstance(fig, dict):
                continue
            loc = ("sections", i, "figures", j)
            fid = fig.get("id")
            if isinstance(fid, str):
                if fid in figure_ids:
                    problems.append(src.problem((*loc, "id"), f"duplicate figure id '{fid}'"))
                figure_ids[fid] = loc
            problems.extend(_check_figure(fig, loc, src))
    return problems


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _unique_ids(
    items: Any, loc: Loc, src: SourceMap, problems: list[Problem], what: str
) -> set[str]:
    seen: dict[str, int] = {}
    for i, item in enumerate(_list(items)):
        ident = item.get("id") if isinstance(item, dict) else None
        if not isinstance(ident, str):
            continue
        if ident in seen:
            first = src.position((*loc, seen[ident], "id"))[0]
            problems.append(
                src.problem(
                    (*loc, i, "id"), f"duplicate {what} id '{ident}' (first on line {first})"
                )
            )
        else:
            seen[ident] = i
    return set(seen)


def _items_with_sources(data: dict[str, Any]) -> Iterator[tuple[Loc, dict[str, Any]]]:
    """Every mapping that may cite sources: points, key messages, quotes, figures."""
    for i, msg in enumerate(_list(data.get("key_messages"))):
        if isinstance(msg, dict):
            yield ("key_messages", i), msg
    for i, section in enumerate(_list(data.get("sections"))):
        if not isinstance(section, dict):
            continue
        for field in ("points", "quotes", "figures"):
            for j, item in enumerate(_list(section.get(field))):
                if isinstance(item, dict):
                    yield ("sections", i, field, j), item


def _cited(item: dict[str, Any]) -> Iterator[tuple[Loc, Any]]:
    if isinstance(item.get("source"), str):
        yield ("source",), item["source"]
    for k, sid in enumerate(_list(item.get("sources"))):
        yield ("sources", k), sid


def _check_citation(
    cited: Any, loc: Loc, known: set[str], src: SourceMap, problems: list[Problem]
) -> None:
    if not isinstance(cited, str) or cited in known:
        return
    close = difflib.get_close_matches(cited, sorted(known), n=1, cutoff=0.6)
    hint = (
        f" (did you mean '{close[0]}'?)"
        if close
        else (f"; known: {', '.join(sorted(known))}" if known else "; the brief has no sources")
    )
    problems.append(src.problem(loc, f"unknown source '{cited}'{hint}"))


def _check_figure(fig: dict[str, Any], loc: Loc, src: SourceMap) -> list[Problem]:
    problems = []
    if fig.get("kind") == "chart":
        categories = fig.get("categories")
        n = len(categories) if isinstance(categories, list) else None
        series = _list(fig.get("series"))
        for k, s in enumerate(series):
            values = s.get("values") if isinstance(s, dict) else None
            if n is not None and isinstance(values, list) and len(values) != n:
                problems.append(
                    src.problem(
                        (*loc, "series", k, "values"),
                        f"{len(values)} values for {n} categories; give one value per category",
                    )
                )
        if fig.get("chart") == "pie" and len(series) > 1:
            problems.append(src.problem((*loc, "series"), "a pie chart takes one series"))
    elif fig.get("kind") == "table":
        columns = fig.get("columns")
        n = len(columns) if isinstance(columns, list) else None
        for r, row in enumerate(_list(fig.get("rows"))):
            if n is not None and isinstance(row, list) and len(row) != n:
                problems.append(
                    src.problem((*loc, "rows", r), f"row has {len(row)} cells for {n} columns")
                )
    return problems

"""What briefgen writes itself, in the brief's language: labels, dates and upper case.

Labels ("Bottom line", "Key messages", "(cont. 2/3)"…) live in one catalogue per language
inside each template set, ``messages/<lang>.yaml``; a set that ``extends`` another
inherits its catalogues and overrides keys, so a project adds or rewords a language by
adding a file to its own set, without Python. The languages a set knows are the catalogues
it has; a brief or audience asking for another is refused with the known ones listed.

Dates are written with Babel's CLDR data in the catalogue's ``date_format`` ("23 noyabr
2026", "23 ноября 2026 г."). Upper case follows the language: Azerbaijani and Turkish
write the capital of i as İ and of ı as I, which Python's ``str.upper`` does not.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from briefgen.errors import InputError

if TYPE_CHECKING:
    from briefgen.templates import TemplateSet

CATALOGUES = "messages"
MAX_CATALOGUE = 64_000  # bytes: a catalogue is a few dozen short labels
_DOTTED_I = ("az", "tr", "crh", "tt", "kk")  # languages whose i capitalises as İ


def language_of(tag: str) -> str:
    """The primary language of a BCP 47 tag: ``az-Latn-AZ`` -> ``az``."""
    return tag.split("-", 1)[0].lower()


def _trees(tset: TemplateSet) -> list:
    """Where catalogues are looked up, base first: the built-in default set (briefgen's own
    words, which every set may reuse through "!default/" templates), then the set's search
    path from the set it extends to the project's own files."""
    base = tset.builtin("default")
    trees = [t for t in reversed(tset.layers)]
    return ([base] if base is not None and base not in trees else []) + trees


def known_languages(tset: TemplateSet) -> list[str]:
    """The languages ``tset`` has a catalogue for, in any tree it reads them from."""
    names = set()
    for tree in _trees(tset):
        for rel in tree.listing():
            folder, _, name = rel.rpartition("/")
            if folder == CATALOGUES and name.endswith(".yaml"):
                names.add(name[: -len(".yaml")])
    return sorted(names)


_CACHE: dict[tuple[str, str], dict[str, str]] = {}  # (set digest, lang) -> labels


def catalogue(tset: TemplateSet, lang: str) -> dict[str, str]:
    """:func:`load_catalogue`, remembered per set contents and language: every render asks
    (the deck twice), and listing and parsing the files costs about 6 ms a time. The key is
    the set's digest of all its files, so an edited catalogue is read again."""
    key = (tset.digest, lang)
    found = _CACHE.get(key)
    if found is None:
        if len(_CACHE) > 64:
            _CACHE.clear()
        found = _CACHE[key] = load_catalogue(tset, lang)
    return dict(found)


def load_catalogue(tset: TemplateSet, lang: str) -> dict[str, str]:
    """The labels of ``tset`` in ``lang`` (a BCP 47 tag: ``en-GB`` uses ``en-GB.yaml`` if
    the set has one, else ``en.yaml``): the base catalogues first (see :func:`_trees`), the
    set's own keys over them, and English under all of them for a key a translation lacks."""
    known = known_languages(tset)
    wanted = lang if lang in known else language_of(lang)
    if wanted not in known:
        raise InputError(
            f"template set '{tset.name}' has no messages in '{lang}'; "
            f"known languages: {', '.join(known) or 'none'} "
            f"(add {CATALOGUES}/{language_of(lang)}.yaml to a template set of your own)"
        )
    merged: dict[str, str] = {}
    for name in dict.fromkeys(("en", language_of(wanted), wanted)):
        for tree in _trees(tset):
            data = tree.read(f"{CATALOGUES}/{name}.yaml")
            if data is not None:
                merged.update(_parse(f"{tree.label}/{CATALOGUES}/{name}.yaml", data))
    return merged


def _parse(name: str, data: bytes) -> dict[str, str]:
    """A catalogue file: a mapping of label keys to text, loaded as briefgen loads content."""
    from briefgen.content.yamlsource import load_bytes

    if len(data) > MAX_CATALOGUE:
        raise InputError(f"{name}: a message catalogue may be at most {MAX_CATALOGUE} bytes")
    doc = load_bytes(data, name)
    if doc.problems:
        first = doc.problems[0]
        raise InputError(f"{name}:{first.line}: {first.message}")
    value = doc.data
    if not isinstance(value, Mapping) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        raise InputError(f"{name}: expected a mapping of label names to text")
    return dict(value)


class Labels(dict):
    """A catalogue as templates see it: ``labels.key_messages``, or ``labels["sources"]``.
    A key no catalogue has is an error naming the key, not an empty label."""

    def __getattr__(self, key: str) -> str:
        try:
            return self[key]
        except KeyError:
            raise InputError(f"no label '{key}' in the template set's messages") from None


def upper(text: Any, lang: str) -> str:
    """``text`` in capitals as ``lang`` writes them (Azerbaijani: "istiqamət" -> "İSTİQAMƏT")."""
    s = "" if text is None else str(text)
    if language_of(lang) in _DOTTED_I:
        s = s.replace("i", "İ").replace("ı", "I")
    return s.upper()


@lru_cache(maxsize=512)
def format_date(value: dt.date, lang: str, pattern: str) -> str:
    """``value`` with a CLDR ``pattern`` ("d MMMM y") in ``lang``'s month names."""
    from babel.dates import format_date as babel_format

    return babel_format(value, pattern, locale=lang.replace("-", "_"))


def long_date(value: Any, lang: str = "en", pattern: str = "d MMMM y") -> str:
    """A date (or ISO ``YYYY-MM-DD`` text) written out in ``lang``; other text unchanged
    (timeline labels such as "June 2021" are the author's)."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return format_date(value, lang, pattern)
    if isinstance(value, str):
        try:
            return format_date(dt.date.fromisoformat(value), lang, pattern)
        except ValueError:
            return value
    return "" if value is None else str(value)

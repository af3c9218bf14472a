"""Words as a reader counts them, for word budgets: the same count for the brief's running
text (``check``) and for each built slide (the deck renderer)."""

from __future__ import annotations

import re
from collections.abc import Sequence

_WORD = re.compile(r"\w+(?:[-'’.]\w+)*")


def count_words(text: str | Sequence[str]) -> int:
    """Words as a reader counts them: ``co-chair``, ``U.S.`` and ``97,000`` are one each."""
    if not isinstance(text, str):
        return sum(count_words(t) for t in text)
    return len(_WORD.findall(text.replace(",", "")))

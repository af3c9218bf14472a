"""One exception tree for briefgen.

Every error a user can cause carries where it happened and prints itself as one line,
``file:line:col: message``, so the command line never needs a traceback to be understood.
Exit codes live here too, because they are part of what an error *is*: bad input or usage
is 2, a render that failed is 1.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

EXIT_RENDER = 1
EXIT_INPUT = 2

# C0 and C1 controls but newline and tab, and the bidirectional overrides and isolates that
# reorder what a terminal shows ("Trojan source"): never sent to a terminal as they are.
_UNPRINTABLE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)


def printable(text: str) -> str:
    """``text`` with terminal control characters written as escapes (``\\x1b``, ``\\u202e``).

    Messages quote what users wrote: keys, values, file names. A key holding ESC sequences
    could clear the screen, retitle the window or hide the error behind fake output, and a
    BEL rings on every run; the one place that prints (the CLI) passes each line through
    this, so a message shows what is in the file instead of doing it.
    """
    return _UNPRINTABLE.sub(_escape_char, text)


def _escape_char(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


@dataclass(frozen=True, order=True)
class Problem:
    """One finding about an input file, with the position it points at.

    ``path`` is the dotted field path (``sections[2].points[1].sources``) when the problem is
    about a field; ``line``/``col`` are 1-based and 0 when unknown.
    """

    file: str
    line: int = 0
    col: int = 0
    message: str = ""
    path: str = ""
    severity: str = field(default="error", compare=False)

    def __str__(self) -> str:
        where = self.file
        if self.line:
            where += f":{self.line}"
            if self.col:
                where += f":{self.col}"
        what = f"{self.path}: {self.message}" if self.path else self.message
        prefix = "warning: " if self.severity == "warning" else ""
        return f"{where}: {prefix}{what}"


class BriefgenError(Exception):
    """Base of everything briefgen raises on purpose. ``str(err)`` is the user-facing text."""

    exit_code = EXIT_INPUT


class InputError(BriefgenError):
    """Bad input or usage: a file, option or name the user can fix. Exit code 2."""


class ValidationFailed(InputError):
    """One or more problems found in content, config or templates, all reported at once."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = sorted(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class TemplateError(InputError):
    """A template that cannot be loaded, compiled or rendered: ``template:line: message``."""

    def __init__(self, name: str, line: int | None, message: str):
        self.name, self.line, self.message = name, line, message
        where = f"{name}:{line}" if line else name
        super().__init__(f"{where}: {message}")


class RenderError(BriefgenError):
    """A renderer failed on input that passed validation. Exit code 1."""

    exit_code = EXIT_RENDER


def problem_error(file: str, message: str, line: int = 0, col: int = 0) -> ValidationFailed:
    """Shorthand for the common case of a single located problem."""
    return ValidationFailed([Problem(file, line, col, message)])

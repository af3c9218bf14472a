"""Where a link in any output may point: one allowlist for content, templates and decks.

A brief is opened by people who trust it: a link that runs script (``javascript:``,
``vbscript:``), opens a local file (``file:``) or a network share (``smb:``, a UNC path
``\\\\host\\share``, which Windows opens over SMB and so hands over the reader's credentials)
is an attack whoever wrote it, the content author or a template. So every link target in
every output (Markdown links, ``href`` in the HTML, PDF link annotations, deck hyperlinks)
passes :func:`allowed_link`, and anything else is dropped, keeping the link's text.
"""

from __future__ import annotations

import re

ALLOWED_SCHEMES = ("http://", "https://", "mailto:")

# What a URL parser ignores before reading a scheme: leading C0 controls and spaces, and
# tabs and newlines anywhere ("java\tscript:" is "javascript:" to a browser).
_IGNORED = re.compile(r"[\x00-\x20]+")


def normalized(url: str) -> str:
    """``url`` as a browser reads its scheme: without the characters URL parsers skip,
    lower-cased. Compare schemes on this, never on the text as written."""
    return _IGNORED.sub("", url).lower()


def allowed_link(url: str) -> bool:
    """True for web, mail and in-document links (``#id``); False for anything else.

    An allowlist, so a scheme nobody thought of (``ms-msdt:``, ``search-ms:``) is refused
    too; relative and protocol-relative links (``//host/x``) are refused because what they
    point at depends on where the file is opened from (``file://`` on a share).
    """
    lowered = normalized(url)
    return lowered.startswith(ALLOWED_SCHEMES) or lowered.startswith("#")

"""The standalone HTML's policy, enforced on the parsed document, whatever the template wrote.

The HTML brief is mailed around and opened from disk, so it must not run anything or fetch
anything when opened. A Content-Security-Policy says so to the browser, but only from where
the browser reads it: a template that writes a script before ``<head>``, or ``<head>``
inside a comment, gets to run first; ``<meta http-equiv=refresh>`` and an image placed
before the policy fetch before it applies. Finding ``<head>`` with a regular expression
cannot know any of that. So the rendered HTML is parsed with a real HTML5 parser (Lexbor,
through selectolax: the tree a browser builds), and the policy is applied to the tree:

- elements that run, embed, submit or redirect are removed with their content (``script``,
  ``iframe``, ``object``, ``embed``, ``form``, ``base``, ``meta http-equiv``, SVG animation
  that can rewrite a link, ``link`` other than a stylesheet);
- event attributes (``on*``) and attributes that send requests (``ping``, ``srcset``,
  ``action``…) are removed;
- links (``href`` of ``a``/``area``) must pass :func:`briefgen.links.allowed_link`;
- everything loaded (``src``, other ``href``, CSS ``url()``, ``@import``) must be inline
  (``data:``), in-document (``#id``) or from a host the user allowed;
- the policy ``meta`` is the first child of ``head``, where the tree puts it.

What was removed is returned, so the build can tell the template's author.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from briefgen.links import allowed_link, normalized

# Removed with everything inside them.
_REMOVED = (
    "script",
    "noscript",
    "iframe",
    "frame",
    "frameset",
    "object",
    "embed",
    "applet",
    "base",
    "form",
    "template",
    "portal",
    "fencedframe",
    "animate",
    "set",
    "animatemotion",
    "animatetransform",
    "discard",
    "handler",
    "listener",
)
# Attributes that send a request or submit somewhere, whatever their value.
_DROPPED_ATTRS = frozenset(
    (
        "ping",
        "srcset",
        "imagesrcset",
        "action",
        "formaction",
        "manifest",
        "codebase",
        "archive",
        "srcdoc",
        "xml:base",
        "attributename",
    )
)
# Attributes whose value is something loaded when the page opens.
_LOADS = frozenset(("src", "poster", "background", "lowsrc", "dynsrc", "data", "icon"))
_LINK_TAGS = frozenset(("a", "area"))
# Attributes read as CSS: a URL in them is loaded (SVG presentation attributes).
_CSS_ATTRS = frozenset(
    (
        "style",
        "fill",
        "stroke",
        "filter",
        "mask",
        "clip-path",
        "cursor",
        "marker",
        "marker-start",
        "marker-mid",
        "marker-end",
    )
)


def content_policy(allow_hosts: tuple[str, ...] = ()) -> str:
    """The Content-Security-Policy of a standalone HTML brief: everything it shows is inline
    (``data:`` URIs and inline styles), so a browser opening it fetches nothing and runs
    nothing, except from the hosts the user allowed."""
    hosts = " ".join(f"http://{h} https://{h}" for h in _hosts(allow_hosts))
    src = f"data: {hosts}".strip()
    return (
        f"default-src 'none'; style-src 'unsafe-inline' {src}; font-src {src}; "
        f"img-src {src}; base-uri 'none'; form-action 'none'"
    )


def _hosts(allow_hosts: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(h for h in allow_hosts if re.fullmatch(r"[a-z0-9.-]+", h))


def enforce(html: str, allow_hosts: tuple[str, ...] = ()) -> tuple[str, list[str]]:
    """``html`` parsed, cleaned by the policy and serialized; and what was removed."""
    from selectolax.lexbor import LexborHTMLParser

    tree = LexborHTMLParser(html)
    removed: list[str] = []
    hosts = _hosts(allow_hosts)
    for tag in _REMOVED:
        for node in tree.css(tag):
            removed.append(f"<{tag}>")
            node.decompose()
    for node in tree.css("meta[http-equiv]"):
        if (node.attributes.get("http-equiv") or "").strip().lower() == "content-type":
            continue  # the encoding, as older templates declare it: harmless
        removed.append(f"<meta http-equiv={node.attributes.get('http-equiv')}>")
        node.decompose()
    for node in tree.css("link"):
        rel = (node.attributes.get("rel") or "").lower().split()
        if rel != ["stylesheet"] or not _loadable(node.attributes.get("href") or "", hosts):
            removed.append(f"<link rel={' '.join(rel)}>")
            node.decompose()
    for node in tree.css("style"):
        css = node.text(deep=True)
        cleaned = clean_css(css, hosts, stylesheet=True)
        if cleaned is not None:
            removed.append("a stylesheet URL")
            node.replace_with(_style_element(cleaned))
    for node in tree.root.traverse(include_text=False):
        if node.is_element_node:
            removed += _clean_attributes(node, hosts)
    _insert_policy(tree, allow_hosts)
    return tree.html or "", list(dict.fromkeys(removed))


def _clean_attributes(node, hosts: tuple[str, ...]) -> list[str]:
    """Remove the attributes of ``node`` the policy does not allow; say which."""
    removed = []
    tag = node.tag
    for name, value in list(node.attributes.items()):
        lowered = name.lower()
        value = value or ""
        keep = True
        if lowered.startswith("on") or lowered in _DROPPED_ATTRS:
            keep = False
        elif lowered in ("href", "xlink:href"):
            keep = allowed_link(value) if tag in _LINK_TAGS else _loadable(value, hosts)
        elif lowered in _LOADS:
            keep = _loadable(value, hosts)
        elif lowered in _CSS_ATTRS:
            cleaned = clean_css(value, hosts, stylesheet=False)
            if cleaned is not None:
                node.attrs[name] = cleaned
                removed.append(f"a URL in <{tag} {lowered}>")
        if not keep:
            del node.attrs[name]
            removed.append(f"<{tag} {lowered}>")
    return removed


def _loadable(url: str, hosts: tuple[str, ...]) -> bool:
    """True for what the page may load: inline data, an in-document reference, or a web
    address on a host the user allowed."""
    stripped = normalized(url)
    if stripped.startswith(("data:", "#")):
        return True
    if stripped.startswith(("http://", "https://")):
        try:
            return (urlsplit(stripped).hostname or "") in hosts
        except ValueError:
            return False
    return False


def _style_element(css: str):
    """A ``<style>`` element holding ``css``, which cannot close it early."""
    from selectolax.lexbor import LexborHTMLParser

    safe = re.sub(r"(?i)</(style)", r"<\\/\1", css)
    return LexborHTMLParser(f"<style>{safe}</style>").css_first("style")


def _insert_policy(tree, allow_hosts: tuple[str, ...]) -> None:
    from selectolax.lexbor import LexborHTMLParser

    policy = content_policy(allow_hosts)
    meta = LexborHTMLParser(
        f'<meta http-equiv="Content-Security-Policy" content="{policy}">'
    ).css_first("meta")
    head = tree.head
    if head.child is not None:
        head.child.insert_before(meta)
    else:
        head.insert_child(meta)


# ---------------------------------------------------------------- CSS

_URL_FUNCTIONS = frozenset(("url", "src"))
_IMAGE_FUNCTIONS = frozenset(("image-set", "-webkit-image-set", "image", "cross-fade"))
_FAST_URL = re.compile(r"(?i)\burl\(\s*['\"]?\s*")
_SLOW_SIGNS = re.compile(r"(?i)\\|@import|image-set\(|image\(|cross-fade\(|\bsrc\(")
# CSS strings and comments, which the fast path skips when looking for escapes: "\2013" in a
# running header's content is text, while u\72l( outside a string is url(.
_STRINGS_AND_COMMENTS = re.compile(
    r'"[^"\\\n]*(?:\\.[^"\\\n]*)*"' r"|'[^'\\\n]*(?:\\.[^'\\\n]*)*'" r"|/\*.*?\*/", re.S
)


def clean_css(css: str, hosts: tuple[str, ...], *, stylesheet: bool) -> str | None:
    """``css`` with every URL it would load that is not allowed replaced by ``data:,`` and
    every ``@import`` removed; None when nothing had to change (the text is then kept as
    the template wrote it).

    The usual case, a stylesheet whose only URLs are ``data:`` fonts and images, is seen to
    be clean without tokenizing (the built-in sets inline about a megabyte of fonts);
    anything that could hide a URL (an escape, ``@import``, ``image-set()``) is tokenized
    with tinycss2, WeasyPrint's own CSS parser.
    """
    if not _SLOW_SIGNS.search(_STRINGS_AND_COMMENTS.sub("", css)) and all(
        _loadable(css[m.end() : m.end() + 300], hosts) for m in _FAST_URL.finditer(css)
    ):
        return None
    import tinycss2

    nodes = (
        tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=False)
        if stylesheet
        else tinycss2.parse_component_value_list(css, skip_comments=True)
    )
    changed = _clean_nodes(nodes, hosts)
    if not changed:
        return None
    return tinycss2.serialize(nodes)


def _clean_nodes(nodes: list, hosts: tuple[str, ...]) -> bool:
    """Rewrite ``nodes`` (a tinycss2 list) in place; True if anything changed."""
    from tinycss2 import ast

    changed = False
    for i in range(len(nodes) - 1, -1, -1):
        node = nodes[i]
        if isinstance(node, ast.AtRule) and node.lower_at_keyword == "import":
            del nodes[i]
            changed = True
            continue
        if isinstance(node, ast.URLToken) and not _loadable(node.value, hosts):
            nodes[i] = ast.URLToken(node.source_line, node.source_column, "data:,", "url(data:,)")
            changed = True
            continue
        if isinstance(node, ast.FunctionBlock):
            if node.lower_name in _URL_FUNCTIONS | _IMAGE_FUNCTIONS:
                for j, arg in enumerate(node.arguments):
                    if isinstance(arg, ast.StringToken) and not _loadable(arg.value, hosts):
                        node.arguments[j] = ast.StringToken(
                            arg.source_line, arg.source_column, "data:,", '"data:,"'
                        )
                        changed = True
            changed |= _clean_nodes(node.arguments, hosts)
        for attr in ("prelude", "content"):
            children = getattr(node, attr, None)
            if isinstance(children, list) and not isinstance(node, ast.FunctionBlock):
                changed |= _clean_nodes(children, hosts)
    return changed

"""The hostile-input harness: throwaway projects, a canary, and what every output must not hold.

A case (see ``cases.yaml``) lays fixture files over a small base project, runs the real
``briefgen`` command in a subprocess (a crash or a hang then fails one case, not the test
session), and checks the exit code, the one-line error, that no traceback was printed, that
nothing half-written or unexpected is left in ``output/``, and, in whatever was written, that
no byte of the canary secret (a file outside the project) appears and every link uses an
allowed scheme. The canary's HTTP server counts requests: unless a case allows the network,
it must see none.

Fixture text may name the canary with placeholders: ``@OUTSIDE@`` (the folder outside the
project holding the secret files), ``@SERVER@`` (``http://127.0.0.1:PORT``) and ``@PORT@``.
"""

from __future__ import annotations

import base64
import html
import io
import json
import os
import re
import subprocess
import sys
import threading
import time
import uuid
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import yaml

HERE = Path(__file__).resolve().parent
FILES = HERE / "files"
CASES_FILE = HERE / "cases.yaml"
ROOT = HERE.parents[1]

BASE_CONFIG = """\
# The base project of the hostile fixtures: two audiences, all formats.
audiences:
  desk: {title: Desk officer}
  press: {title: Press, exclude_tags: [internal]}
"""

BASE_BRIEF = """\
title: Hostile fixture
date: 2026-01-15
summary: The **bottom line** of the base brief.
sections:
  - id: only
    title: The only section
    points:
      - A point for everyone.
      - {text: "Internal only: EXCLUDEDPOINTMARKER", tags: [internal]}
"""

# A located one-line message (``file:line[:col]: …``) or a plain ``error:``/``warning:`` line.
ONE_LINE = re.compile(r"^(?:error: |warning: |(?:builtin:)?[^\s:()][^:]*(?::\d+){0,2}: )\S")
ALLOWED_LINK = re.compile(r"^(?:https?://|mailto:|#)", re.IGNORECASE)


# ---------------------------------------------------------------- the canary


class _Handler(BaseHTTPRequestHandler):
    server: _CountingServer

    def do_GET(self) -> None:
        self.server.requests.append(self.path)
        if self.path.startswith("/redirect"):
            # To another host name: following it would be a request the user did not allow.
            self.send_response(302)
            self.send_header("Location", f"http://localhost:{self.server.server_port}/img.png")
            self.end_headers()
            return
        body, kind = self.server.bodies.get(self.path.split("?")[0], (b"body {}", "text/css"))
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


class _CountingServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, bodies: dict[str, tuple[bytes, str]]):
        self.requests: list[str] = []
        self.bodies = bodies
        super().__init__(("127.0.0.1", 0), _Handler)


@dataclass
class Canary:
    """A secret outside every project and a local web server that counts what it is asked."""

    outside: Path
    marker: str
    server: _CountingServer

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}"

    @property
    def requests(self) -> list[str]:
        return self.server.requests

    def fill(self, text: str) -> str:
        """Fixture text with the placeholders replaced."""
        return (
            text.replace("@OUTSIDE@", str(self.outside))
            .replace("@SERVER@", self.url)
            .replace("@PORT@", str(self.server.server_port))
        )


def png_bytes(width: int = 8, height: int = 8, text: str | None = None) -> bytes:
    from PIL import Image, PngImagePlugin

    info = PngImagePlugin.PngInfo()
    if text:
        info.add_text("Comment", text)
    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 40)).save(out, "PNG", pnginfo=info)
    return out.getvalue()


def start_canary(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Canary]:
    """For a session fixture: secret files (text, CSS, SVG, HTML, PNG) whose every form
    carries a unique marker, so a leak shows as the marker in a PDF's text, an attachment,
    the HTML or the deck's XML; and the server, whose PNG also carries the marker."""
    marker = f"CANARY{uuid.uuid4().hex.upper()}"
    outside = tmp_path_factory.mktemp("outside")
    (outside / "secret.txt").write_text(f"secret text {marker}\n", "utf-8")
    (outside / "secret.css").write_text(f'body::before {{ content: "{marker}"; }}\n', "utf-8")
    (outside / "secret.html").write_text(f"<p>{marker}</p>\n", "utf-8")
    (outside / "secret.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="400" height="40">'
        f'<text id="a" x="0" y="20">{marker}</text></svg>\n',
        "utf-8",
    )
    (outside / "secret.png").write_bytes(png_bytes(text=marker))
    (outside / "templates").mkdir()
    (outside / "templates" / "brief.html.j2").write_text(
        f"<p>{marker}</p>{{% include 'secret.txt' ignore missing %}}\n", "utf-8"
    )
    (outside / "templates" / "secret.txt").write_text(marker, "utf-8")
    bodies = {
        "/img.png": (png_bytes(16, 16, text=marker), "image/png"),
        "/style.css": (f'body::after {{ content: "{marker}"; }}'.encode(), "text/css"),
        "/secret.svg": ((outside / "secret.svg").read_bytes(), "image/svg+xml"),
    }
    server = _CountingServer(bodies)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Canary(outside, marker, server)
    finally:
        server.shutdown()
        server.server_close()


# ---------------------------------------------------------------- projects and runs


def make_project(root: Path, canary: Canary) -> Path:
    """The base project in ``root``: config and one brief."""
    (root / "content").mkdir(parents=True)
    (root / "briefgen.yaml").write_text(BASE_CONFIG, "utf-8")
    (root / "content" / "brief.yaml").write_text(BASE_BRIEF, "utf-8")
    return root


def place(root: Path, rel: str, data: bytes) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.is_symlink():
        path.unlink()
    path.write_bytes(data)


_TEXT_SUFFIXES = (".yaml", ".yml", ".j2", ".css", ".svg", ".html", ".txt", ".json")


def fixture_bytes(name: str, canary: Canary) -> bytes:
    """A fixture file from ``files/``, placeholders filled in if it is text."""
    data = (FILES / name).read_bytes()
    if name.endswith(_TEXT_SUFFIXES) and b"@" in data:
        try:
            return canary.fill(data.decode("utf-8")).encode("utf-8")
        except UnicodeDecodeError:  # a deliberately broken text file
            return data
    return data


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str
    seconds: float

    @property
    def error_lines(self) -> list[str]:
        return [
            line
            for line in self.stderr.splitlines()
            if line.strip() and "warning: " not in line and not line.startswith("warning")
        ]


def briefgen(root: Path, args: list[str], timeout: float = 180) -> Run:
    """Run the real command line on the project in ``root``."""
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "200"}
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "briefgen", *args],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        errors="replace",
    )
    return Run(done.returncode, done.stdout, done.stderr, time.perf_counter() - started)


# ---------------------------------------------------------------- reading what was written


def outputs(root: Path) -> list[Path]:
    """Every file briefgen left in ``output/`` except its own records (``.briefgen-*``)."""
    folder = root / "output"
    if not folder.exists():
        return []
    return sorted(
        p for p in folder.rglob("*") if p.is_file() and not p.name.startswith(".briefgen-")
    )


def temp_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.name.endswith(".tmp") or ".tmp." in p.name)


@dataclass
class Texts:
    """What one output file says, in every form a leak could take."""

    path: Path
    raw: str = ""  # the bytes as Latin-1: survives anything stored uncompressed
    text: str = ""  # what a reader sees: PDF text layer, slide and notes text, HTML text
    parts: list[str] = field(default_factory=list)  # decoded streams, zip parts, data: URIs
    links: list[str] = field(default_factory=list)  # every link target
    active: list[str] = field(default_factory=list)  # HTML elements that would run or fetch

    @property
    def markup(self) -> str:
        return "\n".join([self.raw, *self.parts])

    @property
    def everything(self) -> str:
        return "\n".join([self.raw, self.text, *self.parts])


def read_output(path: Path) -> Texts:
    data = path.read_bytes()
    out = Texts(path, raw=data.decode("latin-1"))
    if path.suffix == ".pdf":
        _read_pdf(data, out)
    elif path.suffix in (".pptx", ".docx"):
        _read_zip(data, out)
    elif path.suffix == ".html":
        _read_html(data.decode("utf-8", "replace"), out)
    return out


def _read_pdf(data: bytes, out: Texts) -> None:
    from pypdf import PdfReader
    from pypdf.generic import IndirectObject, StreamObject

    reader = PdfReader(io.BytesIO(data))
    out.text = "\n".join(page.extract_text() or "" for page in reader.pages)
    for name, contents in reader.attachments.items():
        out.parts.append(name)
        out.parts += [c.decode("latin-1") for c in contents]
    for number in range(1, int(reader.trailer.get("/Size", 0))):
        try:
            obj = reader.get_object(IndirectObject(number, 0, reader))
        except Exception:
            continue
        if isinstance(obj, StreamObject):
            try:
                out.parts.append(obj.get_data().decode("latin-1"))
            except Exception:
                continue
    for page in reader.pages:
        for annot in page.get("/Annots") or []:
            action = annot.get_object().get("/A")
            if action is not None and "/URI" in action.get_object():
                out.links.append(str(action.get_object()["/URI"]))


def _read_zip(data: bytes, out: Texts) -> None:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        for name in package.namelist():
            body = package.read(name)
            if name.endswith((".xlsx", ".xlsm", ".zip")):
                inner = Texts(Path(name))
                _read_zip(body, inner)
                out.parts.append(inner.everything)
                continue
            text = body.decode("utf-8", "replace")
            out.parts.append(text)
            if name.endswith(".rels"):
                for rel in re.findall(r"<Relationship\b[^>]*>", text):
                    if 'TargetMode="External"' not in rel:
                        continue
                    target = html.unescape(re.search(r'Target="([^"]*)"', rel)[1])
                    if rel.find('/relationships/hyperlink"') >= 0:
                        out.links.append(target)
                    else:  # a linked picture or object: Office would fetch or open it
                        out.active.append(f"{name}: linked {target}")
            if re.match(r"ppt/(slides|notesSlides)/[^/]+\.xml$", name):
                runs = re.findall(r"<a:t>([^<]*)</a:t>", text)
                out.text += html.unescape("\n".join(runs)) + "\n"
            if re.match(r"word/(document|header\d+|footer\d+)\.xml$", name):
                runs = re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", text)
                out.text += html.unescape("\n".join(runs)) + "\n"


def _read_html(source: str, out: Texts) -> None:
    body = re.sub(r"(?is)<(style|script)\b.*?</\1>", " ", source)
    out.text = html.unescape(re.sub(r"<[^>]*>", " ", body))
    for uri in re.findall(r"data:[^;,\"')\s]*;base64,([A-Za-z0-9+/=]+)", source):
        try:
            out.parts.append(base64.b64decode(uri).decode("latin-1"))
        except ValueError:
            continue
    parsed = _Elements.of(source)
    out.links = parsed.links
    out.active = parsed.active


class _Elements(HTMLParser):
    """What a browser would make of an HTML file: links, and anything that runs or fetches."""

    FORBIDDEN = ("script", "iframe", "frame", "object", "embed", "applet", "base", "form")

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.active: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        self.links += [v for n, v in values.items() if n in ("href", "xlink:href")]
        if tag in self.FORBIDDEN:
            self.active.append(f"<{tag}>")
        if tag == "link" and values.get("rel", "").lower() != "stylesheet":
            self.active.append(f"<link rel={values.get('rel')}>")
        if tag == "meta" and values.get("http-equiv", "").lower() == "refresh":
            self.active.append("<meta http-equiv=refresh>")
        self.active += [f"<{tag} {n}=...>" for n in values if n.startswith("on")]
        for name in ("src", "data", "poster", "srcset"):
            if name in values and not values[name].startswith(("data:", "#")):
                self.active.append(f"<{tag} {name}={values[name]}>")

    @classmethod
    def of(cls, source: str) -> _Elements:
        parser = cls()
        parser.feed(source)
        parser.close()
        return parser


def all_texts(root: Path) -> list[Texts]:
    return [read_output(p) for p in outputs(root)]


def assert_safe_outputs(root: Path, canary: Canary) -> None:
    """The canary's marker is in no output, in no form; every link has an allowed scheme;
    no HTML file has an element that would run script or fetch anything when opened."""
    for texts in all_texts(root):
        assert canary.marker not in texts.everything, f"secret leaked into {texts.path}"
        bad = [link for link in texts.links if not ALLOWED_LINK.match(link.strip())]
        assert not bad, f"{texts.path}: links with schemes that are not allowed: {bad}"
        assert not texts.active, f"{texts.path}: elements that run or fetch: {texts.active}"


# ---------------------------------------------------------------- generated fixtures


def _deep_brackets() -> bytes:
    # 2 MB of '[': under the size cap, and enough to overflow the C stack of PyYAML's composer.
    return b"title: " + b"[" * 1_000_000 + b"]" * 1_000_000 + b"\n"


def _deep_block() -> bytes:
    return BASE_BRIEF.encode() + b"authors:\n" + b"- " * 400_000 + b"x\n"


def _huge_file() -> bytes:
    return BASE_BRIEF.encode() + b"# " + b"padding " * 700_000 + b"\n"


def _many_values() -> bytes:
    return BASE_BRIEF.encode() + b"authors: [" + b"a, " * 300_000 + b"a]\n"


def _pathological_markdown() -> bytes:
    fields = [
        "[" * 10_000,
        "](" * 6_000,
        "*a" * 8_000,
        "_" * 15_000,
        "`" * 15_000,
        "<" * 15_000,
        "![" * 7_000,
        "[a](" * 4_000,
        "- " * 6_000 + "x",
        "1. " * 4_000 + "x",
        "\\" * 15_000,
        "&#" * 7_000,
    ]
    points = "".join(f"      - {json.dumps(f)}\n" for f in fields)  # JSON strings are YAML
    return (
        "title: Pathological Markdown\ndate: 2026-01-15\n"
        f"summary: {json.dumps('[' * 19_000)}\n"
        "sections:\n  - id: only\n    title: Brackets\n    points:\n" + points
    ).encode("utf-8")


def _big_data_uri_template() -> bytes:
    payload = base64.b64encode(b"\0" * (8 * 1024 * 1024)).decode()  # ~11 MB of base64
    return f'<p>x</p><img src="data:image/png;base64,{payload}">\n'.encode()


def _data_uri_bomb_template() -> bytes:
    # A decompression bomb as a data: URI, labelled text/plain: WeasyPrint sniffs images.
    bomb = base64.b64encode((FILES / "images" / "bomb.png").read_bytes()).decode()
    return f'<p>x</p><img src="data:text/plain;base64,{bomb}">\n'.encode()


def _too_many_tags_template() -> bytes:
    return b"{{ x }}<p>" * 30_000 + b"\n"


GENERATORS: dict[str, Callable[[], bytes]] = {
    "too_many_tags_template": _too_many_tags_template,
    "data_uri_bomb_template": _data_uri_bomb_template,
    "deep_brackets": _deep_brackets,
    "deep_block": _deep_block,
    "huge_file": _huge_file,
    "many_values": _many_values,
    "pathological_markdown": _pathological_markdown,
    "big_data_uri_template": _big_data_uri_template,
}


# ---------------------------------------------------------------- cases


@dataclass
class Case:
    """One hostile fixture and what briefgen must answer. See the top of ``cases.yaml``."""

    id: str
    area: str
    run: list[str]
    exit: int
    stderr: str | None = None
    files: dict[str, str] = field(default_factory=dict)
    text: dict[str, str] = field(default_factory=dict)
    generate: dict[str, str] = field(default_factory=dict)
    symlinks: dict[str, str] = field(default_factory=dict)
    outputs: list[str] = field(default_factory=list)
    absent: list[str] = field(default_factory=list)
    absent_text: list[str] = field(default_factory=list)
    absent_markup: list[str] = field(default_factory=list)
    present: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    requests: int = 0
    max_seconds: float = 60.0
    errors: int = 1
    about: str = ""

    @classmethod
    def load_all(cls) -> list[Case]:
        raw = yaml.safe_load(CASES_FILE.read_text("utf-8"))
        cases = []
        for entry in raw:
            entry = dict(entry)
            run = entry.pop("run", "build -a desk -f pdf")
            cases.append(cls(run=run.split(), **entry))
        return cases

    def setup(self, root: Path, canary: Canary) -> dict[str, bytes]:
        """Lay the case out in ``root``; returns what was placed where (for ``unchanged``)."""
        make_project(root, canary)
        placed: dict[str, bytes] = {}
        for rel, name in self.files.items():
            placed[rel] = fixture_bytes(name, canary)
        for rel, body in self.text.items():
            placed[rel] = canary.fill(body).encode("utf-8")
        for rel, data in placed.items():
            place(root, rel, data)
        for rel, name in self.generate.items():
            place(root, rel, GENERATORS[name]())
        for rel, target in self.symlinks.items():
            link = root / rel
            link.parent.mkdir(parents=True, exist_ok=True)
            if link.exists() or link.is_symlink():
                link.unlink()
            link.symlink_to(canary.fill(target))
        return placed

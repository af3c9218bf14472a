"""`briefgen serve`: a real server on a free loopback port, spoken to over HTTP, and a real
browser (Debian's Chromium driven by Playwright) watching a page update as a file is saved."""

from __future__ import annotations

import http.client
import json
import re
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from support import init_without_alt

from briefgen.render import RenderOptions
from briefgen.serve import is_loopback, make_server

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ITEM = "/b/us-azerbaijan/press"


class Running:
    """A preview server in a thread, on a port the OS picked."""

    def __init__(self, root: Path, watch: bool = True, options: RenderOptions | None = None):
        self.server, sock = make_server(root, port=0, options=options, watch=watch)
        self.host, self.port = sock.getsockname()[:2]
        self.preview = self.server.preview
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [sock]})
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            assert time.monotonic() < deadline, "server did not start"
            assert self.thread.is_alive(), "server thread died"
            time.sleep(0.02)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def get(self, path: str, host: str | None = None) -> tuple[int, dict[str, str], bytes]:
        conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
        conn.putrequest("GET", path, skip_host=True)
        conn.putheader("Host", host or f"{self.host}:{self.port}")
        conn.endheaders()
        response = conn.getresponse()
        body = response.read()
        conn.close()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, body

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=20)
        assert not self.thread.is_alive()


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return init_without_alt(tmp_path / "preview")


@pytest.fixture
def server(project: Path) -> Iterator[Running]:
    running = Running(project)
    yield running
    running.stop()


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), "utf-8")


# ---------------------------------------------------------------- over HTTP


def test_index_lists_every_brief_and_audience(server: Running):
    status, headers, body = server.get("/")
    assert status == 200
    html = body.decode()
    for audience in ("executive", "press", "desk"):
        assert f'href="/b/us-azerbaijan/{audience}"' in html
    assert "script-src 'self'" in headers["content-security-policy"]
    assert server.host == "127.0.0.1"


def test_item_page_html_pdf_slides_and_findings(server: Running):
    status, _, body = server.get(ITEM)
    assert status == 200
    page = body.decode()
    assert 'id="html-frame"' in page and "Slide plan" in page
    assert page.count('class="card"') > 10  # the slide plan is on the page at once
    status, headers, body = server.get(ITEM.replace("/b/", "/render/") + ".html")
    assert status == 200 and b"United States" in body
    assert "sandbox" in headers["content-security-policy"]
    status, headers, body = server.get(ITEM.replace("/b/", "/render/") + ".pdf")
    assert (
        status == 200
        and body.startswith(b"%PDF")
        and headers["content-type"] == ("application/pdf")
    )
    status, _, body = server.get("/fragment/us-azerbaijan/press/check")
    data = json.loads(body)
    assert status == 200 and data["pdf"] is True
    assert "figure.alt" in data["findings"]  # the chart lost its alt text
    assert re.search(r"slides? \d+", data["slides"])  # deck numbers once the deck is built


def test_nothing_outside_the_rendered_outputs_is_reachable(server: Running, project: Path):
    (project / "secret.txt").write_text("do not serve")
    for path in (
        "/briefgen.yaml",
        "/content/us-azerbaijan.yaml",
        "/static/../briefgen.yaml",
        "/static/%2e%2e/app.py",
        "/static/..%2f..%2fbriefgen.yaml",
        "/render/..%2f..%2fsecret.txt",
        "/render/us-azerbaijan/..%2f..%2fsecret.html",
        "/b/..%2f..%2fetc/passwd",
        "/b/us-azerbaijan/nobody",
        "/fragment/us-azerbaijan/nobody/check",
        "/secret.txt",
    ):
        status, _, body = server.get(path)
        assert status == 404, path
        assert b"do not serve" not in body and b"audiences:" not in body, path
    status, _, _ = server.get("/static/preview.js")
    assert status == 200


def test_other_host_names_are_refused(server: Running):
    """A page on another site that resolves its name to 127.0.0.1 cannot read the preview."""
    assert server.get("/", host="evil.example")[0] == 400
    assert server.get("/", host=f"localhost:{server.port}")[0] == 200


def test_loopback_by_default():
    assert is_loopback("127.0.0.1") and is_loopback("localhost") and is_loopback("::1")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.10")


def test_events_announce_a_saved_file(server: Running, project: Path):
    conn = http.client.HTTPConnection(server.host, server.port, timeout=20)
    conn.request("GET", "/events")
    response = conn.getresponse()
    assert response.getheader("content-type").startswith("text/event-stream")

    def next_event() -> dict:
        while True:
            line = response.fp.readline().decode()
            assert line, "event stream closed"
            if line.startswith("data: "):
                return json.loads(line[6:])

    first = next_event()
    edit(project / "content" / "us-azerbaijan.yaml", "subtitle: Energy", "subtitle: Power")
    second = next_event()  # within the connection's 20 s timeout; bench/authoring.py times it
    conn.close()
    assert second["generation"] > first["generation"] and second["ok"]
    assert "content/us-azerbaijan.yaml" in second["changed"]


def test_a_broken_file_shows_its_error_and_recovers(project: Path):
    running = Running(project, watch=False)
    try:
        brief = project / "content" / "us-azerbaijan.yaml"
        good = brief.read_text("utf-8")
        brief.write_text(good.replace("title: United", "titel: United", 1), "utf-8")
        running.preview.reload(["content/us-azerbaijan.yaml"])
        _, _, body = running.get("/fragment/banner")
        banner = body.decode()
        assert "cannot be built" in banner and "titel" in banner
        assert "us-azerbaijan.yaml:" in banner
        # The last good version is still shown underneath.
        assert running.get(ITEM)[0] == 200
        brief.write_text(good, "utf-8")
        running.preview.reload(["content/us-azerbaijan.yaml"])
        assert running.get("/fragment/banner")[2].strip() == b""
    finally:
        running.stop()


def test_a_template_error_at_render_time_is_shown(project: Path):
    running = Running(project, watch=False)
    try:
        folder = project / "templates" / "default"
        folder.mkdir(parents=True)
        (folder / "brief.html.j2").write_text(
            '{% extends "!default/brief.html.j2" %}{% block cover %}{{ brief.titel }}{% endblock %}'
        )
        running.preview.reload(["templates/default/brief.html.j2"])
        status, _, body = running.get("/render/us-azerbaijan/executive.html")
        assert status == 422 and b"titel" in body
    finally:
        running.stop()


def test_pdf_tab_works_for_an_audience_without_pdf(project: Path):
    edit(
        project / "briefgen.yaml",
        "    template: formal\n",
        "    template: formal\n    formats: [pptx]\n",
    )
    running = Running(project, watch=False)
    try:
        status, _, body = running.get("/render/us-azerbaijan/desk.pdf")
        assert status == 200 and body.startswith(b"%PDF")
        assert "builds: pptx" in running.get("/b/us-azerbaijan/desk")[2].decode()
    finally:
        running.stop()


def test_help_does_not_import_the_web_stack():
    code = (
        "import sys\n"
        "from briefgen.cli import cli\n"
        "try:\n"
        "    cli(['--help'], standalone_mode=False)\n"
        "finally:\n"
        "    print(sorted(m for m in ('starlette', 'uvicorn', 'watchfiles') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "[]"


# ---------------------------------------------------------------- in a real browser


@pytest.fixture
def browser():
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is not installed (Debian package 'chromium'; .ci/run installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def test_browser_page_updates_live_and_recovers(browser, server: Running, project: Path):
    page = browser.new_page(viewport={"width": 1300, "height": 850})
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.goto(server.url + ITEM)
    page.locator("body[data-check-generation]").wait_for(state="attached", timeout=60_000)
    frame = page.frame_locator("#html-frame")
    frame.get_by_text("Energy, security and the search for a durable peace").wait_for()
    assert page.locator("aside#findings .finding").count() >= 1
    page.evaluate("() => { window.notReloaded = true; }")

    brief = project / "content" / "us-azerbaijan.yaml"
    new = "Pipelines, partners and a durable peace"
    edit(brief, "Energy, security and the search for a durable peace", new)
    frame.get_by_text(new).wait_for(timeout=15_000)  # bench/authoring.py times this
    page.locator("#slides").get_by_text(new).first.wait_for(timeout=15_000)
    assert page.evaluate("() => window.notReloaded === true"), "the page reloaded itself"

    # A broken file: its error on the page; fixed: the page recovers, still without reload.
    edit(brief, "date: 2026-11-23", "date: 2026-13-45")
    page.locator("#banner .broken").wait_for(timeout=15_000)
    assert "us-azerbaijan.yaml:" in page.locator("#banner").inner_text()
    assert "2026-13-45" in page.locator("#banner").inner_text()
    edit(brief, "date: 2026-13-45", "date: 2026-11-23")
    page.locator("#banner .broken").wait_for(state="detached", timeout=15_000)
    edit(brief, new, "Back to energy")
    frame.get_by_text("Back to energy").wait_for(timeout=15_000)
    assert page.evaluate("() => window.notReloaded === true")

    page.click("[data-tab=slides]")
    assert page.locator("#panel-slides").is_visible()
    page.click("[data-tab=pdf]")
    page.wait_for_function("() => true")  # let the tab switch settle
    assert "/render/us-azerbaijan/press.pdf" in (page.get_attribute("#pdf-frame", "src") or "")
    assert problems == [], problems


def test_playwright_is_installed():
    """The browser test may skip only for a missing Chromium, never for a missing Playwright:
    it is in the test extra, so its absence fails here."""
    from playwright.sync_api import sync_playwright

    assert callable(sync_playwright)

"""Hostile and broken input (issue 4): every fixture in tests/hostile/cases.yaml, run through
the real command line, answers with its one-line error (or a safe document), never a
traceback, a hang, a leaked secret, a network request or a stray file."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from hostile.harness import (
    ONE_LINE,
    Canary,
    Case,
    all_texts,
    assert_safe_outputs,
    briefgen,
    outputs,
    start_canary,
    temp_files,
)

CASES = Case.load_all()


@pytest.fixture(scope="session")
def canary(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Canary]:
    yield from start_canary(tmp_path_factory)


def _tree(folder: Path, skip: str | None = None) -> dict[str, bytes | str]:
    """Every file under ``folder`` (symlinks as their target), to see what a run changed."""
    found: dict[str, bytes | str] = {}
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        if skip and (rel == skip or rel.startswith(skip + "/")):
            continue
        if path.is_symlink():
            found[rel] = f"-> {path.readlink()}"
        elif path.is_file():
            found[rel] = path.read_bytes()
    return found


def _found(pattern: str, text: str) -> bool:
    return re.search(pattern, text, re.MULTILINE) is not None


def test_the_table_is_big_and_covers_every_paragraph():
    ids = Counter(c.id for c in CASES)
    assert not [i for i, n in ids.items() if n > 1], "case ids must be unique"
    assert len(CASES) >= 50
    areas = Counter(c.area for c in CASES)
    assert set(areas) == {
        *("yaml", "audience", "markdown", "templates", "rendering", "output"),  # issue 4
        *("errors", "config", "links"),  # issue 11
    }
    assert min(areas.values()) >= 5, areas


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_hostile_input(case: Case, canary: Canary, tmp_path: Path):
    root = tmp_path / "project"
    placed = case.setup(root, canary)
    before_project = _tree(root, skip="output")
    before_outside = _tree(canary.outside)
    requests = len(canary.requests)

    run = briefgen(root, case.run, timeout=max(180, case.max_seconds * 3))

    said = f"exit {run.code} in {run.seconds:.1f} s\nstdout:\n{run.stdout}\nstderr:\n{run.stderr}"
    assert "Traceback" not in run.stdout + run.stderr, said
    assert run.code == case.exit, said
    if case.stderr:
        assert _found(case.stderr, run.stderr), said
    not_one_line = [line for line in run.stderr.splitlines() if line and not ONE_LINE.match(line)]
    assert not not_one_line, said
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f]", run.stdout + run.stderr), said
    assert len(run.error_lines) == (case.errors if case.exit else 0), said
    assert run.seconds < case.max_seconds, said

    # Nothing half-written, nothing unexpected, nothing outside output/ touched.
    written = sorted(p.relative_to(root).as_posix() for p in outputs(root))
    assert written == sorted(case.outputs), said
    assert not temp_files(root)
    for rel in case.unchanged:
        assert (root / rel).read_bytes() == placed[rel]
    assert _tree(root, skip="output") == before_project
    assert _tree(canary.outside) == before_outside
    assert not (root / "pwned").exists()

    # Nothing fetched that the user did not allow, nothing leaked, links allowlisted.
    assert len(canary.requests) - requests == case.requests, canary.requests[requests:]
    assert_safe_outputs(root, canary)
    texts = all_texts(root)
    for pattern in case.absent:
        for t in texts:
            assert not re.search(pattern, t.everything), f"{pattern!r} in {t.path}"
    for pattern in case.absent_text:
        for t in texts:
            assert not re.search(pattern, t.text), f"{pattern!r} in the text of {t.path}"
    for pattern in case.absent_markup:
        for t in texts:
            assert not re.search(pattern, t.markup), f"{pattern!r} in the markup of {t.path}"
    for pattern in case.present:
        for t in texts:
            assert re.search(pattern, t.text), f"{pattern!r} not in the text of {t.path}"


@pytest.mark.parametrize(
    "case_id", ["standalone-html-script-before-head", "template-links-with-refused-schemes"]
)
def test_the_hostile_html_opened_in_a_browser_runs_and_fetches_nothing(
    case_id: str, canary: Canary, tmp_path: Path
):
    """What the structural checks above read from the markup, a real browser confirms: the
    standalone HTML of a hostile template, opened from disk in Chromium, runs no script,
    opens no dialog, navigates nowhere and asks the canary server for nothing."""
    from test_serve import CHROMIUM, CHROMIUM_ARGS

    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is not installed (.ci/run installs it)")
    from playwright.sync_api import sync_playwright

    case = next(c for c in CASES if c.id == case_id)
    root = tmp_path / "project"
    case.setup(root, canary)
    assert briefgen(root, ["build", "-a", "desk", "-f", "html"]).code == 0
    page_file = (root / "output" / "brief" / "desk.html").resolve()
    requests = len(canary.requests)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page()
        events: list[str] = []
        page.on("dialog", lambda d: (events.append(f"dialog {d.message}"), d.dismiss()))
        page.on(
            "request",
            lambda r: events.append(f"request {r.url}") if r.url.startswith("http") else None,
        )
        page.goto(page_file.as_uri())
        page.wait_for_timeout(1500)  # a refresh of 0 s, a lazy image: time to happen
        for link in page.locator("a[href]").all():
            href = link.get_attribute("href") or ""
            assert href.startswith(("https:", "http:", "mailto:", "#")), href
        assert page.url == page_file.as_uri()  # no refresh, no navigation
        title = page.title()
        browser.close()
    assert "ran before the policy" not in title
    assert not events, events
    assert len(canary.requests) == requests, canary.requests[requests:]

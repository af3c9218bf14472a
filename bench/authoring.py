"""Time the authoring loop on the sample: `briefgen check`, and how soon `briefgen serve`
shows a saved edit. Prints a table; nothing here is a test.

    python bench/authoring.py [--runs N]

- check: `api.check` of a fresh copy of the sample, per audience and for all three (in
  this process, one render at a time, under the limits, as `check -j 0` runs), and the
  `briefgen check` command itself in a fresh process (start-up, workers, every render).
- serve, event: from writing the brief to the server-sent event announcing the reloaded
  project (file watcher + load + validate + select).
- serve, HTML: from writing the brief to the rendered HTML containing the new text,
  fetched as the page does after the event.
- serve, browser: from writing the brief to the new text inside the open page's preview
  frame, in Debian's Chromium (skipped when /usr/bin/chromium is missing).
"""

from __future__ import annotations

import argparse
import http.client
import json
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from briefgen import api
from briefgen.serve import make_server

CHROMIUM = Path("/usr/bin/chromium")
SUBTITLE = "subtitle: Energy, security and the search for a durable peace"


def row(name: str, seconds: list[float]) -> str:
    return (
        f"{name:<34} {statistics.median(seconds):>7.2f} {min(seconds):>7.2f} "
        f"{max(seconds):>7.2f} {len(seconds):>5}"
    )


def bench_check(root: Path, runs: int) -> list[str]:
    lines = []
    api.check(root, audiences=["press"])  # warm up: fonts, templates, imports
    for audience in ("executive", "press", "desk"):
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            api.check(root, audiences=[audience])
            times.append(time.perf_counter() - started)
        lines.append(row(f"check -a {audience}", times))
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        report = api.check(root)
        times.append(time.perf_counter() - started)
    lines.append(row("check (3 audiences)", times))
    assert not report.errors
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "briefgen", "-q", "check"],
            cwd=root,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        times.append(time.perf_counter() - started)
    lines.append(row("briefgen check (the command)", times))
    return lines


class Server:
    def __init__(self, root: Path):
        self.server, sock = make_server(root, port=0)
        self.port = sock.getsockname()[1]
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [sock]})
        self.thread.start()
        while not self.server.started:
            time.sleep(0.02)

    def get(self, path: str) -> bytes:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        conn.request("GET", path)
        body = conn.getresponse().read()
        conn.close()
        return body

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join()


def bench_serve(root: Path, runs: int) -> list[str]:
    brief = root / "content" / "us-azerbaijan.yaml"
    server = Server(root)
    event_times, html_times = [], []
    try:
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
        conn.request("GET", "/events")
        stream = conn.getresponse()

        def next_event() -> dict:
            while True:
                line = stream.fp.readline().decode()
                if line.startswith("data: "):
                    return json.loads(line[6:])

        next_event()
        for i in range(runs):
            time.sleep(1.0)  # let the previous round's work settle
            text = f"subtitle: Edited subtitle number {i}"
            started = time.perf_counter()
            brief.write_text(brief.read_text("utf-8").replace(SUBTITLE, text, 1), "utf-8")
            next_event()
            event_times.append(time.perf_counter() - started)
            body = server.get("/render/us-azerbaijan/press.html")
            assert f"Edited subtitle number {i}".encode() in body
            html_times.append(time.perf_counter() - started)
            brief.write_text(brief.read_text("utf-8").replace(text, SUBTITLE, 1), "utf-8")
            next_event()
        conn.close()
    finally:
        server.stop()
    return [row("serve: save -> event", event_times), row("serve: save -> new HTML", html_times)]


def bench_browser(root: Path, runs: int) -> list[str]:
    if not CHROMIUM.exists():
        return [f"{'serve: save -> text in browser':<34} skipped: {CHROMIUM} is not installed"]
    from playwright.sync_api import sync_playwright

    brief = root / "content" / "us-azerbaijan.yaml"
    server = Server(root)
    times = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=str(CHROMIUM),
                args=[
                    "--no-sandbox",
                    "--headless",
                    "--disable-gpu",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                    "--no-first-run",
                ],
            )
            page = browser.new_page()
            page.goto(f"http://127.0.0.1:{server.port}/b/us-azerbaijan/press")
            page.locator("body[data-check-generation]").wait_for(state="attached", timeout=60_000)
            frame = page.frame_locator("#html-frame")
            current = SUBTITLE
            for i in range(runs):
                time.sleep(2.0)  # the previous check (PDF layout, deck) finishes first
                text = f"subtitle: Seen in the browser {i}"
                started = time.perf_counter()
                brief.write_text(brief.read_text("utf-8").replace(current, text, 1), "utf-8")
                frame.get_by_text(f"Seen in the browser {i}").wait_for(timeout=30_000)
                times.append(time.perf_counter() - started)
                current = text
            browser.close()
    finally:
        server.stop()
    return [row("serve: save -> text in browser", times)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "sample"
        api.init_project(root)
        print(f"{'seconds':<34} {'median':>7} {'min':>7} {'max':>7} {'runs':>5}")
        for line in bench_check(root, args.runs):
            print(line, flush=True)
        for line in bench_serve(root, args.runs):
            print(line, flush=True)
        for line in bench_browser(root, args.runs):
            print(line, flush=True)


if __name__ == "__main__":
    main()

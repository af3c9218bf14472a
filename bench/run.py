"""briefgen's speed, measured: one command, one table. Nothing here is a test.

    python bench/run.py             # everything (about 5 to 10 minutes on 2 cores)
    python bench/run.py --quick     # fewer repetitions, smaller batches
    python bench/run.py --json results.json

What is measured (see bench/README.md for the method and the budgets):

- start-up: ``briefgen --help``;
- one document, cold: ``briefgen build -a press -f FORMAT`` in a fresh process, per format,
  against the peers on the same content, cold too: plain WeasyPrint on briefgen's own HTML,
  a minimal python-pptx script writing the same slides;
- one document, warm: the render alone in a warm process, per format, against pandoc
  (md -> pptx, and md -> html -> WeasyPrint) per invocation, when pypandoc-binary is there;
- many documents: a generated batch with 1 and N workers (documents per second);
- memory: peak proportional set size of the whole build (CLI, zygote, workers) for a
  500-document batch against a 20-document batch;
- incremental: a build with nothing changed;
- watch: from saving the sample to its HTML and its PDF rewritten by ``briefgen watch``;
- the sample: every audience and format rendered warm, and its whole build cold;
- scale: seconds per page and per slide of a brief 20 times the sample, against the sample.

Commands run as a user runs them: the installed ``briefgen`` script, with Python's bytecode
cache on (kept in a temporary folder), after one run to fill it. Every timing is the best of
several runs, the others interleaved, so a busy machine shows less than it takes away.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import briefs  # noqa: E402  (bench/briefs.py: scaled briefs and batches)

ROOT = HERE.parent
PY = sys.executable


# ---------------------------------------------------------------- running things


def environment(cache: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(cache)
    env.pop("PYTHONWARNINGS", None)
    return env


def briefgen_command() -> list[str]:
    script = Path(PY).parent / "briefgen"
    return [str(script)] if script.exists() else [PY, "-m", "briefgen"]


@dataclass
class Runner:
    env: dict[str, str]
    runs: int
    notes: list[str] = field(default_factory=list)

    def run(self, args: list[str], cwd: Path, check: bool = True) -> float:
        started = time.perf_counter()
        proc = subprocess.run(args, cwd=cwd, env=self.env, capture_output=True, text=True)
        seconds = time.perf_counter() - started
        if check and proc.returncode != 0:
            raise RuntimeError(f"{' '.join(args)} failed ({proc.returncode}):\n{proc.stderr}")
        return seconds

    def best(self, *commands: tuple[Callable[[], float], str]) -> dict[str, float]:
        """Run each command ``runs`` times, interleaved; the best time of each."""
        times: dict[str, list[float]] = {name: [] for _, name in commands}
        for _ in range(self.runs):
            for command, name in commands:
                times[name].append(command())
        return {name: min(values) for name, values in times.items()}


def bg(*args: str) -> list[str]:
    return [*briefgen_command(), *args]


# ---------------------------------------------------------------- memory


def session_pss_kb(sid: int) -> tuple[int, int]:
    """Total PSS and RSS (kB) of the running processes of session ``sid``."""
    pss = rss = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
            if int(fields[3]) != sid or fields[0] == "Z":
                continue
            with open(f"/proc/{entry}/smaps_rollup") as fh:
                for line in fh:
                    if line.startswith("Pss:"):
                        pss += int(line.split()[1])
                    elif line.startswith("Rss:"):
                        rss += int(line.split()[1])
        except (OSError, ValueError, IndexError):
            continue
    return pss, rss


def peak_memory(args: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, int, int]:
    """Run ``args`` in its own session; its time and peak PSS and RSS (kB) over its tree."""
    started = time.perf_counter()
    proc = subprocess.Popen(
        args,
        cwd=cwd,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    peak_pss = peak_rss = 0
    while proc.poll() is None:
        pss, rss = session_pss_kb(proc.pid)
        peak_pss, peak_rss = max(peak_pss, pss), max(peak_rss, rss)
        time.sleep(0.05)
    seconds = time.perf_counter() - started
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed: {proc.stderr.read().decode()}")
    return seconds, peak_pss, peak_rss


# ---------------------------------------------------------------- peers


PLAIN_WEASYPRINT = """
import sys
from weasyprint import HTML
HTML(filename=sys.argv[1]).write_pdf(sys.argv[2])
"""

MINIMAL_PPTX = """
import io, json, sys
from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.enum.chart import XL_CHART_TYPE
from pptx.util import Inches

slides = json.load(open(sys.argv[1]))
prs = Presentation()
for spec in slides:
    if spec["kind"] == "title":
        slide = prs.slides.add_slide(prs.slide_layouts[0])
        slide.shapes.title.text = spec["title"]
        slide.placeholders[1].text = spec.get("subtitle", "")
    elif spec.get("chart") or spec.get("table"):
        slide = prs.slides.add_slide(prs.slide_layouts[5])
        slide.shapes.title.text = spec["title"]
        if spec.get("chart"):
            data = CategoryChartData()
            data.categories = spec["chart"]["categories"]
            for name, values in spec["chart"]["series"]:
                data.add_series(name, values)
            slide.shapes.add_chart(
                XL_CHART_TYPE.COLUMN_CLUSTERED, Inches(1), Inches(1.5), Inches(8), Inches(5), data
            )
        else:
            rows = spec["table"]
            table = slide.shapes.add_table(
                len(rows), len(rows[0]), Inches(0.5), Inches(1.5), Inches(9), Inches(5)
            ).table
            for r, row in enumerate(rows):
                for c, text in enumerate(row):
                    table.cell(r, c).text = text
    else:
        slide = prs.slides.add_slide(prs.slide_layouts[1])
        slide.shapes.title.text = spec["title"]
        body = slide.placeholders[1].text_frame
        for i, line in enumerate(spec["lines"]):
            paragraph = body.paragraphs[0] if i == 0 else body.add_paragraph()
            paragraph.text = line
    if spec.get("notes"):
        slide.notes_slide.notes_text_frame.text = spec["notes"]
out = io.BytesIO()
prs.save(out)
open(sys.argv[2], "wb").write(out.getvalue())
"""


MINIMAL_DOCX = """
import io, json, sys
from docx import Document

def build(blocks):
    doc = Document()
    for b in blocks:
        kind = b["kind"]
        if kind == "heading":
            doc.add_heading(b["text"], b["level"])
        elif kind == "table":
            rows = b["rows"]
            table = doc.add_table(rows=len(rows), cols=len(rows[0]))
            table.style = "Table Grid"
            for r, row in enumerate(rows):
                cells = table.rows[r].cells
                for c, text in enumerate(row):
                    cells[c].text = text
        else:
            doc.add_paragraph(b["text"], style=b["style"])
    for section in doc.sections:
        section.header.paragraphs[0].text = section.footer.paragraphs[0].text = "BANNER"
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()

if __name__ == "__main__":
    open(sys.argv[2], "wb").write(build(json.load(open(sys.argv[1]))))
"""


def docx_specs(job) -> list[dict]:
    """The blocks briefgen writes for ``job``, as plain data for the minimal python-docx
    script: the same headings, paragraphs, list items, quotes, tables and sources (a chart
    as a table of its data: python-docx cannot write charts)."""
    from briefgen.content.markdown import blocks_text
    from briefgen.render.docx.plan import document_plan

    out: list[dict] = []

    def para(text: str, style: str = "Normal") -> None:
        out.append({"kind": "para", "text": text, "style": style})

    for b in document_plan(job).blocks:
        if b.kind == "cover":
            para(b.title, "Title")
            for line in [b.kicker, b.subtitle, *b.lines]:
                if line:
                    para(line)
        elif b.kind == "memo":
            for row in b.rows:
                para(f"{row.label}\t{row.value}")
        elif b.kind == "heading":
            out.append({"kind": "heading", "text": b.text, "level": b.level})
        elif b.kind in ("summary", "text"):
            para(blocks_text(b.text.blocks))
        elif b.kind == "list":
            for item in b.items:
                para(blocks_text(item.text.blocks), "List Number" if b.numbered else "List Bullet")
                if item.detail:
                    para(blocks_text(item.detail.blocks))
        elif b.kind == "quote":
            para(b.text, "Quote")
            para(b.attribution)
        elif b.kind == "figure":
            fig = b.figure
            if fig.kind == "table":
                rows = [list(map(str, fig.columns))] + [[str(c) for c in r] for r in fig.rows]
            else:
                rows = [["", *map(str, fig.categories)]] + [
                    [s.name, *(str(v) for v in s.values)] for s in fig.series
                ]
            out.append({"kind": "table", "rows": rows})
            if b.caption:
                para(blocks_text(b.caption.blocks), "Caption")
        elif b.kind == "timeline":
            rows = [b.header] + [[e.date, blocks_text(e.event.blocks)] for e in b.entries]
            out.append({"kind": "table", "rows": rows})
        elif b.kind == "sources":
            for e in b.entries:
                para(f"{e.number}. {blocks_text(e.text.blocks)}")
    return out


def slide_specs(job) -> list[dict]:
    """The slides briefgen makes for ``job``, as plain data for the minimal script."""
    from briefgen.content.markdown import blocks_text, parse
    from briefgen.render.deck.plan import slide_plan

    def plain(text) -> str:
        return blocks_text(parse(str(text))) if text else ""

    out = []
    for slide in slide_plan(job).slides:
        spec: dict = {"kind": slide.kind, "title": slide.title or "", "notes": slide.notes or ""}
        lines: list[str] = []
        for name in ("bullets",):
            for b in getattr(slide, name, None) or []:
                lines += [plain(b.text), *(plain(s) for s in b.sub)]
        for name in ("items",):
            lines += list(getattr(slide, name, None) or [])
        for entry in getattr(slide, "entries", None) or []:
            lines.append(
                f"{getattr(entry, 'date', getattr(entry, 'number', ''))} "
                f"{plain(getattr(entry, 'event', getattr(entry, 'text', '')))}"
            )
        if slide.kind == "quote":
            lines = [x for q in slide.all_quotes() for x in (q.text, f"— {q.speaker}")]
        if slide.kind in ("section", "closing") and slide.text:
            lines = [plain(slide.text)]
        if slide.kind == "title":
            spec["subtitle"] = slide.subtitle or ""
        if slide.kind == "chart":
            fig = slide.figure
            spec["chart"] = {
                "categories": list(fig.categories),
                "series": [[s.name, list(s.values)] for s in fig.series],
            }
        if slide.kind == "table":
            fig = slide.figure
            spec["table"] = [list(fig.columns)] + [[str(c) for c in row] for row in fig.rows]
        spec["lines"] = lines or [""]
        out.append(spec)
    return out


def markdown_of(view) -> str:
    """The brief as one Markdown document, for pandoc."""
    lines = [f"% {view.title}", "", str(view.summary), ""]
    if view.key_messages:
        lines += ["# Key messages", ""]
        lines += [f"- {p if isinstance(p, str) else p.text}" for p in view.key_messages]
        lines.append("")
    for section in view.sections:
        lines += [f"# {section.title}", ""]
        if section.lead:
            lines += [str(section.lead), ""]
        for point in section.points:
            lines.append(f"- {point if isinstance(point, str) else point.text}")
        lines.append("")
        for quote in section.quotes:
            lines += [f"> {quote.text}", ">", f"> — {quote.speaker}", ""]
    if view.timeline:
        lines += ["# Timeline", ""] + [f"- **{e.date}** {e.event}" for e in view.timeline] + [""]
    if view.sources:
        lines += ["# Sources", ""] + [f"{s.number}. {s.title}" for s in view.sources]
    return "\n".join(lines) + "\n"


def pandoc_path() -> str | None:
    try:
        import pypandoc

        return pypandoc.get_pandoc_path()
    except (ImportError, OSError):
        return None


# ---------------------------------------------------------------- the measurements


@dataclass
class Results:
    rows: list[tuple[str, str, str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    data: dict[str, float] = field(default_factory=dict)

    def add(self, what: str, value: str, compare: str = "", budget: str = "") -> None:
        self.rows.append((what, value, compare, budget))
        print(f"  {what}: {value} {compare}".rstrip(), flush=True)


def verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"


def measure(work: Path, quick: bool, only: set[str]) -> Results:
    from briefgen.pipeline import prepare
    from briefgen.project import open_workspace
    from briefgen.render.html import PROJECT_BASE, TEMPLATE_BASE, render_html
    from briefgen.workers import default_jobs, render_job

    def run(job):  # as a warm worker renders a document (the collector paused, reads recorded)
        outcome = render_job(job)
        if outcome.rendered is None:
            raise RuntimeError(outcome.error)
        return outcome.rendered

    res = Results()
    env = environment(work / "pycache")
    runner = Runner(env, runs=3 if quick else 7)
    jobs = default_jobs()
    sample = briefs.project(work / "sample", {"us-azerbaijan": briefs.sample_data()})
    out = work / "out"
    runner.run(bg("build", "-o", str(out), "--force"), sample)  # fills the bytecode cache

    def want(name: str) -> bool:
        return not only or name in only

    # -- start-up
    if want("startup"):
        times = runner.best((lambda: runner.run(bg("--help"), sample), "help"))
        res.data["help_s"] = times["help"]
        res.add(
            "briefgen --help",
            f"{times['help']:.3f} s",
            "",
            f"<= 0.15 s: {verdict(times['help'] <= 0.15)}",
        )

    # -- the peers' inputs, from briefgen's own renders
    ws = open_workspace(sample)
    plan = prepare(ws, None, ["press"], ["pdf", "pptx", "html"])
    job = {t.job.format: t.job for t in plan.targets}
    peers = work / "peers"
    peers.mkdir()
    html = render_html(job["pdf"], target="pdf")
    set_root = job["pdf"].tset.layers[0].root
    html = html.replace(TEMPLATE_BASE, set_root.as_uri() + "/").replace(
        PROJECT_BASE, sample.as_uri() + "/"
    )
    (peers / "brief.html").write_text(html, "utf-8")
    (peers / "weasyprint_peer.py").write_text(PLAIN_WEASYPRINT)
    (peers / "pptx_peer.py").write_text(MINIMAL_PPTX)
    (peers / "slides.json").write_text(json.dumps(slide_specs(job["pptx"])))
    (peers / "brief.md").write_text(markdown_of(job["pdf"].view), "utf-8")

    # -- one document, cold
    if want("cold"):

        def cold(fmt: str) -> Callable[[], float]:
            return lambda: runner.run(
                bg("build", "-a", "press", "-f", fmt, "-o", str(work / f"cold-{fmt}"), "--force"),
                sample,
            )

        def wp_peer() -> float:
            return runner.run([PY, "weasyprint_peer.py", "brief.html", "peer.pdf"], peers)

        def pptx_peer() -> float:
            return runner.run([PY, "pptx_peer.py", "slides.json", "peer.pptx"], peers)

        times = runner.best(
            (cold("pdf"), "pdf"),
            (wp_peer, "weasyprint"),
            (cold("pptx"), "pptx"),
            (pptx_peer, "python-pptx"),
            (cold("html"), "html"),
        )
        res.data.update({f"cold_{k}_s": v for k, v in times.items()})
        ratio = times["pdf"] / times["weasyprint"]
        res.add(
            "cold PDF build, one audience",
            f"{times['pdf']:.2f} s",
            f"plain WeasyPrint {times['weasyprint']:.2f} s = {ratio:.2f}x",
            f"<= 1.15x: {verdict(ratio <= 1.15)}",
        )
        ratio = times["pptx"] / times["python-pptx"]
        res.add(
            "cold PPTX build, one audience",
            f"{times['pptx']:.2f} s",
            f"minimal python-pptx {times['python-pptx']:.2f} s = {ratio:.2f}x",
            f"<= 1.5x: {verdict(ratio <= 1.5)}",
        )
        res.add("cold HTML build, one audience", f"{times['html']:.2f} s")

    # -- one document, warm (in this process, after a first render)
    warm: dict[str, float] = {}
    units: dict[str, int] = {}

    def warm_render(fmt: str) -> None:
        run(job[fmt])
        best = float("inf")
        for _ in range(runner.runs):
            started = time.perf_counter()
            rendered = run(job[fmt])
            best = min(best, time.perf_counter() - started)
        warm[fmt] = best
        units[fmt] = rendered.pages or rendered.slides or 1

    if want("warm"):
        for fmt in ("pdf", "pptx", "html"):
            warm_render(fmt)
        res.data.update({f"warm_{k}_s": v for k, v in warm.items()})
        pandoc = pandoc_path()
        md_pptx = md_pdf = None
        if pandoc:
            (peers / "html_to_pdf.py").write_text(PLAIN_WEASYPRINT)

            def pandoc_pptx() -> float:
                return runner.run([pandoc, "brief.md", "-o", "pandoc.pptx"], peers)

            def pandoc_pdf() -> float:
                return runner.run(
                    [pandoc, "brief.md", "-s", "-o", "pandoc.html"], peers
                ) + runner.run([PY, "html_to_pdf.py", "pandoc.html", "pandoc.pdf"], peers)

            times = runner.best((pandoc_pptx, "pptx"), (pandoc_pdf, "pdf"))
            md_pptx, md_pdf = times["pptx"], times["pdf"]
            res.data.update({"pandoc_pptx_s": md_pptx, "pandoc_pdf_s": md_pdf})
        else:
            res.notes.append(
                "pandoc peers skipped: pip install 'briefgen[bench]' (pypandoc-binary)"
            )
        res.add(
            f"warm PDF, sample ({units['pdf']} pages)",
            f"{warm['pdf']:.3f} s",
            f"pandoc -> WeasyPrint {md_pdf:.2f} s = {warm['pdf'] / md_pdf:.2f}x" if md_pdf else "",
            f"<= 0.2 s per 2 pages: {verdict(warm['pdf'] / units['pdf'] * 2 <= 0.2)} "
            f"({warm['pdf'] / units['pdf'] * 2:.3f} s per 2 pages)",
        )
        res.add(
            f"warm PPTX, sample ({units['pptx']} slides)",
            f"{warm['pptx']:.3f} s",
            f"pandoc md->pptx {md_pptx:.2f} s = {warm['pptx'] / md_pptx:.2f}x" if md_pptx else "",
            f"<= 0.05 s: {verdict(warm['pptx'] <= 0.05)}",
        )
        res.add("warm HTML, sample", f"{warm['html']:.3f} s")

    # -- the sample, every audience and format (warm), and its whole build (cold)
    if want("sample"):
        every = prepare(ws, None, None, ["pdf", "pptx", "html"])
        for target in every.targets:
            rendered = run(target.job)  # warm it first
            best = float("inf")
            for _ in range(runner.runs):
                started = time.perf_counter()
                rendered = run(target.job)
                best = min(best, time.perf_counter() - started)
            size = f"{rendered.pages} pages" if rendered.pages else f"{rendered.slides} slides"
            if target.job.format == "html":
                size = f"{len(rendered.data) // 1024} KB"
            res.data[f"sample_{target.job.view.audience.name}_{target.job.format}_s"] = best
            res.add(
                f"sample, {target.job.view.audience.name} {target.job.format.upper()} ({size})",
                f"{best:.3f} s",
                "warm render",
            )
        whole = bg("build", "-o", str(work / "whole"), "--force", "-q")
        times = runner.best((lambda: runner.run(whole, sample), "t"))
        res.data["sample_build_s"] = times["t"]
        res.add(f"sample, whole build ({len(every.targets)} files)", f"{times['t']:.2f} s", "cold")

    # -- scale of one brief
    if want("scale"):
        long = briefs.project(work / "long", {"long": briefs.scaled(20)})
        long_plan = prepare(open_workspace(long), None, ["press"], ["pdf", "pptx"])
        for target in long_plan.targets:
            fmt = target.job.format
            if fmt not in warm:
                warm_render(fmt)
            seconds = float("inf")
            for _ in range(3):  # warm, as the sample is: the first run fills the caches
                started = time.perf_counter()
                rendered = run(target.job)
                seconds = min(seconds, time.perf_counter() - started)
            n = rendered.pages or rendered.slides
            per, base = seconds / n, warm[fmt] / units[fmt]
            unit = "page" if fmt == "pdf" else "slide"
            res.data[f"scale20_{fmt}_per_{unit}_s"] = per
            res.add(
                f"20x brief, {fmt} ({n} {unit}s)",
                f"{seconds:.2f} s",
                f"{per * 1000:.1f} ms/{unit} vs sample {base * 1000:.1f} = {per / base:.2f}x",
                f"<= 1.2x: {verdict(per / base <= 1.2)}",
            )

    # -- tagged PDF/UA-1 against untagged, the sample and the 20x brief (warm, interleaved)
    if want("tagged"):
        import briefgen.render.pdf as pdf_module

        long = briefs.project(work / "tagged", {"long": briefs.scaled(20)})
        cases = [
            ("sample", prepare(ws, None, ["press"], ["pdf"]).targets[0].job),
            ("20x brief", prepare(open_workspace(long), None, ["press"], ["pdf"]).targets[0].job),
        ]
        for name, job in cases:
            best = {"pdf/ua-1": float("inf"), None: float("inf")}
            pages = 0
            for _ in range(max(3, runner.runs)):
                for variant in best:
                    pdf_module.PDF_VARIANT = variant
                    started = time.perf_counter()
                    pages = run(job).pages or 0
                    best[variant] = min(best[variant], time.perf_counter() - started)
            pdf_module.PDF_VARIANT = "pdf/ua-1"
            ratio = best["pdf/ua-1"] / best[None]
            res.data[f"tagged_{name.replace(' ', '_')}_ratio"] = ratio
            res.add(
                f"tagged PDF/UA-1, {name} ({pages} pages)",
                f"{best['pdf/ua-1']:.2f} s",
                f"untagged {best[None]:.2f} s = {ratio:.2f}x",
                f"<= 1.3x: {verdict(ratio <= 1.3)}",
            )

    # -- the Word brief: cold and warm, the sample and the 20x brief, against a minimal script
    if want("docx"):
        long = briefs.project(work / "docx-long", {"long": briefs.scaled(20)})
        cases = [
            ("sample", sample, prepare(ws, None, ["press"], ["docx"]).targets[0].job),
            (
                "20x brief",
                long,
                prepare(open_workspace(long), None, ["press"], ["docx"]).targets[0].job,
            ),
        ]
        (peers / "docx_peer.py").write_text(MINIMAL_DOCX)
        peer: dict[str, Any] = {}
        exec(compile(MINIMAL_DOCX, "docx_peer.py", "exec"), peer)  # the warm peer, in-process
        for name, root, docx_job in cases:
            key = name.replace(" ", "_")
            spec = peers / f"docx-{key}.json"
            spec.write_text(json.dumps(docx_specs(docx_job)))
            blocks = json.loads(spec.read_text())

            def cold_docx(root: Path = root, key: str = key) -> float:
                out_dir = str(work / f"cold-docx-{key}")
                return runner.run(
                    bg("build", "-a", "press", "-f", "docx", "-o", out_dir, "--force"), root
                )

            def cold_peer(spec: Path = spec) -> float:
                return runner.run([PY, "docx_peer.py", spec.name, "peer.docx"], peers)

            times = runner.best((cold_docx, "briefgen"), (cold_peer, "peer"))
            ratio = times["briefgen"] / times["peer"]
            res.data[f"cold_docx_{key}_s"] = times["briefgen"]
            res.add(
                f"cold DOCX build, {name}",
                f"{times['briefgen']:.2f} s",
                f"minimal python-docx {times['peer']:.2f} s = {ratio:.2f}x",
            )
            run(docx_job)
            peer["build"](blocks)
            best = {"briefgen": float("inf"), "peer": float("inf")}
            for _ in range(runner.runs):
                started = time.perf_counter()
                size = len(run(docx_job).data)
                best["briefgen"] = min(best["briefgen"], time.perf_counter() - started)
                started = time.perf_counter()
                peer["build"](blocks)
                best["peer"] = min(best["peer"], time.perf_counter() - started)
            ratio = best["briefgen"] / best["peer"]
            res.data[f"warm_docx_{key}_s"] = best["briefgen"]
            res.add(
                f"warm DOCX, {name} ({size // 1024} KB)",
                f"{best['briefgen']:.3f} s",
                f"minimal python-docx {best['peer']:.3f} s = {ratio:.2f}x",
            )
        res.notes.append(
            "minimal python-docx: the same headings, paragraphs, lists, tables and sources on "
            "python-docx's default template, charts as tables of their data (it has no charts), "
            "no styles of its own, no fields, no alt text"
        )

    # -- many documents: 1 and N workers
    if want("batch"):
        count = 4 if quick else 8
        batch = briefs.batch(work / "batch", count)
        docs = count * 3 * 3
        for n in sorted({1, jobs}):
            times = (
                runner.best(
                    (lambda n=n: runner.run(bg("build", "-j", str(n), "--force", "-q"), batch), "t")
                )
                if not quick
                else {"t": runner.run(bg("build", "-j", str(n), "--force", "-q"), batch)}
            )
            res.data[f"batch_{n}_workers_s"] = times["t"]
            res.add(
                f"batch of {docs} documents, {n} worker(s)",
                f"{times['t']:.1f} s",
                f"{docs / times['t']:.1f} documents/s",
            )
        if jobs > 1:
            speedup = res.data["batch_1_workers_s"] / res.data[f"batch_{jobs}_workers_s"]
            res.add(
                f"speed-up with {jobs} workers",
                f"{speedup:.2f}x",
                "",
                f">= 1.7x: {verdict(speedup >= 1.7)}",
            )
        else:
            res.notes.append("one core: the N-worker batch is the 1-worker batch")

    # -- memory: 500 documents against 20 (press only: the same mix of formats)
    if want("memory"):
        small_n, large_n = (7, 60) if quick else (7, 167)
        config = briefs.CONFIG.read_text("utf-8")
        base_data = briefs.sample_data()
        peaks = {}
        for n in (small_n, large_n):
            root = briefs.project(
                work / f"mem{n}",
                {f"b{i:03d}": briefs.variant(i, base_data) for i in range(n)},
                config,
            )
            seconds, pss, rss = peak_memory(bg("build", "-a", "press", "--force", "-q"), root, env)
            peaks[n] = pss
            res.data[f"memory_{n * 3}_docs_pss_mb"] = pss / 1024
            res.add(
                f"peak memory, {n * 3} documents",
                f"{pss / 1024:.0f} MB PSS",
                f"({rss / 1024:.0f} MB RSS summed; {seconds:.0f} s)",
            )
        ratio = peaks[large_n] / peaks[small_n]
        res.add(
            f"peak memory {large_n * 3} vs {small_n * 3} documents",
            f"{ratio:.2f}x",
            "",
            f"<= 1.2x: {verdict(ratio <= 1.2)}",
        )

    # -- incremental: nothing changed
    if want("incremental"):
        runner.run(bg("build", "-o", str(out)), sample)
        times = runner.best((lambda: runner.run(bg("build", "-o", str(out), "-q"), sample), "t"))
        res.data["no_change_s"] = times["t"]
        res.add(
            f"build with nothing changed ({len(prepare(ws).targets)} outputs)",
            f"{times['t']:.3f} s",
            "",
            f"<= 0.3 s: {verdict(times['t'] <= 0.3)}",
        )

    # -- watch
    if want("watch"):
        lat = watch_latency(sample, env, 3 if quick else 6)
        res.data.update(lat)
        res.add(
            "watch: save -> HTML rewritten",
            f"{lat['watch_html_s']:.2f} s",
            "(median)",
            f"<= 0.2 s: {verdict(lat['watch_html_s'] <= 0.2)}",
        )
        res.add(
            "watch: save -> first PDF rewritten",
            f"{lat['watch_pdf_s']:.2f} s",
            "(median)",
            f"<= 0.5 s: {verdict(lat['watch_pdf_s'] <= 0.5)}",
        )
        outputs = len(prepare(ws).targets)
        res.add(f"watch: save -> all {outputs} outputs", f"{lat['watch_all_s']:.2f} s", "(median)")
    return res


def watch_latency(sample: Path, env: dict[str, str], edits: int) -> dict[str, float]:
    """Median seconds from saving the sample brief to its HTML, first PDF and all outputs
    rewritten by a running ``briefgen watch``."""
    out = sample / "output" / "us-azerbaijan"
    proc = subprocess.Popen(
        bg("watch"),
        cwd=sample,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        start_new_session=True,
    )
    html, pdf, every = [], [], []
    try:
        for line in proc.stdout:  # the first build, then "watching ..."
            if line.startswith("watching"):
                break
        time.sleep(1.0)
        brief = sample / "content" / "us-azerbaijan.yaml"
        original = brief.read_text("utf-8")
        files = sorted(out.glob("*.*"))
        for n in range(edits):
            before = {f: f.stat().st_mtime_ns for f in files}
            started = time.perf_counter()
            brief.write_text(original.replace("Energy", f"Energy ({n})", 1), "utf-8")
            seen: dict[Path, float] = {}
            while len(seen) < len(files) and time.perf_counter() - started < 60:
                for f in files:
                    if f not in seen and f.stat().st_mtime_ns != before[f]:
                        seen[f] = time.perf_counter() - started
                time.sleep(0.002)
            html.append(min(v for f, v in seen.items() if f.suffix == ".html"))
            pdf.append(min(v for f, v in seen.items() if f.suffix == ".pdf"))
            every.append(max(seen.values()))
            time.sleep(0.5)
        brief.write_text(original, "utf-8")
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGINT)
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    return {
        "watch_html_s": statistics.median(html),
        "watch_pdf_s": statistics.median(pdf),
        "watch_all_s": statistics.median(every),
    }


def table(res: Results) -> str:
    header = ("measure", "value", "against", "budget")
    rows = [header, *res.rows]
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    lines = []
    for i, row in enumerate(rows):
        lines.append("| " + " | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) + " |")
        if i == 0:
            lines.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    lines += [f"note: {n}" for n in res.notes]
    return "\n".join(lines)


@contextlib.contextmanager
def workspace(keep: bool) -> Iterator[Path]:
    folder = Path(tempfile.mkdtemp(prefix="briefgen-bench-"))
    try:
        yield folder
    finally:
        if not keep:
            shutil.rmtree(folder, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer runs, smaller batches")
    parser.add_argument("--json", type=Path, help="also write the numbers to this file")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument(
        "--only",
        default="",
        help="comma-separated parts: startup,cold,warm,sample,scale,tagged,docx,batch,memory,"
        "incremental,watch",
    )
    args = parser.parse_args()
    only = {p for p in args.only.split(",") if p}
    with workspace(args.keep) as work:
        print(f"measuring in {work} ({os.cpu_count()} cores)", flush=True)
        res = measure(work, args.quick, only)
    print()
    print(table(res))
    if args.json:
        args.json.write_text(json.dumps(res.data, indent=2) + "\n")


if __name__ == "__main__":
    main()

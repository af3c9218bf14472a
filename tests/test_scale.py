"""A long brief costs in proportion to its length: no step of the deck is quadratic.

These count work instead of timing it (timings are in bench/): the part-name search of
python-pptx is done once per kind of part, not once per slide, and splitting a long
paragraph over slides measures O(log) candidate cuts per slide, with the same cuts the
word-by-word scan made.
"""

from __future__ import annotations

import random
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from briefgen.pipeline import prepare
from briefgen.project import open_workspace
from briefgen.render.deck import fit, measurer_for
from briefgen.templates import load_set

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
import briefs  # bench/briefs.py: the sample scaled up


def greedy_split(m, para, size, box):
    """The word-at-a-time scan that _split_paragraph replaced, as the reference."""
    if fit.fits(m, [para], size, box):
        return [para]
    words = [replace(r, text=w) for r in para.runs for w in fit._keep_spaces(r.text)]
    pieces, current = [], []
    for word in words:
        trial = [*current, word]
        if current and not fit.fits(m, [replace(para, runs=tuple(trial))], size, box):
            pieces.append(replace(para, runs=fit._merge(current)))
            current = [word]
        else:
            current = trial
    if current:
        pieces.append(replace(para, runs=fit._merge(current)))
    return [pieces[0], *(replace(p, bullet=False) for p in pieces[1:])]


@pytest.fixture(scope="module")
def measurer():
    return measurer_for(load_set("default", None))


@pytest.mark.parametrize("seed", range(12))
def test_splitting_a_paragraph_cuts_where_the_word_by_word_scan_did(measurer, seed):
    rng = random.Random(seed)
    vocabulary = ["a", "of", "energy", "Azerbaijan", "pipeline", "BTC", "cooperation", "x" * 40]
    runs = tuple(
        fit.Run(
            " ".join(rng.choice(vocabulary) for _ in range(rng.randint(1, 120))) + " ",
            bold=rng.random() < 0.3,
        )
        for _ in range(rng.randint(1, 8))
    )
    para = fit.Paragraph(runs, level=rng.randint(0, 2))
    box = fit.Box(rng.uniform(150, 700), rng.uniform(40, 300))
    size = rng.choice([12.0, 16.0, 20.0, 28.0])
    assert fit._split_paragraph(measurer, para, size, box) == greedy_split(
        measurer, para, size, box
    )


def test_a_long_paragraph_is_split_with_logarithmic_measuring(measurer, monkeypatch):
    text = " ".join(["Azerbaijan and the United States work on European energy security."] * 150)
    para = fit.Paragraph((fit.Run(text),))
    box = fit.Box(600, 300)
    calls = 0
    real = fit.fits

    def counting(*args):
        nonlocal calls
        calls += 1
        return real(*args)

    monkeypatch.setattr(fit, "fits", counting)
    pieces = fit._split_paragraph(measurer, para, 18, box)
    words = len(text.split())
    assert len(pieces) > 8
    assert calls < 20 * len(pieces) < words // 4  # the scan measured once per word


def test_naming_parts_does_not_walk_the_package_per_slide(tmp_path, monkeypatch):
    from pptx.opc.package import OpcPackage

    from briefgen.render import run

    root = briefs.project(tmp_path / "long", {"long": briefs.scaled(6)})
    plan = prepare(open_workspace(root), None, ["desk"], ["pptx"])
    walks = 0
    real = OpcPackage.iter_parts

    def counting(self):
        nonlocal walks
        walks += 1
        return real(self)

    monkeypatch.setattr(OpcPackage, "iter_parts", counting)
    rendered = run(plan.targets[0].job)
    assert rendered.slides > 100
    assert walks < 10  # once per kind of part, and once to save


def test_the_benchs_minimal_deck_script_gets_every_slide_of_every_sample_deck(sample_build):
    """bench/run.py hands the minimal python-pptx script the slides briefgen plans; a plan
    change (quotes sharing a slide) once broke the bench without a test noticing."""
    import run as bench_run  # bench/run.py

    from briefgen.pipeline import prepare
    from briefgen.project import open_workspace

    plan = prepare(open_workspace(sample_build.root), None, None, ["pptx"])
    for target in plan.targets:
        specs = bench_run.slide_specs(target.job)
        assert specs and all(isinstance(s["title"], str) for s in specs)
        quotes = [s for s in specs if s["kind"] == "quote"]
        assert all(line for s in quotes for line in s["lines"]), target.job.label

"""Writing results: safe names, confined paths, atomic writes, and the manifest."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from briefgen.errors import InputError
from briefgen.output import MANIFEST_NAME, Manifest, atomic_write, confined, slugify


@pytest.mark.parametrize(
    "text, slug",
    [
        ("us-azerbaijan", "us-azerbaijan"),
        ("United States – Azerbaijan", "united-states-azerbaijan"),
        ("  Energy Security!  ", "energy-security"),
        ("Şahdəniz Çay Öğrenci", "sahdeniz-cay-ogrenci"),
        ("ə ı Ø", "e-i-o"),  # letters Unicode does not decompose are folded, not dropped
        ("a__b..c", "a-b-c"),
        ("2026 Brief (v2)", "2026-brief-v2"),
    ],
)
def test_slugify(text: str, slug: str):
    assert slugify(text) == slug


def test_slugify_is_short_ascii_and_never_empty():
    long = slugify("word " * 40)
    assert len(long) <= 64 and not long.endswith("-")
    with pytest.raises(InputError, match="cannot make a file name from '!!!'"):
        slugify("!!!")
    with pytest.raises(InputError):
        slugify("Москва")  # no Latin letters at all


# ---------------------------------------------------------------- confined paths


def test_confined_joins_plain_names(tmp_path: Path):
    assert confined(tmp_path, "brief", "press.pdf") == tmp_path / "brief" / "press.pdf"


@pytest.mark.parametrize("part", ["..", ".", "", "a/b", "a\\b", "nul\0"])
def test_confined_refuses_unsafe_parts(tmp_path: Path, part: str):
    with pytest.raises(InputError, match="unsafe output name"):
        confined(tmp_path, part, "x.pdf")


def test_confined_refuses_a_symlink_out_of_the_output_folder(tmp_path: Path):
    out, elsewhere = tmp_path / "out", tmp_path / "elsewhere"
    out.mkdir()
    elsewhere.mkdir()
    (out / "brief").symlink_to(elsewhere, target_is_directory=True)
    with pytest.raises(InputError, match="leads outside"):
        confined(out, "brief", "press.pdf")


# ---------------------------------------------------------------- atomic writes


def test_atomic_write_writes_and_leaves_no_temporary_files(tmp_path: Path):
    target = tmp_path / "sub" / "press.pdf"
    atomic_write(target, b"first")
    atomic_write(target, b"second")
    assert target.read_bytes() == b"second"
    assert os.listdir(target.parent) == ["press.pdf"]
    assert oct(target.stat().st_mode & 0o777) == oct(0o644)


def test_atomic_write_that_fails_leaves_the_old_file_and_no_temporary(tmp_path: Path):
    target = tmp_path / "press.pdf"
    target.write_bytes(b"old")
    with pytest.raises(TypeError):
        atomic_write(target, "not bytes")  # type: ignore[arg-type]
    assert target.read_bytes() == b"old"
    assert os.listdir(tmp_path) == ["press.pdf"]


def test_atomic_write_replaces_a_symlink_instead_of_writing_through_it(tmp_path: Path):
    victim = tmp_path / "victim.txt"
    victim.write_bytes(b"precious")
    link = tmp_path / "press.pdf"
    link.symlink_to(victim)
    atomic_write(link, b"pdf")
    assert victim.read_bytes() == b"precious"
    assert not link.is_symlink() and link.read_bytes() == b"pdf"


# ---------------------------------------------------------------- the manifest


def test_manifest_refuses_to_overwrite_files_briefgen_did_not_write(tmp_path: Path):
    target = tmp_path / "b" / "press.pdf"
    target.parent.mkdir()
    target.write_bytes(b"somebody's file")
    manifest = Manifest.load(tmp_path)
    with pytest.raises(InputError) as info:
        manifest.check_writable(target, force=False)
    assert str(info.value) == (
        f"{target}: exists and was not written by briefgen; "
        "move it away or pass --force to overwrite it"
    )
    manifest.check_writable(target, force=True)  # --force: allowed


def test_manifest_allows_new_files_and_its_own(tmp_path: Path):
    manifest = Manifest.load(tmp_path)
    new = tmp_path / "b" / "new.pdf"
    manifest.check_writable(new, force=False)
    atomic_write(new, b"data")
    manifest.record(new, b"data", "inputs-digest", pages=2)
    manifest.save()
    again = Manifest.load(tmp_path)
    again.check_writable(new, force=False)
    assert again.entry(new)["pages"] == 2
    assert again.entry(new)["inputs"] == "inputs-digest"
    assert (tmp_path / MANIFEST_NAME).is_file()


def test_a_corrupt_manifest_owns_nothing(tmp_path: Path):
    (tmp_path / MANIFEST_NAME).write_text("{not json")
    target = tmp_path / "x.pdf"
    target.write_bytes(b"x")
    with pytest.raises(InputError):
        Manifest.load(tmp_path).check_writable(target, force=False)

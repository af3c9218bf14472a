"""Rendering on a real Dask cluster: a scheduler and two workers started here on 127.0.0.1;
the batch built through them is byte for byte the local build."""

from __future__ import annotations

import io
import json
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import distributed  # the test extra has it: a missing Dask fails, never skips
import pytest
from support import SAMPLE_BRIEF, show_seal_in_colophon

from briefgen import api
from briefgen.errors import InputError
from briefgen.output import MANIFEST_NAME


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def dask_command(name: str) -> list[str]:
    return [sys.executable, "-m", f"distributed.cli.dask_{name}"]


@pytest.fixture(scope="module")
def cluster():
    """``dask scheduler`` and two ``dask worker`` processes on 127.0.0.1; their address."""
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    common = ["--no-dashboard"]
    procs = [
        subprocess.Popen(
            [*dask_command("scheduler"), "--host", "127.0.0.1", "--port", str(port), *common],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    ]
    try:
        for _ in range(2):
            procs.append(
                subprocess.Popen(
                    [
                        *dask_command("worker"),
                        address,
                        "--host",
                        "127.0.0.1",
                        "--nthreads",
                        "1",
                        "--nworkers",
                        "1",
                        *common,
                    ],
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            )
        client = None
        deadline = time.monotonic() + 90
        while client is None:
            try:
                client = distributed.Client(address, timeout=5, set_as_default=False)
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)
        client.wait_for_workers(2, timeout=90)
        client.close()
        yield address
    finally:
        for proc in reversed(procs):
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def png(color: tuple[int, int, int]) -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (240, 80), color).save(buf, "PNG")
    return buf.getvalue()


@pytest.fixture
def batch(project: Path) -> Path:
    """Two briefs for three audiences; press has a theme logo, and the default set is
    overridden to show a project image that no setting names (found when the job runs)."""
    shutil.copy(SAMPLE_BRIEF, project / "content" / "second-brief.yaml")
    (project / "logo.png").write_bytes(png((30, 60, 90)))
    (project / "seal.png").write_bytes(png((120, 20, 20)))
    config = project / "briefgen.yaml"
    text = config.read_text("utf-8")
    config.write_text(
        text.replace("    title: Press\n", "    title: Press\n    theme: {logo: logo.png}\n", 1)
    )
    show_seal_in_colophon(project)
    return project


def files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.name.startswith(".")  # not the manifest nor the stamps
    }


def test_a_batch_built_on_dask_is_byte_identical_to_the_local_build(cluster, batch):
    local = api.build(batch, output=batch / "local", jobs=2)
    remote = api.build(batch, output=batch / "remote", scheduler=cluster)
    assert local.exit_code == 0 and remote.exit_code == 0, [o.error for o in remote.failed]
    assert len(remote.outputs) == len(local.outputs) >= 18
    assert {o.status for o in remote.outputs} == {"written"}
    here, there = files(batch / "local"), files(batch / "remote")
    assert sorted(here) == sorted(there)
    assert [k for k in here if here[k] != there[k]] == []
    # The manifest knows what each output read, however the job learnt it.
    manifest = json.loads((batch / "remote" / MANIFEST_NAME).read_text())
    assert set(manifest["files"]["second-brief/press.pdf"]["reads"]) == {"logo.png", "seal.png"}
    local_manifest = json.loads((batch / "local" / MANIFEST_NAME).read_text())
    for key, entry in manifest["files"].items():
        assert entry["inputs"] == local_manifest["files"][key]["inputs"]
        assert entry["reads"] == local_manifest["files"][key]["reads"]
    # Incremental on the cluster too: nothing changed, nothing sent.
    again = api.build(batch, output=batch / "remote", scheduler=cluster)
    assert {o.status for o in again.outputs} == {"unchanged"}


def test_failures_on_the_cluster_are_one_line_errors(cluster, project):
    override = project / "templates" / "default"
    override.mkdir(parents=True)
    (override / "brief.html.j2").write_text(
        "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}\n"
    )
    result = api.build(project, audiences=["press"], scheduler=cluster, timeout=6)
    by_format = {o.format: o for o in result.outputs}
    assert by_format["pdf"].error.startswith("us-azerbaijan/press.pdf: stopped after 6 s")
    assert by_format["html"].error.startswith("us-azerbaijan/press.html: stopped after 6 s")
    assert by_format["pptx"].status == "written"
    assert result.exit_code == 1


def test_an_unreachable_scheduler_is_an_input_error(project):
    with pytest.raises(InputError, match=r"cannot reach the Dask scheduler at tcp://127\.0\.0\.1:"):
        api.build(project, scheduler=f"tcp://127.0.0.1:{free_port()}")

"""Build stamps: a build with nothing to do, answered without loading anything.

The full check of a build (load, validate and select every brief, hash every input, compare
with the manifest: :func:`briefgen.pipeline.execute`) is exact, and costs what importing and
running the pipeline costs: about a third of a second for the sample, seconds for hundreds of
briefs. A stamp is written after a build that wrote or kept every output. It records the
size and modification time of every file that went into the build: the config, the briefs
and the list of briefs, every file of the template folders, the project files the renders
read, the renderer libraries, and of the outputs themselves. When all of them are still as
recorded, the outputs are exactly those the full check would keep, so ``briefgen build``
reports them unchanged at once. Anything different, or anything unexpected while checking,
and the full check runs as before; a stamp never decides that something must be rendered.

Stamps live beside the manifest, in the output folder's ``.briefgen-stamps.json``, one per
way of calling ``build`` (working folder, briefs, audiences, formats, allowed hosts). This
module imports only the standard library (and PyYAML to find the output folder), so the
command line can consult it before importing anything heavy.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import json
import os
import tempfile
import time
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from briefgen import __version__
from briefgen.results import BuildResult, Output

if TYPE_CHECKING:
    from briefgen.pipeline import Plan

STAMPS_NAME = ".briefgen-stamps.json"
CONFIG_NAME = "briefgen.yaml"
MAX_STAMPS = 32  # ways of calling build remembered per output folder
# The libraries whose code shapes the output bytes: a new version on disk voids every stamp.
PACKAGES = (
    "weasyprint",
    "pydyf",
    "pptx",
    "docx",
    "xlsxwriter",
    "jinja2",
    "markdown_it",
    "pygal",
    "PIL",
)

Stat = list[int] | None  # [size, mtime_ns], or None for a file that is not there


def _stat(path: str | Path) -> Stat:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return [st.st_size, st.st_mtime_ns]


def _files(folder: Path) -> list[str]:
    """Every file under ``folder``, relative and sorted ([] when there is no folder)."""
    out = []
    for parent, dirs, names in os.walk(folder):
        dirs.sort()
        rel = os.path.relpath(parent, folder)
        out += [n if rel == "." else f"{rel}/{n}" for n in names]
    return sorted(out)


def _briefs(folder: Path) -> list[str]:
    """The brief files of a content folder, as the pipeline finds them."""
    try:
        return sorted(
            p.name for p in folder.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file()
        )
    except OSError:
        return []


@lru_cache(maxsize=1)
def code_digest() -> str:
    """A digest of briefgen's own source files (names, sizes, modification times).

    The version number changes only with a release; an editable install or a patched copy
    changes the code under the same number, and outputs built by the old code must not be
    kept as up to date. Stat only, no reading: well under a millisecond.
    """
    package = Path(__file__).resolve().parent
    h = hashlib.sha256()
    for parent, dirs, names in os.walk(package):
        dirs.sort()
        for name in sorted(names):
            if name.endswith((".py", ".yaml")):
                path = Path(parent, name)
                h.update(f"{path.relative_to(package)}\0{_stat(path)}\0".encode())
    return h.hexdigest()[:16]


def _packages() -> dict[str, Stat]:
    found: dict[str, Stat] = {}
    for name in PACKAGES:
        try:
            spec = importlib.util.find_spec(name)
        except (ImportError, ValueError):
            spec = None
        found[name] = _stat(spec.origin) if spec is not None and spec.origin else None
    return found


def _root(project: str | Path | None) -> Path | None:
    """The project folder, found as :func:`briefgen.project.open_workspace` finds it."""
    if project is not None:
        path = Path(project)
        root = path.parent if path.name == CONFIG_NAME else path
        return root.resolve() if (root / CONFIG_NAME).is_file() else None
    start = Path.cwd().resolve()
    return next((f for f in (start, *start.parents) if (f / CONFIG_NAME).is_file()), None)


def _output_dir(root: Path, output: str | Path | None) -> Path | None:
    if output is not None:
        return Path(output).resolve()
    try:
        import yaml

        data = yaml.safe_load((root / CONFIG_NAME).read_text("utf-8"))
    except (OSError, ValueError, yaml.YAMLError):
        return None
    value = data.get("output", "output") if isinstance(data, dict) else None
    return (root / value).resolve() if isinstance(value, str) and value else None


def _key(
    root: Path,
    briefs: Sequence[str | Path] | None,
    audiences: Sequence[str] | None,
    formats: Sequence[str] | None,
    allow_hosts: Iterable[str],
) -> str:
    call = {
        "briefgen": f"{__version__} {code_digest()}",
        "cwd": os.getcwd(),  # warnings name files relative to it
        "root": str(root),
        "briefs": [str(Path(b).resolve()) for b in briefs or ()],
        "audiences": list(audiences or ()),
        "formats": list(formats or ()),
        "hosts": sorted(h.lower() for h in allow_hosts),
    }
    return hashlib.sha256(json.dumps(call, sort_keys=True).encode()).hexdigest()[:32]


def _load(out_dir: Path) -> dict[str, Any]:
    try:
        data = json.loads((out_dir / STAMPS_NAME).read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) and data.get("version") == 1 else {}


def lookup(
    project: str | Path | None,
    briefs: Sequence[str | Path] | None = None,
    audiences: Sequence[str] | None = None,
    formats: Sequence[str] | None = None,
    output: str | Path | None = None,
    allow_hosts: Iterable[str] = (),
) -> BuildResult | None:
    """The result of this build if it has nothing to do (every output ``unchanged``), from
    its stamp; None when that cannot be told this way (then run the build)."""
    started = time.perf_counter()
    root = _root(project)
    out_dir = _output_dir(root, output) if root else None
    if root is None or out_dir is None:
        return None
    stamp = (
        _load(out_dir).get("builds", {}).get(_key(root, briefs, audiences, formats, allow_hosts))
    )
    if not isinstance(stamp, dict):
        return None
    try:
        if any(_stat(path) != st for path, st in stamp["inputs"].items()):
            return None
        if any(_files(Path(f)) != names for f, names in stamp["folders"].items()):
            return None
        if any(_briefs(Path(f)) != names for f, names in stamp["briefs"].items()):
            return None
        if _packages() != stamp["packages"]:
            return None
        outputs = []
        for o in stamp["outputs"]:
            if _stat(o["path"]) != o["stat"]:
                return None
            outputs.append(
                Output(
                    Path(o["path"]),
                    o["format"],
                    o["brief"],
                    o["audience"],
                    o["stat"][0],
                    o["pages"],
                    o["slides"],
                    status="unchanged",
                )
            )
        warnings = [str(w) for w in stamp["warnings"]]
    except (KeyError, TypeError, IndexError):  # a stamp from another version: not trusted
        return None
    return BuildResult(outputs, warnings, time.perf_counter() - started)


def record(
    plan: Plan,
    result: BuildResult,
    project: str | Path | None,
    briefs: Sequence[str | Path] | None = None,
    audiences: Sequence[str] | None = None,
    formats: Sequence[str] | None = None,
    allow_hosts: Iterable[str] = (),
) -> None:
    """After a build, stamp it if every output was written or kept; else forget its stamp."""
    from briefgen.output import Manifest

    ws = plan.workspace
    root = _root(project)
    if root is None or root != ws.root:
        return
    key = _key(root, briefs, audiences, formats, allow_hosts)
    data = _load(plan.output_dir)
    builds: dict[str, Any] = data.get("builds", {}) if isinstance(data.get("builds"), dict) else {}
    old = builds.pop(key, None)
    if result.exit_code == 0 and len(result.outputs) == len(plan.targets):
        inputs: dict[str, Stat] = {}
        if ws.config_file is not None:
            inputs[str(ws.config_file)] = _stat(ws.config_file)
        for lb in plan.briefs:
            inputs[str(lb.path.resolve())] = _stat(lb.path)
        folders = {ws.templates_dir.resolve()}
        for target in plan.targets:
            tset = target.job.tset
            for tree in (*tset.layers, *(t for _, t in tset.builtins)):
                if tree.root is not None:
                    folders.add(tree.root.resolve())
        listed = {str(f): _files(f) for f in sorted(folders)}
        for folder, names in listed.items():
            for name in names:
                inputs[os.path.join(folder, name)] = _stat(os.path.join(folder, name))
        manifest = Manifest.load(plan.output_dir)
        inputs[str(manifest.path)] = _stat(manifest.path)  # what briefgen owns, too
        for target in plan.targets:
            entry = manifest.entry(target.path) or {}
            for rel in entry.get("reads") or {}:
                inputs[str(ws.root / rel)] = _stat(ws.root / rel)
        outputs = [
            {
                "path": str(o.path),
                "stat": _stat(o.path),
                "format": o.format,
                "brief": o.brief,
                "audience": o.audience,
                "pages": o.pages,
                "slides": o.slides,
            }
            for o in result.outputs
        ]
        content = {} if briefs else {str(ws.content_dir.resolve()): _briefs(ws.content_dir)}
        if all(o["stat"] is not None for o in outputs):
            stamp = {
                "inputs": inputs,
                "folders": listed,
                "briefs": content,
                "packages": _packages(),
                "outputs": outputs,
                "warnings": list(result.warnings),
            }
            if isinstance(old, dict) and {k: v for k, v in old.items() if k != "at"} == stamp:
                return  # the same stamp: leave the file as it is
            builds[key] = {**stamp, "at": time.time()}
    elif old is None:
        return  # nothing to forget
    kept = sorted(builds.items(), key=lambda kv: kv[1].get("at", 0), reverse=True)[:MAX_STAMPS]
    _save(plan.output_dir, {"version": 1, "builds": dict(kept)})


def _save(out_dir: Path, data: dict[str, Any]) -> None:
    """Write the stamps file atomically; a failure to write only costs the next build time."""
    with contextlib.suppress(OSError):
        out_dir.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{STAMPS_NAME}.", suffix=".tmp", dir=out_dir)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(data, fh)
            os.replace(tmp, out_dir / STAMPS_NAME)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise

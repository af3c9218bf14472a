"""Read-only file trees that cannot be left: what templates and renderers are allowed to read.

A tree is a folder on disk (every read resolves symlinks and must stay inside it) or the
same files held in memory, which is how a render job travels to a worker on another machine.
Template loading and WeasyPrint's URL fetcher both read through trees, so "files only
inside the project and the template sets" is enforced in one place.
"""

from __future__ import annotations

import hashlib
import posixpath
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from briefgen.errors import InputError

# Files in a template set that are never shipped to renderers (editor and OS litter).
_IGNORED = (".DS_Store", "Thumbs.db")
MAX_FILE_BYTES = 50 * 1024 * 1024


def clean_relpath(rel: str) -> str | None:
    """A normalised relative POSIX path, or None if it is absolute, escapes, or is odd."""
    if not rel or "\\" in rel or "\0" in rel or rel.startswith("/") or ":" in rel.split("/")[0]:
        return None
    norm = posixpath.normpath(rel)
    if norm in (".", "..") or norm.startswith("../"):
        return None
    return norm


@dataclass(frozen=True)
class FileTree:
    """Files under one root. ``label`` names the tree in messages (``templates/default``).

    ``within`` is the folder every read must stay in after symlinks are resolved: by
    default the root itself. A project's template sets use the project folder, so a
    ``templates/default`` that is itself a symlink to ``~/.ssh`` cannot be read through.
    """

    label: str
    root: Path | None = None
    files: dict[str, bytes] | None = field(default=None, repr=False)
    within: Path | None = None
    links: bool = True
    """False for template sets: a symlink anywhere on the way to a file is refused, even
    one that stays inside the project (``raw.txt -> ../../content/brief.yaml`` would let a
    template include the brief whole, excluded points and all)."""
    excluded: tuple[Path, ...] = ()
    """Real folders (or files) never read through this tree, wherever a path or link leads:
    the project's content and output, so a renderer sees the brief only as the audience's
    view and never another audience's built files."""

    def _disk_path(self, rel: str, *, strict: bool = False) -> Path | None:
        """The real path of ``rel`` if it is a file inside the tree, else None; ``strict``
        raises :class:`InputError` for a file that exists but may not be read (a symlink
        out, a link in a template set, an excluded folder), so a refused file is an error
        rather than silently another layer's file."""
        assert self.root is not None
        path = self.root / rel
        try:
            real = path.resolve(strict=True)
        except (OSError, RuntimeError):  # missing, a broken symlink, or a symlink loop
            return None
        bound = (self.within or self.root).resolve()
        refusal = ""
        if not real.is_relative_to(bound):
            refusal = f"leads outside {_folder(self.within, self.label)} (a symlink?)"
        elif not self.links and _has_link(self._link_top(path), path):
            refusal = "is or passes through a symlink; template sets may hold only their own files"
        elif any(real.is_relative_to(x) for x in self.excluded):
            refusal = "is among the project's briefs or built files, which templates cannot read"
        if refusal:
            if strict:
                raise InputError(f"{self.label}/{rel}: {refusal}; briefgen does not read it")
            return None
        return real if real.is_file() else None

    def _link_top(self, path: Path) -> Path:
        """Where the search for symlinks on the way to ``path`` starts: the folder reads are
        bound to (so a set folder that is itself a link counts), or the tree's root when
        ``path`` is not spelled below it (a project reached through a linked parent)."""
        assert self.root is not None
        if self.within is not None and path.is_relative_to(self.within):
            return self.within
        return self.root

    def read(self, rel: str) -> bytes | None:
        """The bytes of ``rel``, or None when it is not a file inside this tree.

        Raises :class:`InputError` when ``rel`` is a symlink to a file outside the tree.
        """
        norm = clean_relpath(rel)
        if norm is None:
            return None
        if self.files is not None:
            return self.files.get(norm)
        real = self._disk_path(norm, strict=True)
        if real is None or real.stat().st_size > MAX_FILE_BYTES:
            return None
        return real.read_bytes()

    def exists(self, rel: str) -> bool:
        """True when ``rel`` is a file inside this tree; raises like :meth:`read`."""
        norm = clean_relpath(rel)
        if norm is None:
            return False
        if self.files is not None:
            return norm in self.files
        return self._disk_path(norm, strict=True) is not None

    def listing(self) -> list[str]:
        """Every file in the tree (relative POSIX paths, sorted); symlinks out are skipped."""
        if self.files is not None:
            return sorted(self.files)
        return [rel for rel, _real in self._on_disk()]

    def _on_disk(self) -> list[tuple[str, Path]]:
        """Every file of a tree on disk, with its real path (see :meth:`listing`)."""
        if self.root is None or not self.root.is_dir():
            return []
        out = []
        for path in sorted(self.root.rglob("*")):
            rel = path.relative_to(self.root).as_posix()
            if path.name in _IGNORED or "__pycache__" in rel:
                continue
            real = self._disk_path(rel)
            if real is not None:
                out.append((rel, real))
        return out

    def in_memory(self, only: list[str] | None = None) -> FileTree:
        """The same tree with its files loaded: what a remote worker receives."""
        names = self.listing() if only is None else [n for n in only if self.exists(n)]
        return FileTree(self.label, None, {n: self.read(n) or b"" for n in names})

    def digest(self) -> str:
        """A hash of every file's name and content: changes when anything in the tree does."""
        h = hashlib.sha256()
        if self.files is not None:
            hashes = [(rel, hashlib.sha256(self.files[rel]).digest()) for rel in self.listing()]
        else:
            hashes = [(rel, _content_hash(real)) for rel, real in self._on_disk()]
        for rel, file_hash in hashes:
            h.update(rel.encode() + b"\0" + file_hash)
        return h.hexdigest()


# The sha256 of files hashed before, by what ``stat`` says of them. Every build hashes the
# template sets it uses (fonts and reference decks: 17 ms of a watch session's 28 ms of
# preparing after each save); a file is read again only when it has changed, and ``st_ctime``
# changes with every write, whatever the file's modification time is set to afterwards.
_HASHES: dict[tuple[str, int, int, int, int, int], bytes] = {}
_HASHES_KEPT = 4096


def _content_hash(real: Path) -> bytes:
    """sha256 of the file at ``real`` (of nothing if it is over the size limit, as it is
    then never read)."""
    try:
        st = real.stat()
    except OSError:
        return hashlib.sha256(b"").digest()
    key = (str(real), st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)
    found = _HASHES.get(key)
    if found is None:
        try:
            data = real.read_bytes() if st.st_size <= MAX_FILE_BYTES else b""
        except OSError:
            data = b""
        if len(_HASHES) >= _HASHES_KEPT:
            _HASHES.clear()
        found = _HASHES[key] = hashlib.sha256(data).digest()
    return found


def _has_link(top: Path, path: Path) -> bool:
    """True if ``path`` or any folder between ``top`` and it is a symlink."""
    try:
        parts = path.relative_to(top).parts
    except ValueError:
        return True
    current = top
    for part in parts:
        current = current / part
        if current.is_symlink():
            return True
    return False


def _folder(within: Path | None, label: str) -> str:
    return "the project folder" if within is not None or label == "project" else label


def walk_files(trees: tuple[FileTree, ...]) -> Iterator[tuple[str, FileTree]]:
    """Each relative path once, from the first tree that has it (the search-path order)."""
    seen: set[str] = set()
    for tree in trees:
        for rel in tree.listing():
            if rel not in seen:
                seen.add(rel)
                yield rel, tree

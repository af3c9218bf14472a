"""Find a project, read its ``briefgen.yaml`` and its briefs: the load-and-validate stage.

A project is a folder with a ``briefgen.yaml``, found from the working directory upwards
like git finds its repository. Everything is read and validated before anything is
rendered, and every problem in every file is reported together.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from briefgen.content.validate import validate
from briefgen.content.yamlsource import Document, load_file
from briefgen.errors import InputError, Problem, ValidationFailed
from briefgen.model import Brief, Project
from briefgen.output import slugify

CONFIG_NAME = "briefgen.yaml"


@dataclass(frozen=True)
class Workspace:
    """A project on disk: its root folder and validated config."""

    root: Path
    config: Project
    config_file: Path | None
    warnings: tuple[Problem, ...] = ()
    folder_problems: dict[str, Problem] = field(default_factory=dict)
    """Why the config's ``content:`` or ``output:`` folder may not be used, by key. Raised
    when the folder is asked for, so ``-o DIR`` or brief files named on the command line
    (the user's own say) work around a config that points elsewhere."""

    @property
    def content_dir(self) -> Path:
        """The config's content folder, inside the project (see :func:`_folder_problems`)."""
        self._refuse("content")
        return self.root / self.config.content

    @property
    def output_dir(self) -> Path:
        """The config's output folder, inside the project and apart from its inputs."""
        self._refuse("output")
        return self.root / self.config.output

    def _refuse(self, key: str) -> None:
        if key in self.folder_problems:
            raise ValidationFailed([self.folder_problems[key]])

    @property
    def templates_dir(self) -> Path:
        return self.root / "templates"

    def display(self, path: Path) -> str:
        return display_path(path)

    def brief_files(self) -> list[Path]:
        """The briefs of the project: ``content/*.yaml`` (and ``.yml``), sorted by name."""
        if not self.content_dir.is_dir():
            raise InputError(f"{self.display(self.content_dir)}: content folder not found")
        files = sorted(
            p for p in self.content_dir.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file()
        )
        if not files:
            raise InputError(f"{self.display(self.content_dir)}: no briefs (*.yaml) found")
        return files


@dataclass(frozen=True)
class LoadedBrief:
    """A validated brief and where it came from; ``id`` is its file name without extension."""

    id: str
    path: Path
    brief: Brief
    warnings: tuple[Problem, ...] = field(default=())


def find_root(start: Path) -> Path | None:
    """The nearest folder at or above ``start`` that holds a ``briefgen.yaml``."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / CONFIG_NAME).is_file():
            return folder
    return None


def open_workspace(project: Path | str | None = None) -> Workspace:
    """Load the project at ``project`` (a folder or its ``briefgen.yaml``), else the nearest."""
    if project is not None:
        path = Path(project)
        root = path.parent if path.name == CONFIG_NAME else path
        if not (root / CONFIG_NAME).is_file():
            raise InputError(
                f"{root}: no {CONFIG_NAME} here; create a project with 'briefgen init'"
            )
    else:
        found = find_root(Path.cwd())
        if found is None:
            raise InputError(
                f"no {CONFIG_NAME} in {Path.cwd()} or any parent folder; "
                "run 'briefgen init' to create a project"
            )
        root = found
    root = root.resolve()
    config_file = root / CONFIG_NAME
    doc = load_file(config_file, display_path(config_file))
    config = validate(doc, Project)
    _check_template_names(doc, config, root / "templates")
    _check_languages(doc, config, root / "templates")
    folders = _folder_problems(doc, config, root)
    return Workspace(root, config, config_file, tuple(doc.warnings), folders)


def _folder_problems(doc: Document, config: Project, root: Path) -> dict[str, Problem]:
    """What is wrong with the config's ``content:`` and ``output:`` folders.

    ``briefgen.yaml`` comes from colleagues like the rest of the project. An absolute or
    ``../`` output folder would let it write files anywhere the user can, an outside content
    folder would build another project's brief; an output folder among the templates or the
    content would put one audience's rendered files where another audience's templates can
    read them. Paths are resolved (symlinks followed) before they are compared.
    """
    templates = (root / "templates").resolve()
    content = (root / config.content).resolve()
    output = (root / config.output).resolve()
    how = "name a folder inside the project"
    found: dict[str, str] = {}
    if not content.is_relative_to(root):
        found["content"] = (
            f"'{config.content}' is outside the project folder; {how}, "
            "or name the brief files on the command line"
        )
    elif content.is_relative_to(templates):
        found["content"] = (
            f"'{config.content}' is inside the templates folder, where templates could "
            "include a brief whole; keep briefs out of templates/"
        )
    if not output.is_relative_to(root):
        found["output"] = (
            f"'{config.output}' is outside the project folder; {how}, "
            "or pass -o DIR on the command line"
        )
    elif output == root or output.is_relative_to(templates) or output.is_relative_to(content):
        found["output"] = (
            f"'{config.output}' would put built files among the project's templates or "
            "content, where templates could read them; use a folder of its own, such as 'output'"
        )
    elif content.is_relative_to(output) or templates.is_relative_to(output):
        found["output"] = (
            f"'{config.output}' holds the project's templates or content; "
            "use a folder of its own, such as 'output'"
        )
    return {key: doc.source.problem((key,), message) for key, message in found.items()}


def _check_languages(doc: Document, config: Project, templates: Path) -> None:
    """Every ``lang`` the config sets has messages in the template set it is used with:
    reported at its line, with the languages there are. (A brief's own ``lang`` is checked
    when the build is planned, where brief and audience meet.)"""
    from briefgen.messages import catalogue
    from briefgen.templates import load_set

    asked = [(("lang",), config.lang, config.template)] if "lang" in config.model_fields_set else []
    asked += [
        (("audiences", name, "lang"), a.lang, a.template or config.template)
        for name, a in config.audiences.items()
        if a.lang
    ]
    problems = []
    sets = {name: load_set(name, templates) for name in {set_name for _, _, set_name in asked}}
    for loc, lang, set_name in asked:
        try:
            catalogue(sets[set_name], lang)
        except InputError as exc:
            problems.append(doc.source.problem(loc, str(exc)))
    if problems:
        raise ValidationFailed(problems)


def _check_template_names(doc: Document, config: Project, templates: Path) -> None:
    """Every template set the config names exists: reported at its line, like any typo."""
    from briefgen.templates import available_sets

    known = available_sets(templates)
    named = [(("template",), config.template)] + [
        (("audiences", name, "template"), a.template)
        for name, a in config.audiences.items()
        if a.template
    ]
    problems = [
        doc.source.problem(loc, f"unknown template set '{set_name}'; available: {', '.join(known)}")
        for loc, set_name in named
        if set_name not in known
    ]
    if problems:
        raise ValidationFailed(problems)


def display_path(path: Path) -> str:
    """How a path is shown in messages: relative to the working directory, as users type it."""
    try:
        return os.path.relpath(path)
    except ValueError:  # pragma: no cover - another drive on Windows
        return str(path)


def brief_id(path: Path) -> str:
    """A brief's id: its file name, lower-cased, with anything but letters/digits as '-'."""
    return slugify(path.stem)


def load_briefs(ws: Workspace, paths: list[Path] | None = None) -> list[LoadedBrief]:
    """Load and validate briefs (all of the project's by default), reporting all problems."""
    # The same file named twice (or by two spellings of its path) is built once.
    files = list(dict.fromkeys(p.resolve() for p in paths)) if paths else ws.brief_files()
    problems: list[Problem] = []
    loaded: list[LoadedBrief] = []
    ids: dict[str, Path] = {}
    for path in files:
        name = ws.display(path)
        try:
            doc = load_file(path, name)
            brief = validate(doc, Brief)
        except ValidationFailed as exc:
            problems.extend(exc.problems)
            continue
        ident = brief_id(path)
        if ident in ids:
            problems.append(
                Problem(
                    name,
                    0,
                    0,
                    f"brief id '{ident}' is also the id of "
                    f"{ws.display(ids[ident])}; rename one of the files",
                )
            )
            continue
        ids[ident] = path
        loaded.append(LoadedBrief(ident, path, brief, tuple(doc.warnings)))
    if problems:
        raise ValidationFailed(problems)
    return loaded

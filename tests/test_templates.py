"""Template sets: the search path, extends, the sandbox, errors with template:line, and the
deck template's quoting that keeps content from changing the slide plan."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from support import FORMAL_READY, make_brief, make_project

from briefgen.audience import select
from briefgen.errors import InputError, TemplateError
from briefgen.files import FileTree
from briefgen.render import RenderJob
from briefgen.render.html import render_html
from briefgen.templates import (
    available_sets,
    compile_check,
    css_string,
    load_set,
    long_date,
    make_env,
    yaml_value,
)


@pytest.fixture
def templates(tmp_path: Path) -> Path:
    """An empty ``templates/`` folder of a project."""
    folder = tmp_path / "templates"
    folder.mkdir()
    return folder


def write(folder: Path, rel: str, text: str) -> Path:
    path = folder / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, "utf-8")
    return path


def render_brief(templates: Path, brief=None, set_name: str = "default") -> str:
    view = select(brief or make_brief(), "b", "all", make_project())
    tset = load_set(set_name, templates)
    return render_html(RenderJob(view, tset, FileTree("project", templates.parent), "html"), "html")


# ---------------------------------------------------------------- search path


def test_project_override_beats_the_builtin_file_by_file(templates: Path):
    write(templates, "default/brief.css.j2", "/* project stylesheet */\n")
    tset = load_set("default", templates)
    assert tset.find("brief.css.j2").label == "templates/default"
    assert tset.find("brief.html.j2").label == "builtin:default"  # not overridden
    out = render_brief(templates)
    assert "/* project stylesheet */" in out
    assert "@page" not in out  # the built-in stylesheet is not used
    assert "<h1>Test brief</h1>" in out  # the built-in brief.html.j2 still is


def test_extends_a_builtin_template_from_a_project_override(templates: Path):
    write(
        templates,
        "default/brief.html.j2",
        '{% extends "!default/brief.html.j2" %}\n'
        '{% block summary %}<p class="custom">Custom summary</p>{% endblock %}\n',
    )
    out = render_brief(templates)
    assert '<p class="custom">Custom summary</p>' in out
    assert "Bottom line" not in out  # the block it replaced
    assert "<h1>Test brief</h1>" in out  # the rest comes from the built-in
    assert out.count("<!DOCTYPE html>") == 1


def test_a_project_set_extends_a_builtin_set(templates: Path):
    write(templates, "mine/template.yaml", "description: Mine\nextends: default\n")
    write(templates, "mine/brief.css.j2", "/* mine */\n")
    tset = load_set("mine", templates)
    assert [t.label for t in tset.layers] == ["templates/mine", "builtin:default"]
    assert tset.settings.description == "Mine"
    assert "/* mine */" in render_brief(templates, set_name="mine")


def test_extends_in_a_circle_is_an_error(templates: Path):
    write(templates, "a/template.yaml", "extends: b\n")
    write(templates, "b/template.yaml", "extends: a\n")
    with pytest.raises(InputError, match=r"'extends' goes round in a circle \(a -> b -> a\)"):
        load_set("a", templates)


def test_unknown_set_lists_the_available_ones(templates: Path):
    with pytest.raises(InputError) as info:
        load_set("nosuch", templates)
    assert str(info.value).startswith("unknown template set 'nosuch'; available: default")


def test_available_sets_marks_project_sets_and_overrides(templates: Path):
    write(templates, "default/brief.css.j2", "")
    write(templates, "mine/template.yaml", "extends: default\n")
    sets = available_sets(templates)
    assert sets["default"] == "project override"
    assert sets["mine"] == "project"
    if FORMAL_READY:
        assert sets["formal"] == "built-in"


def test_broken_settings_file_is_reported_with_its_position(templates: Path):
    write(templates, "mine/template.yaml", "extends: default\nprimary: navy\n")
    with pytest.raises(InputError) as info:
        load_set("mine", templates)
    assert str(info.value) == (
        "templates/mine/template.yaml:2:10: primary: 'navy' is not a colour; write it as #RRGGBB"
    )


# ---------------------------------------------------------------- errors and the sandbox


def test_include_of_a_parent_path_is_refused_with_template_and_line(templates: Path):
    write(templates, "secret.txt", "the secret")
    write(templates, "default/brief.html.j2", "<p>\n{% include '../secret.txt' %}\n")
    with pytest.raises(TemplateError) as info:
        render_brief(templates)
    assert str(info.value) == (
        "templates/default/brief.html.j2:2: template '../secret.txt' not found inside the "
        "template folders (looked in templates/default, builtin:default)"
    )


@pytest.mark.parametrize("name", ["/etc/passwd", "../../briefgen.yaml", "!default/../../x"])
def test_include_cannot_leave_the_template_folders(templates: Path, name: str):
    write(templates, "default/brief.html.j2", f"{{% include '{name}' %}}\n")
    with pytest.raises(TemplateError, match=r"^templates/default/brief\.html\.j2:1: template"):
        render_brief(templates)


def test_a_process_compiles_a_template_once_and_again_after_an_edit(templates: Path, monkeypatch):
    """Warm workers and watch keep compiled templates; an edited file is compiled anew."""
    import briefgen.templates as templates_module

    compiled: list[str] = []
    original = templates_module._Sandbox.compile

    def counting(self, source, name=None, filename=None, *args, **kwargs):
        compiled.append(name)
        return original(self, source, name, filename, *args, **kwargs)

    monkeypatch.setattr(templates_module._Sandbox, "compile", counting)
    write(templates, "default/brief.html.j2", "<p>cache test one {{ brief.title }}</p>\n")
    assert "cache test one Test brief" in render_brief(templates)
    assert compiled == ["brief.html.j2"]
    assert "cache test one Test brief" in render_brief(templates)
    assert compiled == ["brief.html.j2"]  # the second render reuses the compiled code
    write(templates, "default/brief.html.j2", "<p>cache test two {{ brief.title }}</p>\n")
    assert "cache test two Test brief" in render_brief(templates)
    assert compiled == ["brief.html.j2"] * 2


def test_a_tree_digest_reads_a_file_again_only_when_it_changed(tmp_path: Path, monkeypatch):
    """Digests are taken at every build (of a watch session too): unchanged files are not
    read again, and a changed file is, even when its size and modification time are put
    back as they were."""
    import os

    reads: list[str] = []
    original = Path.read_bytes

    def counting(self):
        reads.append(self.name)
        return original(self)

    monkeypatch.setattr(Path, "read_bytes", counting)
    (tmp_path / "a.css").write_text("a { color: red }")
    (tmp_path / "b.css").write_text("b { color: red }")
    tree = FileTree("t", tmp_path)
    first = tree.digest()
    assert sorted(reads) == ["a.css", "b.css"]
    assert FileTree("t", tmp_path).digest() == first
    assert sorted(reads) == ["a.css", "b.css"]  # nothing read again

    st = (tmp_path / "a.css").stat()
    (tmp_path / "a.css").write_text("a { color: tan }")  # the same size
    os.utime(tmp_path / "a.css", ns=(st.st_atime_ns, st.st_mtime_ns))
    second = tree.digest()
    assert second != first
    assert sorted(reads) == ["a.css", "a.css", "b.css"]
    in_memory = FileTree("t", None, {"a.css": b"a { color: tan }", "b.css": b"b { color: red }"})
    assert in_memory.digest() == second


def test_undefined_variable_names_template_and_line(templates: Path):
    write(templates, "default/brief.html.j2", "<p>{{ brief.title }}</p>\n\n<p>{{ nope }}</p>\n")
    with pytest.raises(TemplateError) as info:
        render_brief(templates)
    assert re.fullmatch(
        r"templates/default/brief\.html\.j2:3: undefined: .*'nope'.*", str(info.value)
    )


def test_undefined_attribute_is_an_error_not_an_empty_string(templates: Path):
    write(templates, "default/brief.html.j2", "{{ brief.titel }}\n")
    with pytest.raises(TemplateError, match=r"brief\.html\.j2:1: undefined: .*'titel'"):
        render_brief(templates)


@pytest.mark.parametrize(
    "expression, attribute",
    [
        ("''.__class__", "__class__"),
        ("''.__class__.__mro__", "__class__"),
        ("brief.model_dump()", "model_dump"),
        ("cycler.__init__.__globals__", "__init__"),
        ("brief.title | attr('__class__')", "__class__"),
    ],
)
def test_sandbox_refuses_python_internals(templates: Path, expression: str, attribute: str):
    write(templates, "default/brief.html.j2", f"<p>\n{{{{ {expression} }}}}\n")
    with pytest.raises(TemplateError) as info:
        render_brief(templates)
    message = str(info.value)
    assert message.startswith("templates/default/brief.html.j2:2: not allowed in a template: ")
    assert f"'{attribute}'" in message


def test_syntax_error_is_found_before_rendering(templates: Path):
    write(templates, "default/brief.html.j2", "<p>\n{% if %}\n")
    with pytest.raises(TemplateError) as info:
        compile_check(load_set("default", templates), "html")
    assert str(info.value).startswith("templates/default/brief.html.j2:2: ")


def test_content_is_html_escaped(templates: Path):
    brief = make_brief(title="<script>alert(1)</script> & co", summary="<b>not bold</b>")
    out = render_brief(templates, brief)
    assert "<script>alert" not in out
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in out
    assert "&lt;b&gt;not bold&lt;/b&gt;" in out


def test_none_prints_as_nothing_in_html(templates: Path):
    write(templates, "default/brief.html.j2", "[{{ brief.subtitle }}]\n")
    assert render_brief(templates).strip() == "[]"


# ---------------------------------------------------------------- the deck template's quoting


@pytest.mark.parametrize(
    "value",
    [
        "Energy: a plan",
        "line one\nline two",
        "Energy\n- kind: title\n  title: injected",
        "{a: 1}",
        "[1, 2]",
        "'single' \"double\"",
        "NO",
        "12:30",
        "# not a comment",
        "&anchor *alias !!python/object:os.system",
    ],
)
def test_deck_finalize_quotes_every_value_so_content_cannot_change_the_plan(value: str):
    env = make_env(load_set("default", None), "deck")
    plan = env.from_string("slides:\n- kind: bullets\n  title: {{ value }}\n  n: 1\n").render(
        value=value
    )
    assert yaml.safe_load(plan) == {"slides": [{"kind": "bullets", "title": value, "n": 1}]}


def test_deck_finalize_keeps_structure_of_lists_numbers_and_dates():
    import datetime as dt

    assert yaml_value(["a: b", 1, None]) == '["a: b", 1, null]'
    assert yaml_value(dt.date(2008, 2, 19)) == '"2008-02-19"'
    assert yaml_value(None) == "null"


def test_slide_plan_keeps_hostile_titles_as_titles():
    from briefgen.render.deck.plan import slide_plan

    title = "Energy: the plan\n- kind: closing\n  title: injected"
    brief = make_brief(
        title="Brief: with a colon",
        sections=[{"id": "a", "title": title, "points": ["Point: with a colon."]}],
    )
    view = select(brief, "b", "all", make_project())
    job = RenderJob(view, load_set("default", None), FileTree("project", Path(".")), "pptx")
    plan = slide_plan(job)
    kinds = [s.kind for s in plan.slides]
    assert kinds.count("closing") == 1
    assert plan.slides[0].title == "Brief: with a colon"
    bullets = next(s for s in plan.slides if s.kind == "bullets")
    assert bullets.title == " ".join(title.split())  # a title is one line (briefgen.model.Line)
    assert str(bullets.bullets[0].text) == "Point: with a colon."


# ---------------------------------------------------------------- filters


def test_long_date_and_css_string():
    import datetime as dt

    assert long_date(dt.date(2008, 2, 19)) == "19 February 2008"
    assert long_date("2026-11-23") == "23 November 2026"
    assert long_date("June 2021") == "June 2021"
    assert long_date(None) == ""
    assert str(css_string('A "B"</style>\n')) == '"A \\22 B\\22 \\3c /style\\3e \\a "'


# ---------------------------------------------------------------- only the sets' own files


def test_a_symlink_inside_the_project_is_refused_in_a_template_set(templates: Path):
    brief = write(templates.parent, "content/brief.yaml", "title: SECRETPOINT\n")
    write(
        templates,
        "default/brief.html.j2",
        '{% extends "!default/brief.html.j2" %}{% block summary %}'
        '{% include "raw.txt" %}{% endblock %}',
    )
    (templates / "default" / "raw.txt").symlink_to(brief)
    with pytest.raises(TemplateError) as info:
        render_brief(templates)
    assert "templates/default/raw.txt: is or passes through a symlink" in str(info.value)


def test_a_linked_folder_inside_a_set_is_refused(templates: Path):
    write(templates.parent, "content/brief.yaml", "title: SECRETPOINT\n")
    (templates / "default").mkdir()
    (templates / "default" / "briefs").symlink_to(templates.parent / "content")
    tree = load_set("default", templates).layers[0]
    with pytest.raises(InputError, match="passes through a symlink"):
        tree.read("briefs/brief.yaml")
    assert "briefs/brief.yaml" not in tree.listing()


def test_a_project_reached_through_a_linked_parent_still_reads_its_templates(tmp_path: Path):
    write(tmp_path / "real", "templates/default/brief.css.j2", "/* mine */")
    (tmp_path / "link").symlink_to(tmp_path / "real")
    tset = load_set("default", tmp_path / "link" / "templates")
    assert tset.read("brief.css.j2") == b"/* mine */"


def test_the_project_tree_never_serves_briefs_config_or_outputs(tmp_path: Path):
    write(tmp_path, "content/brief.yaml", "title: x\n")
    write(tmp_path, "output/brief/desk.html", "<p>desk</p>")
    write(tmp_path, "logo.svg", "<svg/>")
    excluded = (tmp_path / "content", tmp_path / "output")
    tree = FileTree("project", tmp_path, excluded=excluded)
    assert tree.read("logo.svg") == b"<svg/>"
    for rel in ("content/brief.yaml", "output/brief/desk.html"):
        with pytest.raises(InputError, match="among the project's briefs or built files"):
            tree.read(rel)

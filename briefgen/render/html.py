"""The brief as HTML: the template set's ``brief.html.j2`` filled with one audience's view.

The same HTML feeds WeasyPrint (target ``pdf``) and the standalone preview file (target
``html``). For the PDF, assets are virtual ``file:`` URLs that only briefgen's fetcher can
resolve; for the standalone file they are inlined as ``data:`` URIs, so the page can be
mailed or opened anywhere without reaching for anything.
"""

from __future__ import annotations

import base64
import mimetypes
from typing import Any, Literal
from urllib.parse import quote

from markupsafe import Markup

from briefgen import __version__
from briefgen.errors import InputError
from briefgen.model import ChartFigure
from briefgen.render import RenderJob
from briefgen.render.charts import chart_svg
from briefgen.render.figurespec import cell_text, format_number
from briefgen.render.images import check_image
from briefgen.render.policy import enforce
from briefgen.templates import HTML_TEMPLATE, make_env, render

TEMPLATE_BASE = "file:///briefgen-template/"
PROJECT_BASE = "file:///briefgen-project/"
Target = Literal["pdf", "html"]

mimetypes.add_type("font/otf", ".otf")
mimetypes.add_type("font/ttf", ".ttf")
mimetypes.add_type("font/woff2", ".woff2")


def theme_of(job: RenderJob) -> dict[str, Any]:
    """The audience's theme with the template set's defaults filled in."""
    s = job.tset.settings
    t = job.view.theme
    return {
        "primary": t.primary or s.primary,
        "accent": t.accent or s.accent,
        "font": t.font or s.font,
        "logo": t.logo,
        "logo_alt": t.logo_alt or "Logo",
    }


def plan_context(job: RenderJob) -> dict[str, Any]:
    """What the plan templates (``deck.yaml.j2``, ``document.yaml.j2``) see: the audience's
    view and nothing else of the project."""
    return {
        "brief": job.view,
        "audience": job.view.audience,
        "theme": theme_of(job),
        "classification": job.view.classification,
        "settings": job.tset.settings,
    }


def chart_colors(job: RenderJob) -> tuple[str, ...]:
    """Series colours for charts in the brief and the deck: theme colours, then the set's."""
    theme = theme_of(job)
    return tuple(
        dict.fromkeys((theme["primary"], theme["accent"], *job.tset.settings.chart.colors))
    )


def render_html(job: RenderJob, target: Target) -> str:
    """The brief's HTML for ``target``; template problems raise ``TemplateError``."""
    theme = theme_of(job)
    env = make_env(job.tset, "html", _globals(job, target, theme), job.view.lang)
    context = {
        "brief": job.view,
        "audience": job.view.audience,
        "theme": theme,
        "classification": job.view.classification,
        "target": target,
        "settings": job.tset.settings,
        "generator": f"briefgen {__version__}",
    }
    return render(env, HTML_TEMPLATE, context, job.options.template_seconds)


def html_file(job: RenderJob) -> tuple[bytes, list[str]]:
    """The standalone HTML file: the brief for target ``html`` with the policy of
    :mod:`briefgen.render.policy` enforced on its parsed tree; and what that removed."""
    html, removed = enforce(render_html(job, target="html"), job.options.allow_hosts)
    warnings = (
        [
            "removed from the HTML file, which may not run script, fetch or link outside: "
            + ", ".join(removed[:5])
            + (f" and {len(removed) - 5} more" if len(removed) > 5 else "")
        ]
        if removed
        else []
    )
    return html.encode("utf-8"), warnings


def _globals(job: RenderJob, target: Target, theme: dict[str, Any]) -> dict[str, Any]:
    colors = chart_colors(job)

    def asset(rel: str) -> str:
        """URL of a template-set file (font, image, stylesheet)."""
        if target == "pdf":
            return TEMPLATE_BASE + quote(rel)
        return _data_uri(rel, job.tset.read(rel))

    def project_asset(rel: str) -> str:
        """URL of a project file (a logo); checked to be the image it claims to be."""
        data = job.project.read(rel)
        if data is None:
            raise InputError(f"{rel}: not found inside the project folder")
        check_image(rel, data)
        return PROJECT_BASE + quote(rel) if target == "pdf" else _data_uri(rel, data)

    def chart(figure: ChartFigure) -> Markup:
        settings = job.tset.settings.chart
        return Markup(chart_svg(figure, colors, settings.font, (settings.width, settings.height)))

    return {
        "asset": asset,
        "project_asset": project_asset,
        "chart_svg": chart,
        "cell_text": cell_text,
        "format_number": format_number,
    }


def _data_uri(rel: str, data: bytes) -> str:
    mime = mimetypes.guess_type(rel)[0] or "application/octet-stream"
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"

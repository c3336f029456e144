"""Render the report view to one self-contained HTML document (also the input of the PDF).

Autoescaping is on for every template and undefined names fail loudly. The stylesheet is the only
string marked safe: it is a static file of the template package, never data.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from assessor.report.view import ReportView

TEMPLATE_PACKAGE = "ir_assessor_templates"
REPORT_TEMPLATE = "report.html.j2"
STYLESHEET = "report.css"


@cache
def environment() -> Environment:
    return Environment(
        loader=PackageLoader(TEMPLATE_PACKAGE, "."),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
    )


@cache
def stylesheet() -> Markup:
    css = resources.files(TEMPLATE_PACKAGE).joinpath(STYLESHEET).read_text(encoding="utf-8")
    # The sheet is inlined in <style>; "</" could close that element early, "url(" could fetch something.
    for forbidden in ("</", "url(", "@import"):
        if forbidden in css.lower():
            raise ValueError(f"{STYLESHEET} must not contain {forbidden!r}")
    return Markup(css)  # noqa: S704 - a static package file, never data


def render_html(view: ReportView) -> str:
    return environment().get_template(REPORT_TEMPLATE).render(view=view, css=stylesheet())

"""The brief as Markdown (for e-mail and wikis): the same context as the HTML, tables as pipe
tables, no charts."""

from __future__ import annotations

from app.brief.data import BriefData
from app.brief.render import context, environment


def render_markdown(d: BriefData) -> str:
    env = environment().overlay(autoescape=False)
    return env.get_template("brief.md.j2").render(**context(d))

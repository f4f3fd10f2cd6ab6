"""Safe HTML for question texts: Markdown without raw HTML, and sanitised GIFT `[html]`.

Templates may mark the result of `render_text` as safe; nothing else from content or users is.
"""

from __future__ import annotations

import html
from functools import cache

import nh3
from markdown_it import MarkdownIt


@cache
def _parser() -> MarkdownIt:
    # "commonmark" with html=False: raw <tags> in the source are shown as text, never as markup.
    return MarkdownIt("commonmark", {"html": False}).enable("table")


def render_markdown(text: str) -> str:
    """Render Markdown to HTML; raw HTML in the text is escaped and unsafe links are dropped."""
    return _parser().render(text)


def render_text(text: str, text_format: str = "markdown") -> str:
    """Render a question or feedback text in its format to HTML that is safe to embed.

    `markdown` goes through Markdown (raw HTML off); `html` (GIFT `[html]`) is sanitised with
    nh3; `moodle` (GIFT's default auto-format) keeps its line breaks and is sanitised; `plain`
    is escaped. Raises ValueError for an unknown format.
    """
    if text_format == "markdown":
        return render_markdown(text)
    if text_format == "html":
        return nh3.clean(text)
    if text_format == "moodle":
        return nh3.clean(text.replace("\n", "<br>\n"))
    if text_format == "plain":
        return "<p>" + html.escape(text).replace("\n", "<br>\n") + "</p>"
    raise ValueError(f"unknown text format {text_format!r}")

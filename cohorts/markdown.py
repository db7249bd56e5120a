"""Markdown for what people write: submissions, reviews and discussion posts. Pure: no Django, no models.

CommonMark by markdown-it-py, set up once for the whole site. The guarantee: nothing a person types adds
an element or an attribute of its own. Raw HTML is off (typed tags come out escaped); headings and images
are off (a text is not a page, and an image from elsewhere would tell a third party who reads it); a code
fence's info string does not become a ``class``; link titles are dropped; the only links are ``http``,
``https`` and ``mailto`` addresses, and every link carries ``rel="nofollow ugc noopener"``.

Written for people typing into a text box rather than for programmers: a single line break stays a line
break (``breaks``), so texts written in the earlier light markup keep their shape; an indented line is
text, not a code block (pasted text is often indented; code goes between backticks or in a ``` fence);
addresses are linked when they start with a scheme or ``www.``, and e-mail addresses, but a name like
``plan.md`` or ``notes.py`` stays text although ``.md`` and ``.py`` are country domains.

Callers that add links of their own (mentions) edit the tokens between ``parse`` and ``render_tokens``;
a link token they make may carry ``meta[LINK_CLASS]``, the one class a link can have. The parser never
sets it, so it never comes from what was typed.
"""

from __future__ import annotations

from linkify_it import LinkifyIt
from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.token import Token

LINK_REL = "nofollow ugc noopener"
ALLOWED_SCHEMES = ("http://", "https://", "mailto:")
#: The key in a link token's ``meta`` for its class; set only by code, never by the parser.
LINK_CLASS = "link_class"


class _AddressFinder(LinkifyIt):
    """Bare addresses to link: any with a scheme, e-mail addresses, and host names that start with ``www.``."""

    def match(self, text):
        found = [m for m in super().match(text) or [] if m.schema or m.text.lower().startswith("www.")]
        return found or None


def _validate_link(url: str) -> bool:
    return url.strip().lower().startswith(ALLOWED_SCHEMES)


def _link_open(renderer, tokens, idx, options, env) -> str:
    token = tokens[idx]
    href = token.attrGet("href") or ""
    css_class = token.meta.get(LINK_CLASS)
    classes = f' class="{escapeHtml(css_class)}"' if css_class else ""
    return f'<a href="{escapeHtml(href)}"{classes} rel="{LINK_REL}">'


def _fence(renderer, tokens, idx, options, env) -> str:
    return f"<pre><code>{escapeHtml(tokens[idx].content)}</code></pre>\n"


def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": True, "breaks": True, "xhtmlOut": False})
    md.linkify = _AddressFinder()
    md.enable(["linkify", "strikethrough"])
    md.disable(["heading", "lheading", "image", "html_block", "html_inline", "code"])
    md.validateLink = _validate_link
    md.add_render_rule("link_open", _link_open)
    md.add_render_rule("fence", _fence)
    return md


_MD = _parser()


def parse(text: str) -> list[Token]:
    """The block tokens of ``text``; inline tokens hold their children."""
    return _MD.parse(text.replace("\r\n", "\n").replace("\r", "\n"))


def render_tokens(tokens: list[Token]) -> str:
    return _MD.renderer.render(tokens, _MD.options, {})


def render(text: str) -> str:
    """The text as safe HTML."""
    return render_tokens(parse(text))

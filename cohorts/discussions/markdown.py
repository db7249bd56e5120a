"""Markdown for posts (CommonMark, by markdown-it-py), with @mentions. Pure: no Django, no models.

The guarantee: nothing a person types adds an element or an attribute of its own. Raw HTML is off
(typed tags come out escaped); headings and images are off (a post is not a page, and an image from
elsewhere would tell a third party who reads the circle); a code fence's info string does not become a
``class``; link titles are dropped; the only links are ``http``, ``https`` and ``mailto`` addresses and
mentions, and every link carries ``rel="nofollow ugc noopener"``. Bare addresses become links (linkify).

``@name`` becomes a link to that person's profile only when ``name`` is one of the usernames the caller
passes (the circle's members); any other ``@word`` stays plain text.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from dataclasses import dataclass, field

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.token import Token

LINK_REL = "nofollow ugc noopener"
ALLOWED_SCHEMES = ("http://", "https://", "mailto:")
MENTION = re.compile(r"(?<![\w@/.])@([\w.+-]*\w)")


@dataclass
class Rendered:
    html: str
    #: Usernames that were mentioned and are in the allowed set, in order of first mention.
    mentions: list[str] = field(default_factory=list)


def _validate_link(url: str) -> bool:
    return url.strip().lower().startswith(ALLOWED_SCHEMES)


def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": True, "typographer": False})
    md.enable("linkify")
    md.enable("strikethrough")
    md.disable(["heading", "lheading", "image", "html_block", "html_inline"])
    md.validateLink = _validate_link

    def link_open(renderer, tokens, idx, options, env):
        token = tokens[idx]
        href = token.attrGet("href") or ""
        classes = ' class="mention"' if token.meta.get("mention") else ""
        return f'<a href="{escapeHtml(href)}"{classes} rel="{LINK_REL}">'

    def fence(renderer, tokens, idx, options, env):
        return f"<pre><code>{escapeHtml(tokens[idx].content)}</code></pre>\n"

    md.add_render_rule("link_open", link_open)
    md.add_render_rule("fence", fence)
    return md


_MD = _parser()


def _mention_tokens(text: str, allowed: Collection[str], profile_url: Callable[[str], str], found: list[str]):
    """Split one text token's content into text and mention-link tokens."""
    tokens: list[Token] = []
    position = 0
    for match in MENTION.finditer(text):
        username = match.group(1)
        if username not in allowed:
            continue
        if match.start() > position:
            tokens.append(_text(text[position : match.start()]))
        opening = Token("link_open", "a", 1, attrs={"href": profile_url(username)}, meta={"mention": True})
        tokens += [opening, _text(match.group(0)), Token("link_close", "a", -1)]
        position = match.end()
        if username not in found:
            found.append(username)
    if not tokens:
        return None
    if position < len(text):
        tokens.append(_text(text[position:]))
    return tokens


def _text(content: str) -> Token:
    token = Token("text", "", 0)
    token.content = content
    return token


def render(
    text: str,
    *,
    mentionable: Collection[str] = (),
    profile_url: Callable[[str], str] = lambda username: f"/people/{username}/",
) -> Rendered:
    """The text as safe HTML, with mentions of ``mentionable`` usernames linked to ``profile_url``."""
    found: list[str] = []
    tokens = _MD.parse(text.replace("\r\n", "\n"))
    if mentionable:
        for block in tokens:
            if block.type != "inline" or not block.children:
                continue
            children: list[Token] = []
            inside_link = 0
            for child in block.children:
                if child.type == "link_open":
                    inside_link += 1
                elif child.type == "link_close":
                    inside_link -= 1
                replaced = None
                if child.type == "text" and not inside_link:
                    replaced = _mention_tokens(child.content, mentionable, profile_url, found)
                children += replaced or [child]
            block.children = children
    return Rendered(html=_MD.renderer.render(tokens, _MD.options, {}), mentions=found)


def excerpt(text: str, length: int = 200) -> str:
    """Plain text for a notification: the start of what was written, on one line."""
    flat = " ".join(text.split())
    return flat if len(flat) <= length else flat[: length - 1].rstrip() + "…"

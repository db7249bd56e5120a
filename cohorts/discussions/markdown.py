"""Posts: the site's Markdown (``cohorts/markdown.py``, which keeps the guarantee that nothing a person
types adds an element or an attribute of its own), with @mentions. Pure: no Django, no models.

``@name`` becomes a link to that person's profile only when ``name`` is one of the usernames the caller
passes (the circle's members); any other ``@word`` stays plain text.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from dataclasses import dataclass, field

from markdown_it.token import Token

from cohorts import markdown as site_markdown

MENTION = re.compile(r"(?<![\w@/.])@([\w.+-]*\w)")
MENTION_CLASS = "mention"


@dataclass
class Rendered:
    html: str
    #: Usernames that were mentioned and are in the allowed set, in order of first mention.
    mentions: list[str] = field(default_factory=list)


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
        opening = Token(
            "link_open", "a", 1, attrs={"href": profile_url(username)}, meta={site_markdown.LINK_CLASS: MENTION_CLASS}
        )
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
    tokens = site_markdown.parse(text)
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
    return Rendered(html=site_markdown.render_tokens(tokens), mentions=found)


def excerpt(text: str, length: int = 200) -> str:
    """Plain text for a notification: the start of what was written, on one line."""
    flat = " ".join(text.split())
    return flat if len(flat) <= length else flat[: length - 1].rstrip() + "…"

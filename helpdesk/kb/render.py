"""Article Markdown to safe HTML: the shared sanitizer, then allow-listed video embeds.

Films are part of the help material. A paragraph that holds nothing but a YouTube or Vimeo
link becomes an embedded player (youtube-nocookie.com / player.vimeo.com, the only frames
the CSP allows) with the link kept beneath it; every other link stays a plain link.
The iframe is built here from a validated video id, never from the author's HTML.
"""
from __future__ import annotations

import re

from markupsafe import escape

from helpdesk.text import render_markdown

_YOUTUBE = re.compile(r"^https://(?:www\.)?(?:youtube\.com/watch\?v=|youtu\.be/)([A-Za-z0-9_-]{11})(?:[&?#][^\s<\"]*)?$")
_VIMEO = re.compile(r"^https://(?:www\.)?vimeo\.com/(\d{6,12})(?:[?#][^\s<\"]*)?$")
_LONE_LINK = re.compile(r"<p>(?:<a href=\"([^\"]+)\"[^>]*>[^<]*</a>|(https://[^\s<]+))</p>")


def _embed(match: re.Match) -> str:
    url = (match.group(1) or match.group(2) or "").replace("&amp;", "&")
    if m := _YOUTUBE.match(url):
        src, name = f"https://www.youtube-nocookie.com/embed/{m.group(1)}", "YouTube"
    elif m := _VIMEO.match(url):
        src, name = f"https://player.vimeo.com/video/{m.group(1)}", "Vimeo"
    else:
        return match.group(0)
    link = escape(url)
    return (f'<div class="video"><iframe src="{src}" title="{name}: {link}" loading="lazy" '
            f'allow="fullscreen; picture-in-picture" referrerpolicy="strict-origin-when-cross-origin"></iframe></div>'
            f'<p><a href="{link}" rel="noopener noreferrer nofollow">{link}</a></p>')


def render_article(source: str) -> str:
    return _LONE_LINK.sub(_embed, render_markdown(source))

"""A thread's posts as HTML, for the thread page (templates/boards/thread.html draws the rest).

Written with format strings rather than as a Jinja macro: a thread page draws up to 250
posts, and the macro cost ~0.1 ms a post in attribute lookups, escaping and calls, over half
the page's CPU time at 200 posts; the same markup from here costs a fraction of that
(bench/bench_boards.py). Every value from a user is escaped (`escape`); only the post's
`body_html`, sanitized when it was written, goes in as it is.
"""
from __future__ import annotations

import math

from flask_babel import gettext as _
from markupsafe import Markup, escape

from helpdesk.boards.models import Post, Thread
from helpdesk.boards.notifications import handle_of
from helpdesk.i18n import when_formatter


class PostMarkup:
    """The posts of one thread as one reader sees them: what they may do decides the actions
    under each post, so one instance serves one page."""

    def __init__(self, thread: Thread, *, viewer_id: int, moderator: bool, may_reply: bool,
                 may_accept: bool, vendor_board: bool, addresses: dict):
        self.accepted_post_id = thread.accepted_post_id
        self.viewer_id, self.moderator = viewer_id, moderator
        self.may_reply, self.may_accept, self.vendor_board = may_reply, may_accept, vendor_board
        # Addresses are escaped once here, not per post.
        self.thread_url, self.posts_url, self.attachments_url, self.accept_url, csrf = (
            escape(addresses[k]) for k in ("thread", "posts", "attachments", "accept", "csrf"))
        self.csrf = Markup('<input type="hidden" name="csrf_token" value="{}">').format(csrf)
        self.words = {k: escape(v) for k, v in {
            "quote": _("Quote"), "edit": _("Edit"), "accept": _("Accept as the answer"), "report": _("Report"),
            "hide": _("Hide"), "show_again": _("Show again"), "edited": _("edited"), "vendor": _("vendor"),
            "attached": _("Attached files"), "in_reply": _("In reply to an earlier post"),
            "show_hidden": _("Show the hidden text"), "accepted": _("Accepted answer")}.items()}
        self.hidden_note = _("This post was hidden by a moderator: %(reason)s")
        self.when = when_formatter()
        self._bylines: dict[int, str] = {}

    def replies(self, posts: list[Post], question: Post | None) -> Markup:
        """The list items of a page of replies (the question, shown above them, left out)."""
        out = []
        for p in posts:
            if question is not None and p.id == question.id:
                continue
            if p.id == self.accepted_post_id:
                out.append(f'<li class="post post--is-accepted" id="post-{p.id}">\n    <p><span class="badge '
                           f'badge--ok">{self.words["accepted"]}</span></p>\n    {self.post(p)}\n  </li>\n')
            else:
                out.append(f'<li class="post" id="post-{p.id}">\n    {self.post(p)}\n  </li>\n')
        return Markup("".join(out))

    def post(self, p: Post, is_question: bool = False, actions: bool = True) -> Markup:
        """One post: byline, body (or the moderator's note), files, and what the reader may do."""
        w, posts_url = self.words, self.posts_url
        parts = [self._byline(p)]
        if actions and not is_question and p.quoted_post_id:
            parts.append(f'\n    <p class="muted"><a href="#post-{p.quoted_post_id}">{w["in_reply"]}</a></p>')
        body = f'<div class="post__body">{p.body_html}</div>'
        files = self._attachments(p) if p.attachments else ""
        if not p.hidden:
            parts.append(f"\n  {body}\n  {files}\n")
        else:
            parts.append(f'\n  <p class="note">{Markup(escape(self.hidden_note)) % {"reason": p.hidden_reason}}</p>\n')
            if self.moderator:
                parts.append(f'  <details><summary>{w["show_hidden"]}</summary>{body}{files}</details>\n')
        if actions:
            parts.append('\n<ul class="post__actions">\n')
            if self.may_reply and not p.hidden:
                parts.append(f'  <li><a href="{self.thread_url}?quote={p.id}#reply">{w["quote"]}</a></li>\n')
                if p.author_id == self.viewer_id:
                    parts.append(f'  <li><a href="{posts_url}{p.id}/edit">{w["edit"]}</a></li>\n')
            if self.may_accept and not is_question and not p.hidden and self.accepted_post_id != p.id:
                parts.append(f'  <li><form method="post" action="{self.accept_url}" class="inline-form">\n    '
                             f'{self.csrf}<input type="hidden" name="post_id" value="{p.id}">\n    <button '
                             f'type="submit" class="button button--small">{w["accept"]}</button></form></li>\n')
            parts.append(f'  <li><a href="{posts_url}{p.id}/report">{w["report"]}</a></li>\n')
            if self.moderator:
                if p.hidden:
                    parts.append(f'  <li><form method="post" action="{posts_url}{p.id}/hide" class="inline-form">\n'
                                 f'    {self.csrf}<input type="hidden" name="action" value="unhide">\n    <button '
                                 f'type="submit" class="link-button">{w["show_again"]}</button></form></li>\n')
                else:
                    parts.append(f'  <li><a href="{posts_url}{p.id}/hide">{w["hide"]}</a></li>\n')
            parts.append("</ul>")
        return Markup("".join(parts))

    def _byline(self, p: Post) -> str:
        who = self._bylines.get(p.author_id)
        if who is None:
            who = self._bylines[p.author_id] = self._author(p.author)
        line = f'<p class="post__byline">{who}\n  · <time datetime="{p.created_at.isoformat()}">{escape(self.when(p.created_at))}</time>'
        if p.edited_at:
            line += (f' · <a href="{self.posts_url}{p.id}/history" class="edited">{self.words["edited"]} <time '
                     f'datetime="{p.edited_at.isoformat()}">{escape(self.when(p.edited_at))}</time></a>')
        return line + "</p>"

    def _author(self, author) -> str:
        """The author's name and, on the vendor board, their organisation (posters there are
        known by name and organisation only), elsewhere the @handle to mention them by."""
        who = f"<strong>{escape(author.display_name)}</strong>"
        if not self.vendor_board:
            return f'{who} <span class="muted">@{escape(handle_of(author))}</span>'
        if author.organisation:
            return f'{who} <span class="muted">({escape(author.organisation.name)})</span>'
        if author.vendor_id:
            return f'{who} <span class="muted">({self.words["vendor"]})</span>'
        return who

    def _attachments(self, p: Post) -> str:
        items = "".join(f'<li><a href="{self.attachments_url}{a.id}">{escape(a.filename)}</a> '
                        f'<span class="muted">({math.ceil(a.size / 1024)} kB)</span></li>' for a in p.attachments)
        return f'<ul class="attachments" aria-label="{self.words["attached"]}">\n  {items}\n  </ul>'

"""A thread's posts as HTML (helpdesk/boards/post_markup.py): what each reader may do, and
every value from a user escaped."""
from __future__ import annotations

import re

from helpdesk.boards import moderation, services
from helpdesk.boards.models import PostAttachment
from helpdesk.boards.post_markup import PostMarkup
from helpdesk.extensions import db
from tests.boards.conftest import support_board, user
from tests.boards.people import CENTRAL, NORR, SODER

ADDRESSES = {"thread": "/boards/threads/9", "posts": "/boards/posts/", "attachments": "/boards/attachments/",
             "accept": "/boards/threads/9/accept", "csrf": "tok\"en"}


def _thread():
    """A question by Norr, a reply by Söder with a file, a hidden reply, and Central's reply
    accepted as the answer."""
    norr, soder, central = user(NORR), user(SODER), user(CENTRAL)
    thread = services.start_thread(norr, support_board(), "Inloggning", "Hur gör ni?")
    with_file = services.reply(soder, thread, "Så här **gör** vi")
    db.session.add(PostAttachment(post_id=with_file.id, filename="<bild>.png", content_type="image/png",
                                  size=3000, data=b"x"))
    hidden = services.reply(soder, thread, "Olämpligt")
    moderation.hide_post(central, hidden, "Innehöll <personuppgifter> & mer")
    answer = services.reply(central, thread, "Svaret", quoted_post_id=with_file.id)
    services.accept_answer(norr, thread, answer.id)
    db.session.flush()
    db.session.expire_all()
    return thread, services.thread_posts(norr, thread).items


def _markup(thread, viewer, **may):
    flags = {"moderator": False, "may_reply": True, "may_accept": False, "vendor_board": False} | may
    return PostMarkup(thread, viewer_id=user(viewer).id, addresses=ADDRESSES, **flags)


def _item(html: str, post_id: int) -> str:
    found = re.search(rf'<li class="post[^"]*" id="post-{post_id}">.*?\n  </li>', html, re.S)
    assert found, post_id
    return found.group(0)


def test_user_text_is_escaped_and_the_sanitized_body_is_not(ctx):
    thread, posts = _thread()
    question, with_file, hidden, answer = posts
    html = str(_markup(thread, NORR).replies(posts, question))
    assert "<strong>gör</strong>" in html  # body_html, sanitized when written, as it is
    assert "&lt;bild&gt;.png</a> <span class=\"muted\">(3 kB)</span>" in html
    assert "<bild>" not in html
    assert "Innehöll &lt;personuppgifter&gt; &amp; mer" in html and "<personuppgifter>" not in html
    assert 'value="tok&#34;en"' in str(_markup(thread, CENTRAL, may_accept=True).post(with_file))
    assert "@lokal.soder</span>" in html  # the handle to mention the author by


def test_readers_see_only_their_own_actions(ctx):
    thread, posts = _thread()
    question, with_file, hidden, answer = posts
    as_soder = str(_markup(thread, SODER).replies(posts, question))
    assert f"/boards/posts/{with_file.id}/edit" in as_soder  # her own post
    assert f"/boards/posts/{answer.id}/edit" not in as_soder
    assert "/hide" not in as_soder and "Olämpligt" not in as_soder  # not a moderator
    assert 'name="post_id"' not in as_soder  # may not accept
    assert f"/boards/posts/{answer.id}/report" in as_soder

    as_central = _markup(thread, CENTRAL, moderator=True, may_accept=True)
    replies = str(as_central.replies(posts, question))
    assert "<details><summary>" in _item(replies, hidden.id) and "Olämpligt" in replies
    assert 'name="action" value="unhide"' in _item(replies, hidden.id)
    assert f"/boards/posts/{with_file.id}/hide" in replies
    # The accept button under a visible reply, not under the accepted one or a hidden one.
    assert f'name="post_id" value="{with_file.id}"' in _item(replies, with_file.id)
    assert 'name="post_id"' not in _item(replies, answer.id) + _item(replies, hidden.id)
    assert 'name="post_id"' not in str(as_central.post(question, is_question=True))


def test_accepted_answer_quote_and_the_copy_without_actions(ctx):
    thread, posts = _thread()
    question, with_file, hidden, answer = posts
    markup = _markup(thread, NORR)
    replies = str(markup.replies(posts, question))
    assert f'id="post-{question.id}"' not in replies  # shown above the replies
    item = _item(replies, answer.id)
    assert 'class="post post--is-accepted"' in item and 'badge--ok' in item
    assert f'href="#post-{with_file.id}"' in item  # in reply to the quoted post
    copy = str(markup.post(answer, actions=False))
    assert "post__actions" not in copy and f'href="#post-{with_file.id}"' not in copy


def test_edited_posts_link_their_history_and_the_vendor_board_names_organisations(ctx):
    thread, posts = _thread()
    question = posts[0]
    services.edit_post(user(NORR), question, "Hur gör ni nu?")
    db.session.flush()
    html = str(_markup(thread, NORR).post(question, is_question=True))
    assert f'href="/boards/posts/{question.id}/history" class="edited">redigerat <time datetime=' in html
    vendor = str(_markup(thread, CENTRAL, vendor_board=True).post(question, is_question=True))
    assert "(Exempelkommun)</span>" in vendor and "@lokal.norr" not in vendor

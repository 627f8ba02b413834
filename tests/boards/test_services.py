"""The boards' rules, called without HTTP."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from helpdesk import hooks
from helpdesk.boards import moderation, services, tickets_link
from helpdesk.boards.models import (
    Board,
    BoardKind,
    Mention,
    Post,
    PostRevision,
    Report,
    Thread,
)
from helpdesk.errors import Conflict, PermissionDenied, ValidationFailed
from helpdesk.events import content_changed
from helpdesk.extensions import db
from helpdesk.notify.models import OutboxMail
from tests.boards.conftest import support_board, thread_titled, user
from tests.boards.people import (
    CENTRAL,
    GRANNBY,
    GUARDIAN,
    NORR,
    SODER,
    TEACHER,
    VASTER,
    VENDOR,
    count,
    names,
)
from tests.support.factories import Role, make_org, make_school, make_user

# ------------------------------------------------------------------ visibility

def test_support_group_is_for_local_and_central_contacts_only(ctx):
    assert "Supportgruppen/Exempelkommun" in names(services.visible_boards(user(CENTRAL)))
    assert "Supportgruppen/Exempelkommun" in names(services.visible_boards(user(SODER)))
    assert "Supportgruppen/Exempelkommun" not in names(services.visible_boards(user(TEACHER)))
    assert names(services.visible_boards(user(GRANNBY))) == {"Supportgruppen/Grannby", "Leverantörsforum/vendor"}
    assert names(services.visible_boards(user(VENDOR))) == {"Leverantörsforum/vendor"}
    with pytest.raises(PermissionDenied):
        services.visible_boards(user(GUARDIAN))


def test_support_board_is_made_on_first_access_for_a_new_organisation(ctx):
    org = make_org("Nykommun")
    admin = make_user(org=org, roles=[(Role.CENTRAL_ADMIN, org), (Role.STAFF, org)])
    assert count(Board) == 3
    boards = services.visible_boards(admin)
    assert [b.name for b in boards] == ["Supportgruppen"]
    services.visible_boards(admin)
    assert count(Board) == 4  # made once


def test_staff_and_school_boards(ctx):
    central = user(CENTRAL)
    org_id = central.organisation_id
    staff_board = services.create_board(central, organisation_id=org_id, name="Alla pedagoger")
    norr_id = db.session.scalar(select(Board.id).where(Board.id == staff_board.id))
    from helpdesk.directory.models import School

    soder = db.session.scalar(select(School).where(School.name == "Söderskolan"))
    soder_board = services.create_board(central, organisation_id=org_id, name="Söders forum",
                                        kind=BoardKind.SCHOOLS, school_ids=[soder.id])
    assert norr_id
    teacher_boards = names(services.visible_boards(user(TEACHER)))
    assert teacher_boards == {"Alla pedagoger/Exempelkommun"}
    assert "Söders forum/Exempelkommun" in names(services.visible_boards(user("larare.soder@exempelkommun.se")))
    assert "Söders forum/Exempelkommun" in names(services.visible_boards(user(SODER)))
    assert "Söders forum/Exempelkommun" not in names(services.visible_boards(user(NORR)))
    assert soder_board.school_ids == {soder.id}


def test_only_central_adds_boards_and_schools_must_be_their_own(ctx):
    with pytest.raises(PermissionDenied):
        services.create_board(user(NORR), organisation_id=user(NORR).organisation_id, name="X")
    grannby_school = make_school(db.session.get(type(user(GRANNBY).organisation), user(GRANNBY).organisation_id))
    with pytest.raises(ValidationFailed) as exc:
        services.create_board(user(CENTRAL), organisation_id=user(CENTRAL).organisation_id, name="X",
                              kind=BoardKind.SCHOOLS, school_ids=[grannby_school.id])
    assert exc.value.field == "schools"


# ------------------------------------------------------------------ posting

def test_start_thread_and_reply_keep_counters_and_send_signals(ctx):
    seen = []

    def listener(sender, **kw):
        seen.append((sender, kw["object_id"]))

    content_changed.connect(listener)
    try:
        board = support_board()
        thread = services.start_thread(user(NORR), board, "Lösenord för vårdnadshavare", "Hur gör ni?")
        post = services.reply(user(SODER), thread, "Vi skickar ett brev.")
    finally:
        content_changed.disconnect(listener)
    assert thread.post_count == 2 and thread.last_post_id == post.id
    assert seen == [("thread", thread.id), ("thread", thread.id)]


def test_staff_member_cannot_post_to_the_support_board(ctx):
    before = count(Thread)
    with pytest.raises(PermissionDenied):
        services.start_thread(user(TEACHER), support_board(), "Fråga", "Text")
    with pytest.raises(PermissionDenied):
        services.reply(user(TEACHER), thread_titled("Vårdnadshavare utan"), "Text")
    assert count(Thread) == before


@pytest.mark.parametrize("body, field", [("", "body"), ("   \n ", "body"), ("x" * 100_000, "body")])
def test_empty_or_huge_post_is_refused_and_nothing_is_saved(ctx, body, field):
    threads, posts = count(Thread), count(Post)
    with pytest.raises(ValidationFailed) as exc:
        services.start_thread(user(NORR), support_board(), "Titel", body)
    assert exc.value.field == field
    with pytest.raises(ValidationFailed):
        services.reply(user(NORR), thread_titled("Vårdnadshavare utan"), body)
    db.session.rollback()
    assert (count(Thread), count(Post)) == (threads, posts)


def test_script_in_markdown_is_made_harmless_and_civic_numbers_masked(ctx):
    thread = services.start_thread(
        user(NORR), support_board(), "Elev 20140301-1234 saknas",
        "Hej <script>alert(1)</script> [klick](javascript:alert(2)) <img src=x onerror=alert(3)>\n\n"
        "Eleven har 201403011234.")
    post = services.first_post(thread)
    assert "<script" not in post.body_html and "onerror" not in post.body_html
    assert "javascript:" not in post.body_html
    assert "1234" not in thread.title and "20140301-XXXX" in thread.title
    assert "201403011234" not in post.body


@pytest.mark.parametrize("written", ["elev-20140301-1234", "ID-20140301-1234", "140301\u20131234",
                                     "x201403011234y"])
def test_numbers_glued_to_words_are_masked_in_titles_posts_replies_and_edits(ctx, written):
    thread = services.start_thread(user(NORR), support_board(), f"Gäller {written}", f"Se {written}.")
    post = services.first_post(thread)
    reply = services.reply(user(NORR), thread, f"Också {written}")
    db.session.flush()
    for text in (thread.title, post.body, post.body_html, reply.body, reply.body_html):
        assert "1234" not in text and "XXXX" in text


def test_locked_thread_takes_no_replies(ctx):
    thread = thread_titled("Vårdnadshavare utan")
    moderation.set_locked(user(CENTRAL), thread, True)
    posts = count(Post)
    with pytest.raises(Conflict):
        services.reply(user(NORR), thread, "Svar")
    assert count(Post) == posts


def test_edit_keeps_history_and_marks_edited(ctx):
    thread = thread_titled("Vårdnadshavare utan")
    post = services.first_post(thread)
    old = post.body
    services.edit_post(user(SODER), post, "Ny **text**")
    assert post.edited_at is not None and "<strong>text</strong>" in post.body_html
    assert [r.body for r in services.revisions(post)] == [old]
    with pytest.raises(PermissionDenied):
        services.edit_post(user(NORR), post, "Inte min")
    assert count(PostRevision) == 1


def test_accept_by_asker_or_central_only(ctx):
    thread = thread_titled("Arbetslagsgrupper")  # asked by lokal.norr, answered by lokal.vaster
    reply = services.thread_posts(user(NORR), thread).items[1]
    with pytest.raises(PermissionDenied):
        services.accept_answer(user(SODER), thread, reply.id)
    assert not thread.solved
    with pytest.raises(ValidationFailed):
        services.accept_answer(user(NORR), thread, services.first_post(thread).id)
    services.accept_answer(user(NORR), thread, reply.id)
    assert thread.solved and thread.accepted_post_id == reply.id
    services.unaccept_answer(user(CENTRAL), thread)
    services.accept_answer(user(CENTRAL), thread, reply.id)
    assert services.accepted_post(thread).id == reply.id


# ------------------------------------------------------------------ lists, unread, mail

def test_filters_and_pinned_first(ctx):
    board = support_board()
    central = user(CENTRAL)
    listed = services.list_threads(central, board)
    assert listed.total == 3
    assert [t.title[:10] for t in listed.items][0] == "Vårdnadsha"  # latest activity first
    solved = thread_titled("Hur lägger")
    moderation.set_pinned(central, solved, True)
    assert services.list_threads(central, board).items[0].id == solved.id
    assert [t.id for t in services.list_threads(central, board, filter="solved").items] == [solved.id]
    unanswered = services.list_threads(central, board, filter="unanswered").items
    assert [t.title[:10] for t in unanswered] == ["Vårdnadsha"]
    assert [t.title[:10] for t in services.list_threads(user(SODER), board, filter="mine").items] == ["Vårdnadsha"]
    assert {t.title[:10] for t in services.list_threads(user(VASTER), board, filter="following").items} == {
        "Hur lägger", "Arbetslags"}


def test_unread_counts_and_mail_to_followers(ctx):
    thread = thread_titled("Arbetslagsgrupper")
    norr, vaster = user(NORR), user(VASTER)
    mails = count(OutboxMail)
    services.reply(vaster, thread, "En sak till.")
    services.reply(user(SODER), thread, "Och en från oss.")
    # lokal.norr (asker) and lokal.vaster (replied) follow the thread.
    to = [m.to_address for m in db.session.scalars(select(OutboxMail).order_by(OutboxMail.id))][mails:]
    assert to.count(NORR) == 2 and to.count(VASTER) == 1 and SODER not in to
    # lokal.vaster's demo reply was unread already.
    assert services.unread_counts(norr, [thread]) == {thread.id: 3}
    assert dict((t.id, n) for t, n in services.followed_threads(norr))[thread.id] == 3
    services.mark_read(norr, thread)
    assert services.unread_counts(norr, [thread]) == {}


def test_mentions_notify_people_who_see_the_board(ctx):
    thread = thread_titled("Vårdnadshavare utan")
    mails = count(OutboxMail)
    post = services.reply(user(CENTRAL), thread, "Fråga @lokal.vaster, och @larare.norr och @ingen.alls.")
    mentioned = db.session.scalars(select(Mention.user_id).where(Mention.post_id == post.id)).all()
    assert mentioned == [user(VASTER).id]  # the teacher cannot see the support board
    new = db.session.scalars(select(OutboxMail).order_by(OutboxMail.id)).all()[mails:]
    assert {(m.to_address, m.kind) for m in new} == {(VASTER, "board_mention"), (SODER, "board_post")}
    assert "/boards/threads/" in new[0].body


def test_board_followers_hear_of_new_threads(ctx):
    board = support_board()
    services.follow(user(VASTER), board=board)
    mails = count(OutboxMail)
    services.start_thread(user(NORR), board, "Ny fråga", "Text")
    new = db.session.scalars(select(OutboxMail).order_by(OutboxMail.id)).all()[mails:]
    assert [m.to_address for m in new] == [VASTER]


# ------------------------------------------------------------------ moderation

def test_demo_has_a_report_waiting(ctx):
    assert count(Report) == 1


# ------------------------------------------------------------------ search and FAQ

def test_thread_document_and_view_rule(ctx):
    thread = thread_titled("Hur lägger")
    doc = services.thread_document(thread.id)
    assert doc["solved"] is True and doc["board_id"] == thread.board_id
    assert doc["organisation_id"] == user(CENTRAL).organisation_id
    assert "specialpedagog" in doc["body"] and doc["title"] == thread.title
    assert services.can_view_thread(user(SODER), thread)
    assert not services.can_view_thread(user(TEACHER), thread)
    assert not services.can_view_thread(user(GUARDIAN), thread)


def test_promote_makes_a_draft_through_the_hook(ctx):
    calls = []

    class Article:
        id = 77

    def fake(actor, title, body, language, source_kind, source_id):
        calls.append((actor.email, title, body, language, source_kind, source_id))
        return Article()

    previous = hooks._HOOKS.get("create_draft_article")
    hooks.provide("create_draft_article", fake)
    try:
        thread = thread_titled("Hur lägger")
        with pytest.raises(PermissionDenied):
            services.promote_to_faq(user(NORR), thread)
        services.promote_to_faq(user(CENTRAL), thread)
        with pytest.raises(Conflict):
            services.promote_to_faq(user(CENTRAL), thread_titled("Vårdnadshavare utan"))
    finally:
        if previous is None:
            hooks._HOOKS.pop("create_draft_article", None)
        else:
            hooks._HOOKS["create_draft_article"] = previous
    (email, title, body, language, kind, source_id), = calls
    assert (email, language, kind, source_id) == (CENTRAL, "sv", "thread", thread.id)
    assert title == thread.title and "## Svar" in body and "nattliga synken" in body
    assert f"/boards/threads/{thread.id}" in body and thread.promoted_article_id == 77


# ------------------------------------------------------------------ meetings

def test_strip_personal_details_from_text(ctx):
    class Ticket:
        requester_name = "Emma Lindgren"
        guest_email = "emma@example.org"
        requester_id = None

    text = tickets_link.strip_personal_details(
        "Emma Lindgren (emma@example.org, 198205171234) kan inte logga in. Ring emma@example.org.", Ticket())
    assert "Emma" not in text and "@" not in text and "1234" not in text and "kan inte logga in" in text


def test_ensure_command_makes_missing_default_boards(demo_app):
    with demo_app.app_context():
        make_org("Tredje kommunen")
        db.session.commit()
    result = demo_app.test_cli_runner().invoke(args=["boards", "ensure"])
    assert result.exit_code == 0 and "boards made: 1" in result.output
    result = demo_app.test_cli_runner().invoke(args=["boards", "ensure"])
    assert "boards made: 0" in result.output


def test_two_requests_making_the_default_board_at_once_end_with_one(ctx, monkeypatch):
    org = make_org("Samtidiga kommunen")
    first = services.ensure_support_board(org)
    # The second request looked before the first one's board existed: its insert is refused
    # by the unique index, and it takes the board that is there.
    real_scalar = db.session.scalar
    calls = []

    def scalar_missing_once(stmt, *a, **kw):
        calls.append(stmt)
        return None if len(calls) == 1 else real_scalar(stmt, *a, **kw)

    monkeypatch.setattr(db.session, "scalar", scalar_missing_once)
    second = services.ensure_support_board(org)
    monkeypatch.undo()
    assert second.id == first.id
    assert db.session.scalar(select(func.count(Board.id)).where(Board.organisation_id == org.id)) == 1

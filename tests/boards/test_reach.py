"""The menu offers the support forum only to whom a board is there for."""
from __future__ import annotations

from flask import g
from sqlalchemy import select

from helpdesk.boards import services
from helpdesk.boards.models import BoardKind
from helpdesk.boards.reach import offers_boards
from helpdesk.directory.models import School
from helpdesk.extensions import db
from tests.boards.conftest import user
from tests.boards.people import CENTRAL, GUARDIAN, NORR, TEACHER, VENDOR


def test_support_contacts_and_vendor_agents_are_offered_the_forum(ctx):
    for email in (CENTRAL, NORR, VENDOR):
        assert offers_boards(user(email)), email
    assert not offers_boards(user(GUARDIAN))


def test_a_teacher_is_offered_the_forum_only_once_a_board_is_there_for_her(ctx):
    assert not offers_boards(user(TEACHER))
    central = user(CENTRAL)
    soder = db.session.scalar(select(School).where(School.name == "Söderskolan"))
    services.create_board(central, organisation_id=central.organisation_id, name="Söders forum",
                          kind=BoardKind.SCHOOLS, school_ids=[soder.id])
    assert not offers_boards(user(TEACHER))  # another school's board is not hers
    services.create_board(central, organisation_id=central.organisation_id, name="Alla pedagoger")
    assert offers_boards(user(TEACHER)) is False  # asked once per request: the answer is kept
    g.pop("boards_offered")
    assert offers_boards(user(TEACHER))


def test_the_teachers_menu_and_home_page_do_not_offer_an_empty_forum(demo_app, as_user):
    home = as_user(TEACHER).get("/").get_data(as_text=True)
    assert 'href="/boards/"' not in home and "Supportforum" not in home
    assert 'href="/boards/"' in as_user(NORR).get("/").get_data(as_text=True)

"""Reply addresses: signed, bound to ticket, recipient and kind, and on the mail that leaves."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from helpdesk.extensions import db
from helpdesk.notify.models import OutboxMail
from helpdesk.notify.reply_address import ForgedToken, ReplyToken, desk_address, is_ours, read_token, reply_address
from helpdesk.notify.sender import send_pending
from helpdesk.notify.services import queue_mail
from tests.support.smtp import smtp_server

SUPPORT = "support@kommun.example"


@pytest.fixture
def app_config():
    return {"MAIL_REPLY_ADDRESS": SUPPORT}


def test_a_reply_address_reads_back_as_what_it_was_made_for(app):
    with app.app_context():
        address = reply_address(42, 7, internal=True)
        assert address.startswith("support+r.42.7.i.") and address.endswith("@kommun.example")
        assert len(address.split("@")[0]) <= 64  # a local part's limit
        assert read_token(address) == ReplyToken("reply", 42, 7, True)
        assert read_token(address.upper()) == ReplyToken("reply", 42, 7, True)  # case folded by a server
        assert read_token(reply_address(42, 7, internal=False)).internal is False
        assert read_token(desk_address(42)) == ReplyToken("desk", 42)


def test_an_edited_token_is_forged_and_a_plain_address_carries_none(app):
    with app.app_context():
        address = reply_address(42, 7, internal=False)
        for edited in (address.replace("r.42.", "r.43."), address.replace(".p.", ".i."),
                       desk_address(42).replace("v.42.", "v.41.")):
            with pytest.raises(ForgedToken):
                read_token(edited)
        assert read_token(SUPPORT) is None
        assert read_token("support+newsletter@kommun.example") is None
        assert read_token("someone@else.example") is None
        assert is_ours("Support+x@Kommun.Example") and not is_ours("support@other.example")


def test_another_secret_key_makes_the_old_tokens_forged(app):
    with app.app_context():
        address = reply_address(1, 2, internal=False)
        app.config["SECRET_KEY"] = "rotated"
        with pytest.raises(ForgedToken):
            read_token(address)


def test_no_reply_address_is_made_when_the_setting_is_empty(app):
    app.config["MAIL_REPLY_ADDRESS"] = ""
    with app.app_context():
        assert reply_address(1, 2, internal=False) is None and desk_address(1) is None


def test_sent_mail_carries_reply_to_and_says_it_is_automatic(app):
    with smtp_server() as inbox:
        app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=inbox.port)
        with app.app_context():
            queue_mail("a@kommun.example", "Svar", "Text", kind="ticket_reply",
                       reply_to=reply_address(5, 6, internal=False))
            queue_mail("desk@vendor.example", "[EXK-2026-00001] Fel", "Ärendet", kind="ticket_vendor_desk")
            db.session.commit()
            assert send_pending() == (2, 0)
            assert db.session.scalar(select(OutboxMail.reply_to).where(OutboxMail.kind == "ticket_reply"))
    notification, case = inbox.messages
    assert notification["Reply-To"].startswith("support+r.5.6.p.")
    assert notification["Auto-Submitted"] == "auto-generated"
    assert notification["Message-ID"].endswith("@helpdesk>")
    # A person's escalation to a vendor's desk is not automatic mail: the desk must take it.
    assert case["Auto-Submitted"] is None

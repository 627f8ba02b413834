"""The issue's "Done when", in Chromium, on an EMPTY database: the operator creates the
organisation and invites its central admin (CLI), who sets a password from the e-mail,
imports the sample export, appoints two local admins for one school and one for another; a
teacher of the first school sees her local contacts' names on the question form and files a
question, which lands in her local admin's queue."""
from __future__ import annotations

import copy
import json
from datetime import date
import re
from email import message_from_bytes
from email.policy import default
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from helpdesk.demo import civic_no
from tests.browser.conftest import assert_accessible, log_in, open_admin_menu
from tests.support.serve import serving

pytestmark = pytest.mark.browser
SAMPLE = Path(__file__).parent.parent / "sync" / "data" / "export.json"
NORR = "00000000-0000-4000-8000-000000000002"
SODER = "00000000-0000-4000-8000-0000000000f2"
SUBJECT = "Närvaron för 6A syns inte"


def _export(tmp_path) -> Path:
    """The sample export plus a second school and two teachers with school e-mail addresses."""
    doc = json.loads(SAMPLE.read_text(encoding="utf-8"))
    root = next(o for o in doc["organisations"] if o["organisationType"] == "Huvudman")
    norr = next(o for o in doc["organisations"] if o["id"] == NORR)
    soder = copy.deepcopy(norr)
    soder.update(id=SODER, displayName="Söderskolan", schoolUnitCode="23456789")
    soder["parentOrganisation"] = {"id": root["id"]}
    doc["organisations"].append(soder)
    staff = next(p for p in doc["persons"] if p["givenName"] == "Per")
    duty = next(d for d in doc["duties"] if d["person"]["id"] == staff["id"])
    for n, (given, family, school) in enumerate([("Sara", "Nord", NORR), ("Ali", "Sand", SODER)]):
        person = copy.deepcopy(staff)
        person.update(id=f"00000000-0000-4000-8000-0000000000a{n}", givenName=given, familyName=family,
                      civicNo={"value": civic_no(date(1980, 1, 1 + n), 238 + n)},
                      emails=[{"value": f"{given.lower()}.{family.lower()}@exempelkommun.example",
                               "type": "Skola personal"}])
        doc["persons"].append(person)
        d = copy.deepcopy(duty)
        d.pop("assignmentRole", None)
        d.update(id=f"00000000-0000-4000-8000-0000000000b{n}", person={"id": person["id"]}, dutyAt={"id": school})
        doc["duties"].append(d)
    path = tmp_path / "export.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.fixture
def empty_server(app):
    with serving(app) as url:
        yield url


def _cli(app, *args) -> str:
    result = app.test_cli_runner().invoke(args=list(args))
    assert result.exit_code == 0, result.output
    return result.output


def _invitation_path(app, to: str) -> str:
    """Send the outbox to the mail drop and read the invitation link out of the .eml file."""
    _cli(app, "mail", "send")
    for eml in sorted(Path(app.config["MAIL_DROP_DIR"]).glob("*.eml"), reverse=True):
        msg = message_from_bytes(eml.read_bytes(), policy=default)
        if msg["To"] == to and "/invitation/" in msg.get_content():
            return urlsplit(re.search(r"\S+/invitation/\S+", msg.get_content()).group(0)).path
    raise AssertionError(f"no invitation mail to {to}")


def _new_page(browser, server):
    context = browser.new_context(base_url=server, locale="sv-SE")
    page = context.new_page()
    # Filing a question on an empty installation builds the search index first: allow time.
    page.set_default_timeout(30_000)
    return context, page


def _accept(page, path: str, email: str, password: str) -> None:
    page.goto(path)
    expect(page.get_by_role("heading", level=1)).to_have_text("Välkommen till supportportalen")
    assert_accessible(page)
    page.get_by_label("Nytt lösenord", exact=True).fill(password)
    page.get_by_label("Upprepa nytt lösenord").fill(password)
    page.get_by_role("button", name="Spara lösenordet").click()
    expect(page.get_by_text("Ditt lösenord är sparat")).to_be_visible()
    log_in(page, email, password)


def test_a_new_municipality_goes_into_service(browser, app, empty_server, tmp_path):
    password = "ett långt lösenord"
    out = _cli(app, "org", "create", "--code", "EXK", "--name", "Exempelkommun", "--vendor", "Leverantören AB",
               "--support-email", "support@exempelkommun.example")
    assert "created EXK" in out
    _cli(app, "org", "invite-admin", "EXK", "it.chef@exempelkommun.example")

    cctx, central = _new_page(browser, empty_server)
    _accept(central, _invitation_path(app, "it.chef@exempelkommun.example"), "it.chef@exempelkommun.example", password)
    expect(central.get_by_role("heading", level=1)).to_have_text(re.compile("^Välkommen"))

    assert "Norrskolan" in _cli(app, "sync", "import", str(_export(tmp_path)))

    open_admin_menu(central)
    central.get_by_role("link", name="Administration").first.click()
    central.get_by_role("link", name="Supportorganisation").click()
    expect(central.get_by_role("heading", level=1)).to_have_text("Supportorganisation")
    assert_accessible(central)
    highlighted = central.locator("tr.row--highlight th")
    expect(highlighted).to_have_text(["Norrskolan", "Söderskolan"])
    for email, school in [("karin.lund@exempelkommun.example", "Norrskolan"),
                          ("per.ek@exempelkommun.example", "Norrskolan"),
                          ("ali.sand@exempelkommun.example", "Söderskolan")]:
        central.get_by_label("Roll").select_option("local_admin")
        central.get_by_label("E-postadress till personen i katalogen").fill(email)
        central.get_by_label("Skola (för en lokal administratör)").select_option(label=school)
        central.get_by_role("button", name="Utse", exact=True).click()
        expect(central.locator(".flashes")).to_contain_text("har fått rollen")
    expect(highlighted).to_have_count(0)
    norr_row = central.locator("tr", has=central.locator("th", has_text="Norrskolan"))
    expect(norr_row).to_contain_text("Karin Lund")
    expect(norr_row).to_contain_text("Per Ek")
    assert_accessible(central)

    # The teacher gets her account (as single sign-on or a letter would give it) and asks.
    with app.app_context():
        from sqlalchemy import select

        from helpdesk.auth import accounts
        from helpdesk.directory.models import Person
        from helpdesk.extensions import db

        sara = db.session.scalar(select(Person).where(Person.email == "sara.nord@exempelkommun.example"))
        accounts.invite(accounts.create_account(sara.email, person=sara))
        db.session.commit()
    tctx, teacher = _new_page(browser, empty_server)
    _accept(teacher, _invitation_path(app, "sara.nord@exempelkommun.example"), "sara.nord@exempelkommun.example",
            password)
    teacher.get_by_role("link", name="Ställ en fråga").first.click()
    contacts = teacher.locator("section", has=teacher.get_by_role("heading", name="Vart vänder jag mig?"))
    expect(contacts).to_contain_text("Dina supportkontakter på Norrskolan: Per Ek, Karin Lund.")
    expect(contacts).to_contain_text("support@exempelkommun.example")
    assert_accessible(teacher)
    teacher.locator("#category").select_option("bug")
    teacher.locator("#subject").fill(SUBJECT)
    teacher.locator("#body").fill("Jag ser inte närvaron för min klass sedan i morse.")
    teacher.get_by_role("button", name="Skicka frågan").click()
    if teacher.get_by_role("button", name="Skicka min fråga ändå").count():
        teacher.get_by_role("button", name="Skicka min fråga ändå").click()
    expect(teacher.get_by_role("heading", level=1)).to_have_text(re.compile(re.escape(SUBJECT) + "$"))

    # Her local admin, invited by the appointment, finds it in the local queue.
    lctx, local = _new_page(browser, empty_server)
    _accept(local, _invitation_path(app, "per.ek@exempelkommun.example"), "per.ek@exempelkommun.example", password)
    local.goto("/tickets/queue?tier=local")
    expect(local.get_by_text(SUBJECT).first).to_be_visible()
    for context in (cctx, tctx, lctx):
        context.close()

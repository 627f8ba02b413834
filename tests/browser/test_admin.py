"""The issue's main path in Chromium, with axe checks: a local admin is refused what the sync
owns and told why, asks central for a special educator without personnummer, central approves;
the local admin makes a work team with an appraisal mentor and prints login letters."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import (
    assert_accessible,
    assert_no_sideways_scroll,
    log_in,
    narrow_page,
    open_admin_menu,
)

pytestmark = pytest.mark.browser


def log_out(page):
    page.goto("/")
    page.get_by_role("button", name="Logga ut").click()


def test_local_admin_and_central_main_path(page):
    log_in(page, "lokal.norr@exempelkommun.se")
    # The admin tools sit in the menu's "Administration" disclosure.
    open_admin_menu(page)
    page.get_by_role("link", name="Skolor och grupper", exact=True).click()
    assert_accessible(page)
    page.get_by_role("link", name="Norrskolan", exact=True).click()
    assert_accessible(page)
    # A synced class: no rename or remove, the reason instead.
    page.get_by_role("link", name="6A", exact=True).click()
    expect(page.get_by_text("Nattsynken äger den här klassen").first).to_be_visible()
    expect(page.get_by_role("button", name="Byt namn")).to_have_count(0)
    assert_accessible(page)
    # A synced student cannot be removed either.
    page.locator("table a").first.click()
    expect(page.get_by_text("Går inte här:")).to_be_visible()
    expect(page.get_by_text("(Som referens: synkregel 2.)")).to_be_visible()
    expect(page.get_by_role("button", name="Ta bort personen")).to_have_count(0)
    assert_accessible(page)

    # Ask for a special educator without personnummer.
    page.goto("/admin/")
    page.get_by_role("link", name="Norrskolan", exact=True).click()
    page.get_by_label("Typ av person").select_option("staff")
    page.get_by_label("Förnamn").fill("Sofia")
    page.get_by_label("Efternamn").fill("Specialpedagog")
    page.get_by_label("Födelsedatum (för att skapa ett tillfälligt nummer)").fill("1985-04-03")
    page.get_by_label("Roll (personal)").select_option("special_educator")
    page.locator("#p-reason").fill("Ny specialpedagog från Norge, saknar svenskt personnummer")
    page.get_by_role("button", name="Lägg till person").click()
    expect(page.get_by_text("Skickat till de centralt ansvariga")).to_be_visible()
    page.goto("/")
    expect(page.get_by_text("Lägg till personal Sofia Specialpedagog").first).to_be_visible()
    assert_accessible(page)
    log_out(page)

    # Central approves it.
    log_in(page, "central@exempelkommun.se")
    page.get_by_role("link", name="förfrågningar väntar på ditt beslut").click()
    assert_accessible(page)
    page.get_by_role("link", name="Lägg till personal Sofia Specialpedagog").first.click()
    assert_accessible(page)
    page.get_by_role("button", name="Godkänn och genomför").click()
    expect(page.get_by_text("Godkänd och genomförd")).to_be_visible()
    assert_accessible(page)
    page.goto("/admin/audit")
    expect(page.get_by_text("Sofia Specialpedagog").first).to_be_visible()
    assert_accessible(page)
    log_out(page)

    # The local admin makes a work team and links everybody to the principal.
    log_in(page, "lokal.norr@exempelkommun.se")
    page.goto("/admin/")
    page.get_by_role("link", name="Norrskolan", exact=True).click()
    page.get_by_label("Namn", exact=True).fill("Arbetslag F-3")
    page.get_by_label("Typ av grupp").select_option("work_team")
    page.get_by_role("button", name="Skapa grupp").click()
    # Lands on the new group, which the confirmation names.
    expect(page.get_by_text("Gruppen Arbetslag F-3 skapades.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Arbetslag F-3")
    page.get_by_label("Anna Berglund").check()
    page.get_by_label("Sofia Specialpedagog").check()
    page.get_by_role("button", name="Lägg till i gruppen").click()
    expect(page.get_by_text("2 personer lades till i Arbetslag F-3.")).to_be_visible()
    expect(page.get_by_label("Mentor")).to_have_value("")
    page.get_by_label("Mentor").select_option(label="Helena Rydberg")
    page.get_by_role("button", name="Koppla alla").click()
    expect(page.get_by_text("Helena Rydberg håller nu medarbetarsamtal med")).to_be_visible()
    expect(page.get_by_role("link", name="Helena Rydberg")).to_be_visible()
    assert_accessible(page)
    page.goto("/admin/")
    page.get_by_role("link", name="Norrskolan", exact=True).click()
    page.get_by_role("link", name="Helena Rydberg").click()
    page.get_by_role("link", name="Personal som personen har medarbetarsamtal med").click()
    expect(page.get_by_role("cell", name="Sofia Specialpedagog")).to_be_visible()
    assert_accessible(page)

    # Print activation letters for a class.
    page.goto("/admin/")
    page.get_by_role("link", name="Norrskolan", exact=True).click()
    page.get_by_role("link", name="7B", exact=True).click()
    page.get_by_label("Format").select_option("letters")
    page.get_by_role("button", name="Dela ut inloggningsuppgifter").click()
    expect(page.locator(".login-letter")).to_have_count(6)
    expect(page.get_by_role("heading", level=1)).to_have_text("Inloggningsuppgifter för 7B")
    expect(page.get_by_role("button", name="Skriv ut breven")).to_be_visible()
    assert page.locator(".login-code").first.inner_text().count("-") == 2
    assert_accessible(page)
    # The same class's guardians: one letter each, saying whose guardian the reader is.
    page.go_back()
    page.get_by_label("Brev till").select_option(label="Medlemmarnas vårdnadshavare")
    page.get_by_role("button", name="Dela ut inloggningsuppgifter").click()
    expect(page.locator(".letter-children")).to_have_count(5)
    assert_accessible(page)


def test_grannby_central_does_it_directly(page):
    log_in(page, "central@grannby.se")
    page.goto("/admin/")
    page.get_by_role("link", name="Grannby skola", exact=True).click()
    page.get_by_role("link", name="3A", exact=True).click()
    expect(page.get_by_text("Fråga centralt")).to_have_count(0)
    page.get_by_label("Nytt namn").fill("3B")
    page.get_by_role("button", name="Byt namn").click()
    expect(page.get_by_text("Gruppen heter nu 3B.")).to_be_visible()
    # The red archive button is set apart from "Byt namn".
    rename = page.get_by_role("button", name="Byt namn").bounding_box()
    archive = page.get_by_role("button", name="Arkivera gruppen").bounding_box()
    assert archive["y"] - (rename["y"] + rename["height"]) >= 16
    expect(page.get_by_role("heading", level=1)).to_have_text("3B")
    assert_accessible(page)


def test_admin_pages_fit_a_narrow_screen(browser, live_server):
    context, page = narrow_page(browser, live_server, "central@exempelkommun.se")
    # The central admin's menu: a few top items and a closed "Administration" disclosure,
    # a short header at 320 px rather than 13 links.
    page.goto("/")
    nav = page.get_by_role("navigation", name="Huvudmeny")
    expect(nav.get_by_role("link", name="Skolor och grupper")).to_be_hidden()
    assert nav.bounding_box()["height"] <= 110, nav.bounding_box()  # 13 links took 225 px
    open_admin_menu(page)
    expect(nav.get_by_role("link", name="Skolor och grupper")).to_be_visible()
    assert_accessible(page)
    page.goto("/admin/")
    page.get_by_role("link", name="Norrskolan", exact=True).click()
    page.wait_for_url(re.compile(r"/admin/schools/\d+"))
    paths = [page.url]
    page.get_by_role("link", name="Arbetslag 6-9").click()
    page.wait_for_url(re.compile(r"/admin/groups/\d+"))
    paths.append(page.url)
    for path in paths + [f"{live_server}/admin/approvals", f"{live_server}/sync/", f"{live_server}/admin/audit"]:
        page.goto(path)
        assert_no_sideways_scroll(page)
    context.close()

"""The overview page, its CSV downloads and the monthly report, over HTTP on the demo."""
from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import select

from helpdesk.directory.models import School
from helpdesk.extensions import db
from tests.insight.fixtures import add_recent_history

CENTRAL, LOCAL, VENDOR = "central@exempelkommun.se", "lokal.norr@exempelkommun.se", "leverantor@leverantor.example"


@pytest.fixture
def history(demo_app):
    with demo_app.app_context():
        add_recent_history("Exempelkommun")
    return demo_app


def school_id(app, name: str) -> int:
    with app.app_context():
        return db.session.scalar(select(School.id).where(School.name == name))


def test_overview_shows_charts_tables_and_filters_in_the_url(history, as_user):
    page = as_user(CENTRAL).get("/insight/?category=login&tier=local")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert html.count('<svg class="chart"') == 4 and "<script" not in html.split("<main")[1]
    assert 'style="' not in html  # the CSP forbids style attributes
    assert '<option value="login" selected>' in html and '<option value="local" selected>' in html
    # Every table links to its CSV with the same filters, so a shared link shows the same.
    assert "/insight/csv/weekly?" in html and "category=login" in html and "tier=local" in html


@pytest.mark.parametrize("query, message", [
    ("from=0001-01-01", "Välj ett datum mellan åren 2000 och 2100."),
    ("to=9999-12-31", "Välj ett datum mellan åren 2000 och 2100."),
    ("from=2026-05-01&to=2026-04-01", "Perioden måste börja innan den slutar."),
    ("from=2020-01-01&to=2026-01-01", "Välj en period på högst två år."),
    ("from=igår", "Skriv datumet som ÅÅÅÅ-MM-DD"),
    ("category=weather", "Okänd kategori."),
    ("tier=boss", "Okänd nivå."),
    ("colour=red", "Okänt filter: colour."),
])
def test_bad_input_answers_the_form_with_a_clear_message(demo_app, as_user, query, message):
    response = as_user(CENTRAL).get(f"/insight/?{query}")
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)


def test_another_schools_id_answers_like_a_missing_school(demo_app, as_user):
    client = as_user(LOCAL)
    other = client.get(f"/insight/?school_id={school_id(demo_app, 'Söderskolan')}")
    missing = client.get("/insight/?school_id=999999")
    assert other.status_code == missing.status_code == 404
    assert "Söderskolan" not in other.get_data(as_text=True)
    assert client.get(f"/insight/csv/summary?school_id={school_id(demo_app, 'Söderskolan')}").status_code == 404


def test_csv_is_utf8_with_bom_and_semicolons_scoped_like_the_page(history, as_user):
    response = as_user(CENTRAL).get("/insight/csv/schools")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    raw = response.get_data()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][0] == "Skola" and rows[0][-1] == "Per 100 anställda och elever"
    assert {r[0] for r in rows[1:]} >= {"Norrskolan", "Söderskolan"}
    local_rows = list(csv.reader(io.StringIO(as_user(LOCAL).get("/insight/csv/schools").get_data().decode("utf-8-sig")),
                                 delimiter=";"))
    assert [r[0] for r in local_rows[1:]] == ["Norrskolan"]


def test_tables_the_viewer_may_not_see_are_not_found(demo_app, as_user):
    vendor = as_user(VENDOR)
    assert vendor.get("/insight/csv/comments").status_code == 404
    assert vendor.get("/insight/csv/searches").status_code == 404
    assert vendor.get("/insight/csv/summary").status_code == 200
    assert as_user(LOCAL).get("/insight/csv/searches").status_code == 404
    assert as_user(CENTRAL).get("/insight/csv/nonsense").status_code == 404


def test_group_admin_and_teacher_find_no_overview(demo_app, as_user):
    for email in ("gruppadmin.norr@exempelkommun.se", "larare.norr@exempelkommun.se"):
        client = as_user(email)
        assert client.get("/insight/").status_code == 404
        assert client.get("/api/v1/insight").status_code == 404
        assert "/insight/" not in client.get("/").get_data(as_text=True)  # no menu entry
    assert 'href="/insight/"' in as_user(CENTRAL).get("/").get_data(as_text=True)


def test_monthly_report_for_a_chosen_month(history, as_user):
    client = as_user(CENTRAL)
    response = client.get("/insight/report?month=2026-03")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Månadsrapport mars 2026" in html and "2026-03-01 – 2026-03-31" in html
    assert "/insight/csv/" not in html  # a page for printing: no download links
    assert client.get("/insight/report?month=13-2026").status_code == 400
    assert client.get("/insight/report?month=0001-01").status_code == 400

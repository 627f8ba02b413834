"""The administration pages through the client: what is offered, refused with the reason,
queued for central, approved, and login letters."""
from __future__ import annotations

import re

from sqlalchemy import select

from helpdesk.extensions import db
from tests.matrix import Refs


def ids(app, fn):
    with app.app_context():
        return fn(Refs())


def _student_of(app, group):
    from tests.admin.matrix import _student

    with app.app_context():
        return _student(group)


def test_local_admin_sees_sync_reason_instead_of_actions_on_a_synced_class(demo_app, as_user):
    c = as_user("lokal.norr@exempelkommun.se")
    g = ids(demo_app, lambda r: r.group("6A"))
    html = c.get(f"/admin/groups/{g}").get_data(as_text=True)
    assert "Nattsynken äger den här klassen" in html
    assert f"/admin/groups/{g}/rename" not in html and f"/admin/groups/{g}/archive" not in html
    assert "Från synken" in html  # source badges
    # Posting anyway is refused with the reason, and nothing changes.
    r = c.post(f"/admin/groups/{g}/rename", data={"r-name": "6X"}, follow_redirects=True)
    # The refusal says what the rule means and what to do; the number is only a reference.
    said = r.get_data(as_text=True)
    assert "Nattsynken äger den här klassen: byt namn på den" in said and "skolans administrativa system" in said
    assert "(Som referens: synkregel 4.)" in said
    with demo_app.app_context():
        from helpdesk.directory.models import Group

        assert db.session.get(Group, g).name == "6A"


def test_removing_a_synced_student_is_refused_and_explained(demo_app, as_user):
    c = as_user("lokal.norr@exempelkommun.se")
    sid = _student_of(demo_app, "6A")
    page = c.get(f"/admin/people/{sid}").get_data(as_text=True)
    assert "Nattsynken äger den här personen: ta bort hen i skolans administrativa system" in page
    assert "(Som referens: synkregel 2.)" in page and f"/admin/people/{sid}/remove" not in page
    r = c.post(f"/admin/people/{sid}/remove", follow_redirects=True)
    assert "Inte gjort" in r.get_data(as_text=True)


def test_local_admin_asks_for_a_special_educator_without_personnummer_and_central_approves(demo_app, as_user):
    local = as_user("lokal.norr@exempelkommun.se")
    school = ids(demo_app, lambda r: r.school("Norrskolan"))
    data = {"p-kind": "staff", "p-given_name": "Sofia", "p-family_name": "Spec", "p-birth_date": "1985-04-03",
            "p-role": "special_educator", "p-reason": "Ny specialpedagog utan svenskt personnummer"}
    r = local.post(f"/admin/schools/{school}/people", data=data, follow_redirects=True)
    assert "Skickat till de centralt ansvariga" in r.get_data(as_text=True)
    home = local.get("/").get_data(as_text=True)
    assert "Lägg till personal Sofia Spec" in home and "Väntar på centralt" in home
    central = as_user("central@exempelkommun.se")
    queue = central.get("/admin/approvals").get_data(as_text=True)
    req_id = int(re.search(r'/admin/approvals/(\d+)">Lägg till personal Sofia Spec', queue).group(1))
    r = central.post(f"/admin/approvals/{req_id}/approve", data={"note": ""}, follow_redirects=True)
    assert "Godkänd och genomförd" in r.get_data(as_text=True)
    with demo_app.app_context():
        from helpdesk.directory.models import Person

        p = db.session.scalar(select(Person).where(Person.given_name == "Sofia"))
        assert p.civic_no == "19850403TF01" and p.duties[0].role.value == "special_educator"
    assert "Godkänd" in local.get(f"/admin/approvals/{req_id}").get_data(as_text=True)


def test_a_missing_reason_is_tied_to_the_field(demo_app, as_user):
    local = as_user("lokal.norr@exempelkommun.se")
    school = ids(demo_app, lambda r: r.school("Norrskolan"))
    r = local.post(f"/admin/schools/{school}/people", data={
        "p-kind": "staff", "p-given_name": "A", "p-family_name": "B", "p-birth_date": "1985-04-03",
        "p-role": "teacher"})
    html = r.get_data(as_text=True)
    assert r.status_code == 400
    assert 'id="p-reason-error"' in html and 'aria-describedby="p-reason-hint p-reason-error"' in html


def test_work_team_and_appraisal_mentor_for_everybody(demo_app, as_user):
    local = as_user("lokal.norr@exempelkommun.se")
    school = ids(demo_app, lambda r: r.school("Norrskolan"))
    r = local.post(f"/admin/schools/{school}/groups", data={"g-name": "Arbetslag F-3", "g-kind": "work_team"},
                   follow_redirects=True)
    team = ids(demo_app, lambda r: r.group("Arbetslag F-3"))
    # Lands on the new group, and says what was done.
    assert r.request.path == f"/admin/groups/{team}"
    assert "Gruppen Arbetslag F-3 skapades." in r.get_data(as_text=True)
    people = ids(demo_app, lambda r: [r.person_of("larare.norr@exempelkommun.se"),
                                      r.person_of("lokal2.norr@exempelkommun.se")])
    r = local.post(f"/admin/groups/{team}/members", data={"m-person_ids": [str(p) for p in people]},
                   follow_redirects=True)
    assert "2 personer lades till i Arbetslag F-3." in r.get_data(as_text=True)
    rektor = ids(demo_app, lambda r: r.person_of("rektor.norr@exempelkommun.se"))
    assert "(hela gruppen)" not in local.get(f"/admin/groups/{team}").get_data(as_text=True)
    r = local.post(f"/admin/groups/{team}/appraisal-mentor", data={"t-mentor_id": str(rektor)},
                   follow_redirects=True)
    assert "håller nu medarbetarsamtal med 2 personer i Arbetslag F-3." in r.get_data(as_text=True)
    # The group page shows the mentor just linked to the whole team.
    group_page = local.get(f"/admin/groups/{team}").get_data(as_text=True)
    assert f'href="/admin/mentors/{rektor}"' in group_page and "(hela gruppen)" in group_page
    page = local.get(f"/admin/mentors/{rektor}").get_data(as_text=True)
    assert "Anna Berglund" in page and "Lena Wik" in page
    report = local.get(f"/admin/schools/{school}/appraisal-report").get_data(as_text=True)
    assert "Lena Wik" not in report and "Mikael Sand" in report


def test_login_letters_and_csv_for_a_class(demo_app, as_user):
    local = as_user("lokal.norr@exempelkommun.se")
    g = ids(demo_app, lambda r: r.group("7B"))
    r = local.post(f"/admin/groups/{g}/login-details", data={"l-format": "letters", "l-lang": "en"})
    html = r.get_data(as_text=True)
    assert r.status_code == 200 and r.headers["Cache-Control"] == "no-store"
    assert html.count('class="login-letter page-break"') == 6 and "Activation code" in html
    code = re.search(r'class="login-code">([A-Z0-9-]+)<', html).group(1)
    csv = local.post(f"/admin/groups/{g}/login-details", data={"l-format": "csv", "l-lang": "sv"})
    assert csv.mimetype == "text/csv" and csv.get_data(as_text=True).startswith("given_name,family_name")
    # The letters were replaced by the CSV: the first code no longer works.
    anon = demo_app.test_client()
    r = anon.post("/activate", data={"code": code, "email": "ny@example.org", "password": "ett-langt-losen",
                                     "confirm": "ett-langt-losen"})
    assert r.status_code == 400 and "Koden gäller inte" in r.get_data(as_text=True)
    new_code = csv.get_data(as_text=True).splitlines()[1].split(",")[2]
    r = anon.post("/activate", data={"code": new_code, "email": "ny@example.org", "password": "ett-langt-losen",
                                     "confirm": "ett-langt-losen"})
    assert r.status_code == 302 and "/login" in r.headers["Location"]
    assert anon.post("/login", data={"email": "ny@example.org", "password": "ett-langt-losen"}).status_code == 302


def test_login_letters_for_the_guardians_of_a_class(demo_app, as_user):
    local = as_user("lokal.norr@exempelkommun.se")
    g = ids(demo_app, lambda r: r.group("7B"))
    page = local.get(f"/admin/groups/{g}").get_data(as_text=True)
    assert "The members&#39; guardians" in page or "Medlemmarnas vårdnadshavare" in page
    r = local.post(f"/admin/groups/{g}/login-details",
                   data={"l-recipients": "guardians", "l-format": "letters", "l-lang": "sv"})
    html = r.get_data(as_text=True)
    # 7B's five students from the sync each have a guardian; the protected student has none.
    assert html.count('class="login-letter page-break"') == 5
    assert html.count("Du får brevet som vårdnadshavare till") == 5
    csv = local.post(f"/admin/groups/{g}/login-details",
                     data={"l-recipients": "guardians", "l-format": "csv", "l-lang": "sv"}).get_data(as_text=True)
    assert csv.splitlines()[0].endswith(",guardian_of") and all(line.split(",")[-1] for line in csv.splitlines()[1:])
    bad = local.post(f"/admin/groups/{g}/login-details",
                     data={"l-recipients": "teachers", "l-format": "letters", "l-lang": "sv"})
    assert bad.status_code == 302


def test_grannby_central_does_it_all_directly(demo_app, as_user):
    c = as_user("central@grannby.se")
    school = ids(demo_app, lambda r: r.school("Grannby skola"))
    klass = ids(demo_app, lambda r: r.group("3A"))
    page = c.get(f"/admin/groups/{klass}").get_data(as_text=True)
    assert f"/admin/groups/{klass}/rename" in page and "Fråga centralt" not in page
    r = c.post(f"/admin/groups/{klass}/rename", data={"r-name": "3B"}, follow_redirects=True)
    assert "Gruppen heter nu 3B." in r.get_data(as_text=True)
    r = c.post(f"/admin/schools/{school}/people", data={
        "p-kind": "student", "p-given_name": "Ny", "p-family_name": "Elev", "p-civic_no": "201405062389"},
        follow_redirects=True)
    assert "Ny Elev lades till." in r.get_data(as_text=True)


def test_audit_page_filters_and_exports(demo_app, as_user):
    c = as_user("central@exempelkommun.se")
    html = c.get("/admin/audit?operation=create_group").get_data(as_text=True)
    assert "Medarbetargrupp rektor Norr" in html
    csv = c.get("/admin/audit.csv?operation=create_group")
    assert csv.mimetype == "text/csv" and "Medarbetargrupp rektor Norr" in csv.get_data(as_text=True)
    # Grannby's central sees none of Exempelkommun's log.
    other = as_user("central@grannby.se").get("/admin/audit.csv").get_data(as_text=True)
    assert "Medarbetargrupp" not in other


def test_the_audit_page_reads_in_words_with_filters_and_pages(demo_app, as_user):
    c = as_user("central@exempelkommun.se")
    html = c.get("/admin/audit?operation=create_group").text
    assert "Skapade medarbetargruppen Medarbetargrupp rektor Norr på Norrskolan" in html
    assert "create_group" not in html.split("<tbody>")[1]  # no operation ids or JSON in the rows
    assert "Skapade en grupp</option>" in html  # the operation filter is in words too
    assert "Medarbetargrupp" in c.get("/admin/audit?person=central%40exempelkommun&object=rektor").text
    assert "Medarbetargrupp" not in c.get("/admin/audit?person=lokal.norr").text
    # Bad values change nothing and break nothing.
    assert c.get("/admin/audit?since=2026-02-31&page=99999999999&person_id=abc").status_code == 200
    c.post("/language", data={"lang": "en"})
    assert "Created the employee group Medarbetargrupp rektor Norr at Norrskolan" in c.get("/admin/audit").text
    rows = c.get("/admin/audit.csv?object=rektor").text.splitlines()
    assert rows[0].startswith("When,Who,What happened,Changes") and len(rows) == 2


def test_local_admins_read_their_schools_audit_entries_only(demo_app, as_user):
    norr = as_user("lokal.norr@exempelkommun.se").get("/admin/audit").text
    assert "Medarbetargrupp rektor Norr" in norr
    soder = as_user("lokal.soder@exempelkommun.se")
    assert "Medarbetargrupp" not in soder.get("/admin/audit").text
    assert "Medarbetargrupp" not in soder.get("/admin/audit.csv").text
    assert as_user("gruppadmin.norr@exempelkommun.se").get("/admin/audit").status_code in (403, 404)


def test_sync_status_page_shows_runs_and_flags(demo_app, as_user, tmp_path):
    import json
    from pathlib import Path

    doc = json.loads((Path(__file__).parent.parent / "sync" / "data" / "export.json").read_text())
    path = tmp_path / "e.json"
    path.write_text(json.dumps(doc))
    with demo_app.test_request_context():
        from helpdesk.sync.importer import run_import

        run_import(path)
    html = as_user("central@exempelkommun.se").get("/sync/").get_data(as_text=True)
    assert "Senaste körningen" in html and "person" in html
    assert "Synken har inte körts" in as_user("central@grannby.se").get("/sync/").get_data(as_text=True)


def test_guardians_are_linked_by_hand_only_without_autosync(demo_app, as_user):
    from helpdesk.directory.models import GuardianRelation, Person

    # Exempelkommun has autosync: the page gives rule 3's reason instead of the form.
    c = as_user("lokal.norr@exempelkommun.se")
    student = _student_of(demo_app, "6A")
    html = c.get(f"/admin/people/{student}").get_data(as_text=True)
    assert "Koppla en vårdnadshavare" in html and "vem som är vårdnadshavare för vem" in html
    assert f"/admin/people/{student}/guardians" not in html
    # Grannby has none: central links the demo guardian to a second child of class 3A.
    c = as_user("central@grannby.se")
    with demo_app.app_context():
        guardian = Refs().person_of("vardnadshavare@grannby.se")
        from tests.admin.matrix import _student_without

        child = _student_without("3A", "vardnadshavare@grannby.se")
    html = c.get(f"/admin/people/{child}").get_data(as_text=True)
    assert f'action="/admin/people/{child}/guardians"' in html and f'value="{guardian}"' in html
    r = c.post(f"/admin/people/{child}/guardians", data={"v-guardian_id": str(guardian),
                                                        "v-relation_type": "guardian"}, follow_redirects=True)
    assert r.status_code == 200 and "är nu vårdnadshavare till" in r.get_data(as_text=True)
    with demo_app.app_context():
        rel = db.session.scalar(select(GuardianRelation).where(GuardianRelation.student_id == child,
                                                               GuardianRelation.guardian_id == guardian))
        assert rel is not None and rel.active and rel.source.value == "manual"
        assert db.session.get(Person, guardian).display_name in r.get_data(as_text=True)


def test_a_person_added_by_hand_is_listed_at_their_school(demo_app, as_user):
    c = as_user("central@grannby.se")
    school = ids(demo_app, lambda r: r.school("Grannby skola"))
    r = c.post(f"/admin/schools/{school}/people", data={"p-kind": "student", "p-given_name": "Sam",
                                                       "p-family_name": "Handlagd", "p-birth_date": "2015-03-04"})
    assert r.status_code == 302
    html = c.get(f"/admin/schools/{school}").get_data(as_text=True)
    assert "Tillagda för hand" in html and "Sam Handlagd" in html
    assert "Sam Handlagd" in c.get(f"/directory/schools/{school}").get_data(as_text=True)
    klass = ids(demo_app, lambda r: r.group("3A"))
    assert "Sam Handlagd" in c.get(f"/admin/groups/{klass}").get_data(as_text=True)  # may join the class


def test_group_page_forms_suit_touch_and_start_empty(demo_app, as_user):
    local = as_user("lokal.norr@exempelkommun.se")
    school = ids(demo_app, lambda r: r.school("Norrskolan"))
    local.post(f"/admin/schools/{school}/groups", data={"g-name": "Arbetslag 4-6", "g-kind": "work_team"})
    team = ids(demo_app, lambda r: r.group("Arbetslag 4-6"))
    page = local.get(f"/admin/groups/{team}").get_data(as_text=True)
    # Members are ticked in a checkbox list, each box inside its label: no Ctrl-click multi-select.
    assert "<select" not in page.split('id="m-person_ids"')[1].split("</fieldset>")[0]
    assert re.search(r'<label for="m-person_ids-0"><input[^>]*type="checkbox"', page)
    assert "Ctrl" not in page
    # The mentor select starts on an empty "choose a person", and sending it links nobody.
    mentor_select = page.split('id="t-mentor_id"')[1].split("</select>")[0]
    assert re.search(r'<option selected value="">Välj en person</option>', mentor_select), mentor_select
    r = local.post(f"/admin/groups/{team}/appraisal-mentor", data={"t-mentor_id": ""}, follow_redirects=True)
    assert "Välj en mentor." in r.get_data(as_text=True)
    # No field is labelled only by its placeholder; the red archive button stands apart from "Rename".
    assert "placeholder=" not in page
    assert 'class="form-narrow danger-zone"' in page


def test_person_page_mentor_selects_start_empty(demo_app, as_user):
    local = as_user("lokal.norr@exempelkommun.se")
    sid = _student_of(demo_app, "6A")
    page = local.get(f"/admin/people/{sid}").get_data(as_text=True)
    for select_id in ("s-mentor_id",):
        if f'id="{select_id}"' in page:
            first = page.split(f'id="{select_id}"')[1].split("</option>")[0]
            assert first.endswith('value="">Välj en person')
    assert "placeholder=" not in page


def test_login_letters_page_has_a_header_and_a_print_button(demo_app, as_user):
    local = as_user("lokal.norr@exempelkommun.se")
    g = ids(demo_app, lambda r: r.group("7B"))
    html = local.post(f"/admin/groups/{g}/login-details", data={"l-format": "letters", "l-lang": "sv"}).get_data(
        as_text=True)
    assert '<header class="site-header no-print">' in html and "<h1>Inloggningsuppgifter för 7B</h1>" in html
    # The button needs the script (hidden until it runs); without it the page says how to print.
    assert re.search(r'<button type="button" class="button" data-print hidden>Skriv ut breven</button>', html)
    assert "/static/js/print.js" in html and "Ctrl+P" in html
    assert 'href="/static/css/print.css" media="print"' in html

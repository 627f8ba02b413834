"""Every page of the permission matrix, opened by every demo role that may see it, at 320 px
wide: no sideways scrolling, no axe (WCAG 2.1 A/AA) violation, no script or CSP error and
no personnummer shown unmasked. The other browser tests follow journeys; this one makes sure no page is left out."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from helpdesk.directory.models import Person
from helpdesk.extensions import db
from tests.browser.conftest import assert_accessible, assert_no_sideways_scroll, narrow_page
from tests.matrix import ROLES, Refs
from tests.test_permission_matrix import CASES

pytestmark = pytest.mark.browser

# The other organisation's central team and the other school's local contact see the same
# pages as "central" and "local", with other data.
CHECKED_ROLES = [r for r in ROLES if r not in ("other_org", "local_other")]


# Layout and markup do not depend on the database, so the sweep runs on SQLite only.
@pytest.mark.sqlite_only
@pytest.mark.parametrize("lang", ["sv", "en"])  # English words have other lengths
@pytest.mark.parametrize("role", CHECKED_ROLES)
def test_every_page_fits_a_narrow_screen_and_passes_axe(browser, live_server, demo_app, role, lang):
    cases = [case for case in CASES if case.method == "GET" and role in case.allowed]
    with demo_app.app_context():
        urls = [(case.id, case.url(Refs())) for case in cases]
        civic_numbers = [n for n in db.session.scalars(select(Person.civic_no)) if n]
    # As written on screen: 12 digits, or with the separator, or the 10-digit form.
    unmasked = {form for n in civic_numbers for form in (n, f"{n[:8]}-{n[8:]}", f"{n[2:8]}-{n[8:]}")}
    context, page = narrow_page(browser, live_server, ROLES[role], lang)
    checked, problems = 0, []
    # Script errors and Content-Security-Policy refusals show up on the console as errors.
    console_errors: list[str] = []
    page.on("console", lambda message: message.type == "error" and console_errors.append(message.text))
    page.on("pageerror", lambda error: console_errors.append(str(error)))
    for case_id, url in urls:
        # Asked first without the page, since a CSV or calendar file would start a download.
        response = page.request.get(url, max_redirects=0)
        if response.status >= 500:
            problems.append(f"{case_id}: {response.status}")
            continue
        if response.status != 200 or "text/html" not in response.headers.get("content-type", ""):
            continue  # redirects, and CSV, JSON, calendar files and attachments: no layout
        console_errors.clear()
        page.goto(url)
        checked += 1
        if page.locator("html").get_attribute("lang") != lang:
            problems.append(f"{case_id} ({url}): not in {lang}")
        if console_errors:
            problems.append(f"{case_id} ({url}): console error: {console_errors[0][:200]}")
        content = page.content()  # once: each call serialises the whole page in the browser
        shown = [n for n in unmasked if n in content]
        if shown:
            problems.append(f"{case_id} ({url}): personnummer shown unmasked: {shown[0][:8]}…")
        for check in (assert_no_sideways_scroll, assert_accessible):
            try:
                check(page)
            except AssertionError as exc:  # go on, so one run lists every page's problems
                problems.append(f"{case_id} ({url}): {str(exc).splitlines()[0]}")
    context.close()
    assert checked, f"no HTML page checked as {role}"
    assert not problems, "\n".join(problems)

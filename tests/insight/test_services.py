"""The overview's figures against a world counted by hand (tests/insight/fixtures.py)."""
from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from helpdesk.errors import NotFound
from helpdesk.extensions import db
from helpdesk.insight import services
from helpdesk.insight.services import TierTimes
from helpdesk.tickets.models import TicketCategory, Tier
from tests.insight.fixtures import MARCH, build, make_ticket
from tests.support.queries import count_queries


@pytest.fixture
def world(app):
    with app.test_request_context():
        yield build()


def test_central_sees_its_organisation_beside_the_period_before(world):
    ov = services.overview(world.central, MARCH)
    now = ov.now
    assert (now.asked, now.resolved) == (5, 3)
    assert now.resolved_by_tier == {Tier.LOCAL: 2, Tier.CENTRAL: 1, Tier.VENDOR: 0}
    assert now.resolved_share(Tier.LOCAL) == 67
    assert now.reached == {Tier.LOCAL: 5, Tier.CENTRAL: 2, Tier.VENDOR: 1}
    assert now.breaches == {Tier.LOCAL: 1, Tier.CENTRAL: 0, Tier.VENDOR: 0}
    assert (now.rated, now.rating_average, now.ratings) == (3, 4.0, {1: 0, 2: 0, 3: 1, 4: 1, 5: 1})
    assert now.categories == {TicketCategory.LOGIN: 3, TicketCategory.BUG: 1, TicketCategory.USAGE: 1}
    assert (ov.before.asked, ov.before.resolved, ov.before.rating_average) == (1, 1, 4.0)
    assert ov.before.response[Tier.LOCAL] == TierTimes(1, 50, 50)


def test_times_are_nearest_rank_median_and_90th_percentile_per_tier(world):
    now = services.overview(world.central, MARCH).now
    # Local first responses 10, 30, 60, 90: the median is the 2nd, the 90th percentile the 4th.
    assert now.response[Tier.LOCAL] == TierTimes(4, 30, 90)
    assert now.response[Tier.CENTRAL] == TierTimes(2, 120, 240)
    assert now.response[Tier.VENDOR] == TierTimes()
    # Resolutions by the tier that resolved them: local 20 and 120, central 600.
    assert now.resolution[Tier.LOCAL] == TierTimes(2, 20, 120)
    assert now.resolution[Tier.CENTRAL] == TierTimes(1, 600, 600)


def test_weeks_start_on_monday_and_split_by_tier(world):
    ov = services.overview(world.central, MARCH)
    assert ov.weeks == [date(2025, 3, 3), date(2025, 3, 10), date(2025, 3, 17), date(2025, 3, 24)]
    assert ov.weekly_asked == {Tier.LOCAL: [1, 0, 2, 0], Tier.CENTRAL: [1, 0, 0, 0], Tier.VENDOR: [0, 1, 0, 0]}
    assert ov.weekly_response[Tier.LOCAL] == [30, 90, 10, None]
    assert ov.weekly_response[Tier.CENTRAL] == [240, 120, None, None]


def test_schools_by_category_and_per_100_people(world):
    ov = services.overview(world.central, MARCH)
    assert ov.heat == [
        ("Alfaskolan", {TicketCategory.LOGIN: 2, TicketCategory.USAGE: 1}, 3, 100.0),
        ("Betaskolan", {TicketCategory.BUG: 1, TicketCategory.LOGIN: 1}, 2, None),
    ]
    assert [c for _, c, _ in ov.comments] == ["Snabbt svar"]
    assert ov.open_now == 2  # the vendor's open question and Betaskolan's late one


def test_filters_narrow_every_figure(world):
    by_school = services.overview(world.central, replace(MARCH, school_id=world.a2.id))
    assert (by_school.now.asked, by_school.now.breaches[Tier.LOCAL]) == (2, 1)
    by_category = services.overview(world.central, replace(MARCH, category=TicketCategory.LOGIN))
    assert by_category.now.asked == 3 and by_category.open_now == 0
    by_tier = services.overview(world.central, replace(MARCH, tier=Tier.CENTRAL))
    assert (by_tier.now.asked, by_tier.now.resolved_by_tier[Tier.CENTRAL]) == (1, 1)


def test_local_admin_sees_only_her_school(world):
    ov = services.overview(world.local, MARCH)
    assert (ov.now.asked, ov.open_now) == (3, 1)
    assert [name for name, *_ in ov.heat] == ["Alfaskolan"]
    assert ov.now.breaches[Tier.LOCAL] == 0  # the late question is Betaskolan's
    assert ov.deflection is None and ov.searches is None and ov.boards is None


def test_vendor_sees_only_what_reached_it_across_organisations_without_comments(world):
    ov = services.overview(world.vendor, MARCH)
    assert ov.now.asked == 2  # one from each organisation
    assert ov.now.resolved_by_tier[Tier.VENDOR] == 1
    assert ov.now.response[Tier.VENDOR] == TierTimes(1, 30, 30)
    assert ov.comments == [] and ov.searches is None
    assert sorted(name for name, *_ in ov.heat) == ["Alfaskolan", "Bskolan"]


def test_operator_sees_all_and_other_roles_nothing(world):
    assert services.overview(world.operator, MARCH).now.asked == 6
    assert services.overview(world.other_central, MARCH).now.asked == 1
    with pytest.raises(NotFound):
        services.overview(world.teacher, MARCH)


def test_figures_never_count_what_the_viewer_may_not_see(world):
    """Adding questions outside a viewer's reach changes none of their figures."""
    seen = {name: services.overview(getattr(world, name), MARCH) for name in ("local", "vendor", "other_central")}
    make_ticket(world.a2, "2025-03-12", rating=2, comment="Betaskolan", resolved="2025-03-13",
                local_response_minutes=5, resolution_minutes=5)  # not Alfaskolan, not escalated, not Bby
    db.session.commit()
    for name, before in seen.items():
        assert services.overview(getattr(world, name), MARCH) == before, name
    assert services.overview(world.central, MARCH).now.asked == 6


def test_queries_are_bounded_whatever_the_volume(app, world):
    first = count_queries(app, lambda: services.overview(world.central, MARCH))
    for day in range(3, 28):
        make_ticket(world.a1, f"2025-03-{day:02d}", resolved=f"2025-03-{day + 1:02d}", rating=4,
                    local_response_minutes=day, resolution_minutes=day * 2)
    db.session.commit()
    assert count_queries(app, lambda: services.overview(world.central, MARCH)) == first
    assert first <= 25


def test_boards_median_time_to_the_first_answer(world):
    """The first post by someone other than the asker, in calendar hours; an unanswered
    question and the asker's own follow-up do not count."""
    from datetime import timedelta

    from helpdesk.boards.models import Board, BoardKind, Post, Thread
    from tests.insight.fixtures import at

    board = Board(organisation_id=world.a1.organisation_id, name="Stöd", kind=BoardKind.SUPPORT_GROUP)
    db.session.add(board)
    db.session.flush()
    for day, waits in [("2025-03-04", [1, 3]), ("2025-03-05", [10]), ("2025-03-06", []), ("2025-03-07", [30])]:
        asked = at(day)
        thread = Thread(board_id=board.id, title="Fråga", author_id=world.central.id, post_count=1 + len(waits),
                        created_at=asked, last_activity_at=asked)
        db.session.add(thread)
        db.session.flush()
        db.session.add(Post(thread_id=thread.id, author_id=world.central.id, body="?", body_html="?", created_at=asked))
        for i, hours in enumerate(waits):
            # The asker follows up after an hour on the first day: not an answer.
            author = world.central if hours == 1 else world.local
            db.session.add(Post(thread_id=thread.id, author_id=author.id, body="!", body_html="!",
                                created_at=asked + timedelta(hours=hours, minutes=i)))
    db.session.commit()
    boards = services.overview(world.central, MARCH).boards
    # First answers after 3, 10 and 30 hours: the median (nearest rank) is the second.
    assert boards == {"threads": 4, "answered": 3, "first_answer_median_hours": 10.0}

"""A small, hand-countable world for the overview: two organisations using one vendor, three
schools, and tickets whose every figure can be worked out on paper (see the test file).

The period is fixed in the past (March 2025, four whole weeks from Monday 3 March), so the
figures never depend on today; only "open now" is measured from now, as it should be.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timezone
from itertools import count

from helpdesk.directory.models import Vendor
from helpdesk.extensions import db
from helpdesk.insight.filters import Filters
from helpdesk.tickets.models import (
    EventKind,
    RequesterRole,
    Ticket,
    TicketCategory,
    TicketEvent,
    TicketStatus,
    Tier,
)
from tests.support.factories import (
    PersonKind,
    Role,
    add_duty,
    add_member,
    make_group,
    make_org,
    make_person,
    make_school,
    make_user,
)

MARCH = Filters(date(2025, 3, 3), date(2025, 3, 30))
_numbers = count(1)


def at(day: str, hour: int = 11) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=timezone.utc)


def make_ticket(school, created: str, *, tier=Tier.LOCAL, category=TicketCategory.LOGIN, resolved: str | None = None,
                vendor=None, rating=None, comment=None, **minutes) -> Ticket:
    t = Ticket(number=f"T-{next(_numbers)}", organisation_id=school.organisation_id, school_id=school.id,
               requester_role=RequesterRole.STAFF, requester_name="Anna Andersson", category=category,
               subject="Fråga", tier=tier, status=TicketStatus.RESOLVED if resolved else TicketStatus.OPEN,
               created_at=at(created), updated_at=at(created))
    if resolved:
        t.resolved_at = at(resolved)
    if tier is not Tier.LOCAL:
        t.central_responded_at = t.central_responded_at or (at(created, 12) if "central_response_minutes" in minutes else None)
    if vendor is not None:
        t.vendor_id, t.vendor_escalated_at = vendor.id, at(created, 13)
    if rating is not None:
        t.rating, t.rating_comment, t.rated_at = rating, comment, t.resolved_at
    for name, value in minutes.items():
        setattr(t, name, value)
    db.session.add(t)
    db.session.flush()
    return t


def breach(ticket: Ticket, day: str, kind: str) -> None:
    db.session.add(TicketEvent(ticket_id=ticket.id, actor_name="System", kind=EventKind.SLA_BREACHED,
                               to_value=kind, tier_after=ticket.tier, status_after=ticket.status,
                               created_at=at(day)))


@dataclass
class World:
    central: object
    local: object
    vendor: object
    operator: object
    teacher: object
    other_central: object
    a1: object
    a2: object
    b1: object


def build() -> World:
    vendor = Vendor(name="Plattformen AB")
    db.session.add(vendor)
    db.session.flush()
    org_a, org_b = make_org("Aby kommun"), make_org("Bby kommun")
    org_a.vendor_id = org_b.vendor_id = vendor.id
    a1, a2, b1 = make_school(org_a, "Alfaskolan"), make_school(org_a, "Betaskolan"), make_school(org_b, "Bskolan")
    # Alfaskolan: two staff and one pupil, so 3 questions are 100 per 100 people.
    staff = [make_person(org_a) for _ in range(2)]
    for person in staff:
        add_duty(person, a1)
    add_member(make_person(org_a, PersonKind.STUDENT), make_group(a1, "1A"))
    teacher_person = staff[0]
    world = World(
        central=make_user(org=org_a, roles=[(Role.CENTRAL_ADMIN, org_a)]),
        local=make_user(org=org_a, roles=[(Role.LOCAL_ADMIN, a1)]),
        vendor=make_user(vendor=vendor, roles=[(Role.VENDOR_AGENT, None)]),
        operator=make_user(roles=[(Role.OPERATOR, None)]),
        teacher=make_user(person=teacher_person, roles=[(Role.STAFF, None)]),
        other_central=make_user(org=org_b, roles=[(Role.CENTRAL_ADMIN, org_b)]),
        a1=a1, a2=a2, b1=b1)
    make_ticket(a1, "2025-03-04", resolved="2025-03-05", rating=5, comment="Snabbt svar",
                local_response_minutes=60, resolution_minutes=120)
    make_ticket(a1, "2025-03-05", tier=Tier.CENTRAL, resolved="2025-03-12", rating=3,
                local_response_minutes=30, central_response_minutes=240, resolution_minutes=600)
    make_ticket(a1, "2025-03-11", tier=Tier.VENDOR, category=TicketCategory.USAGE, vendor=vendor,
                local_response_minutes=90, central_response_minutes=120)
    late = make_ticket(a2, "2025-03-18", category=TicketCategory.BUG)
    breach(late, "2025-03-19", "local_response")
    make_ticket(a2, "2025-03-19", resolved="2025-03-20", rating=4, local_response_minutes=10, resolution_minutes=20)
    make_ticket(b1, "2025-03-06", tier=Tier.VENDOR, category=TicketCategory.BUG, vendor=vendor, resolved="2025-03-10", rating=1,
                comment="Ingen hjälp", vendor_response_minutes=30, resolution_minutes=900)
    make_ticket(a1, "2025-02-10", resolved="2025-02-11", rating=4, local_response_minutes=50, resolution_minutes=100)
    db.session.commit()
    return world



def add_recent_history(organisation_name: str, weeks: int = 12) -> int:
    """A few questions a week over the last `weeks` weeks in every school of the organisation,
    deterministic (no randomness), counted from today so the default period shows them."""
    from sqlalchemy import select

    from helpdesk.directory.models import Organisation, School
    from tests.support.clock import day_ahead

    org = db.session.scalar(select(Organisation).where(Organisation.name == organisation_name))
    schools = list(db.session.scalars(select(School).where(School.organisation_id == org.id).order_by(School.id)))
    categories, tiers = list(TicketCategory), [Tier.LOCAL, Tier.LOCAL, Tier.CENTRAL, Tier.LOCAL, Tier.VENDOR]
    made = 0
    for n in range(weeks * 6):
        day = day_ahead(-(n * 7 // 6) - 1)
        tier = tiers[n % len(tiers)]
        resolved = day_ahead(-(n * 7 // 6) + 1) if n % 4 and n > 8 else None
        make_ticket(schools[n % len(schools)], day.isoformat(), tier=tier, category=categories[n % len(categories)],
                    resolved=resolved.isoformat() if resolved else None, rating=(n % 5) + 1 if resolved else None,
                    local_response_minutes=30 + (n * 37) % 400,
                    central_response_minutes=(60 + (n * 53) % 900) if tier is not Tier.LOCAL else None,
                    resolution_minutes=(200 + n * 17) if resolved else None)
        made += 1
    db.session.commit()
    return made

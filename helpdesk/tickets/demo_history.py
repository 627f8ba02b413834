"""The demo municipality's past: about six months of questions before today, written in bulk.

Each question is played out as a story (filed, answered, asked back, escalated to central
and the vendor, resolved, rated, closed) on the same business-hours clock as the deadlines
(`sla.BusinessCalendar`), then cut at the start of today: what had not happened by then
has not happened, so the last days' questions are still open. The deadlines the story
passed are recorded as the tick would have (an `sla_breached` event), and the open ones get
their deadlines from `sla.recompute`, so queues, start pages and the overview agree.

Deterministic: one seeded random generator and dates counted back from today's date, so
two loads on the same day give the same rows. Fast: rows are built in Python and written
with one executemany per table, not one ORM object per row.
"""
from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from types import SimpleNamespace

from sqlalchemy import func, insert, select, text

from helpdesk.directory.models import GroupKind, GuardianRelation, Membership, Person
from helpdesk.directory.models import Group as DirGroup
from helpdesk.extensions import db
from helpdesk.models_base import utcnow
from helpdesk.tickets import demo_texts as texts
from helpdesk.tickets import sla
from helpdesk.tickets.models import (
    ACTIVE_STATUSES,
    EventKind,
    Ticket,
    TicketCounter,
    TicketEvent,
    TicketMessage,
    TicketStatus,
    Tier,
)

SEED = 20260601
HISTORY_DAYS = 182
# Questions on an ordinary term-time weekday, across the demo's schools.
PER_WEEKDAY = 22
CATEGORY_WEIGHTS = {"login": 25, "administration": 20, "usage": 30, "bug": 12, "feedback": 5, "other": 8}
SYSTEM = (None, "System")


def history_start(today: date) -> date:
    return today - timedelta(days=HISTORY_DAYS)


def _season(day: date) -> float:
    """How busy support is on a day: quiet summers and holidays, a rush at term start."""
    md = (day.month, day.day)
    if day.weekday() >= 5:
        return 0.05
    if (6, 20) <= md <= (8, 10) or md >= (12, 21) or md <= (1, 6):
        return 0.15
    if (8, 11) <= md <= (9, 15):
        return 1.8
    if day.isocalendar()[1] == 44:  # the autumn break
        return 0.4
    return 1.0


@dataclass
class Place:
    """A school: who asks there and who answers at each tier."""

    school_id: int
    org_id: int
    org_code: str
    vendor_id: int | None
    weight: int
    local: list[tuple[int, str]]
    central: list[tuple[int, str]]
    staff: list[tuple[int, str]]
    guardians: list[tuple[int, str, int]] = field(default_factory=list)  # (user id, name, child id)
    guests: list[tuple[str, str]] = field(default_factory=list)  # (name, e-mail)


class _Story:
    """One question played forward in time; every change leaves a snapshot of the ticket."""

    def __init__(self, rng: random.Random, cal: sla.BusinessCalendar, created: datetime, tier: Tier):
        self.rng, self.cal, self.t = rng, cal, created
        self.state = {"tier": tier, "status": TicketStatus.NEW, "assignee": (None, None),
                      "responded": {}, "resolved_at": None, "closed_at": None, "rating": None,
                      "rating_comment": None, "rated_at": None, "vendor_escalated_at": None,
                      "vendor_reference": None, "vendor_status": None, "resolution_summary": None}
        self.events: list[dict] = []
        self.messages: list[dict] = []
        self.snapshots: list[tuple[datetime, dict]] = []
        self.slow = False

    def business(self, hours: float) -> None:
        self.t = self.cal.add_seconds(self.t, hours * 3600)

    def wall(self, hours: float) -> None:
        self.t += timedelta(hours=hours)

    def _snap(self) -> None:
        s = dict(self.state)
        s["responded"] = dict(self.state["responded"])
        self.snapshots.append((self.t, s))

    def event(self, kind: EventKind, actor, *, frm=None, to=None, note=None) -> None:
        self.t += timedelta(seconds=30)
        self.events.append({"actor_id": actor[0], "actor_name": actor[1], "kind": kind,
                            "from_value": getattr(frm, "value", frm), "to_value": getattr(to, "value", to),
                            "note": note, "tier_after": self.state["tier"],
                            "status_after": self.state["status"], "created_at": self.t})
        self._snap()

    def message(self, actor, role: str, body: str, *, internal=False, shared=False) -> None:
        self.t += timedelta(seconds=30)
        self.messages.append({"author_id": actor[0], "author_name": actor[1], "author_role": role,
                              "internal": internal, "shared_with_vendor": shared, "body": body,
                              "created_at": self.t})
        self._snap()

    def status(self, status: TicketStatus, actor, note=None) -> None:
        old, self.state["status"] = self.state["status"], status
        self.event(EventKind.STATUS_CHANGED, actor, frm=old, to=status, note=note)

    def respond(self) -> None:
        self.state["responded"].setdefault(self.state["tier"], self.t)
        self._snap()

    def delay(self, median_hours: float, spread: float, target: float | None = None) -> float:
        hours = self.rng.lognormvariate(math.log(median_hours), spread)
        if target is not None and hours > target:
            self.slow = True
        return hours


def _pick(rng, items):
    return items[rng.randrange(len(items))]


def _answer_and_resolve(story: _Story, agent, role: str, answers, *, summary: bool) -> None:
    story.message(agent, role, _pick(story.rng, answers))
    story.respond()
    _resolve(story, agent, summary=summary)


def _resolve(story: _Story, agent, *, summary: bool) -> None:
    story.state["resolved_at"] = story.t + timedelta(seconds=30)
    if summary:
        story.state["resolution_summary"] = _pick(story.rng, texts.SUMMARIES)
    story.status(TicketStatus.RESOLVED, agent)


def _ask_requester(story: _Story, agent, role: str, requester) -> None:
    """The agent asks back (the clock pauses), the requester answers a while later."""
    story.message(agent, role, _pick(story.rng, texts.ASK_REQUESTER))
    story.respond()
    story.status(TicketStatus.WAITING_FOR_REQUESTER, agent)
    story.wall(story.rng.uniform(1, 72))
    story.message(requester, "requester", _pick(story.rng, texts.REQUESTER_REPLIES))
    story.status(TicketStatus.OPEN, requester)
    story.business(story.delay(3, 1.0))


def _escalate(story: _Story, agent, to: Tier, note: str, *, auto=False) -> None:
    old = story.state["tier"]
    if not auto:
        story.respond()
    story.state.update(tier=to, status=TicketStatus.WAITING_FOR_TIER_ABOVE, assignee=(None, None))
    if to is Tier.VENDOR:
        story.state["vendor_escalated_at"] = story.t
        story.message(agent, "central", note, internal=True, shared=True)
    story.event(EventKind.AUTO_ESCALATED if auto else EventKind.ESCALATED, SYSTEM if auto else agent,
                frm=old, to=to, note=None if auto else note)


def _pick_up(story: _Story, agent) -> None:
    """The tier's first look: assigned, and the ticket is open."""
    story.state["assignee"] = agent
    if story.state["status"] in (TicketStatus.NEW, TicketStatus.WAITING_FOR_TIER_ABOVE):
        story.status(TicketStatus.OPEN, agent)


def _play(story: _Story, place: Place, goals: dict, vendor, requester) -> None:
    rng = story.rng
    tier = story.state["tier"]
    if tier is Tier.LOCAL:
        local = _pick(rng, place.local)
        first = story.delay(2, 0.9)
        # (A few minutes' margin: the answer follows the pick-up by a minute or two.)
        if first > goals["local"][0] - 0.1:
            # Nobody answered in time: the tick sends it to central at the deadline.
            story.business(goals["local"][0])
            story.slow = True
            _escalate(story, SYSTEM, Tier.CENTRAL, "", auto=True)
        else:
            story.business(first)
            _pick_up(story, local)
            if rng.random() < 0.15:
                _ask_requester(story, local, "local", requester)
            if rng.random() < 0.72:
                story.message(local, "local", _pick(rng, texts.LOCAL_ANSWERS))
                story.respond()
                # Resolved once the requester confirms or the agent sees it works.
                story.business(story.delay(3, 1.4, goals["local"][1]))
                _resolve(story, local, summary=False)
                return
            if not story.state["responded"]:
                story.message(local, "local", "Jag tittar på det och återkommer.")
                story.respond()
            story.business(rng.uniform(0.5, 6))
            _escalate(story, local, Tier.CENTRAL, _pick(rng, texts.ESCALATION_NOTES))
    central = _pick(rng, place.central)
    story.business(story.delay(4, 1.0, goals["central"][0]))
    _pick_up(story, central)
    if rng.random() < 0.12:
        _ask_requester(story, central, "central", requester)
    if rng.random() < 0.78 or vendor is None or place.vendor_id is None:
        story.message(central, "central", "Vi tittar på det och återkommer.")
        story.respond()
        story.business(story.delay(10, 1.0))
        _answer_and_resolve(story, central, "central", texts.CENTRAL_ANSWERS, summary=True)
        return
    story.business(rng.uniform(0.5, 4))
    _escalate(story, central, Tier.VENDOR, _pick(rng, texts.VENDOR_NOTES))
    story.business(story.delay(6, 0.9, goals["vendor"][0]))
    _pick_up(story, vendor)
    story.message(vendor, "vendor", _pick(rng, texts.VENDOR_REPLIES), internal=True, shared=True)
    story.respond()
    story.state["vendor_reference"] = f"UNI-{rng.randint(10000, 99999)}"
    story.state["vendor_status"] = texts.VENDOR_CASE_STATUSES[0]
    story.event(EventKind.VENDOR_CASE, vendor, to=story.state["vendor_reference"], note=story.state["vendor_status"])
    if rng.random() < 0.2:  # the vendor needs to know more; central answers in a shared note
        story.business(story.delay(2, 0.8))
        story.message(vendor, "vendor", texts.VENDOR_REPLIES[2], internal=True, shared=True)
        story.event(EventKind.INFO_REQUESTED, vendor, note=texts.VENDOR_REPLIES[2])
        story.business(story.delay(3, 0.8))
        story.message(central, "central", "Det gäller Edge och Chrome, senaste versionerna.", internal=True, shared=True)
    if rng.random() < 0.55:
        story.business(story.delay(30, 0.8, goals["vendor"][1]))
        story.state["vendor_status"] = texts.VENDOR_CASE_STATUSES[2]
        story.state["resolved_at"] = story.t + timedelta(seconds=30)
        story.state["resolution_summary"] = texts.SUMMARIES[1]
        story.status(TicketStatus.RESOLVED, vendor)
        story.message(central, "central", texts.CENTRAL_ANSWERS[3])
        return
    story.business(story.delay(20, 0.8))
    note = texts.VENDOR_CASE_STATUSES[1]
    story.message(vendor, "vendor", note, internal=True, shared=True)
    story.state.update(tier=Tier.CENTRAL, status=TicketStatus.OPEN, assignee=(None, None))
    story.event(EventKind.SENT_BACK, vendor, frm=Tier.VENDOR, to=Tier.CENTRAL, note=note)
    story.business(story.delay(2, 0.8))
    story.state["assignee"] = central
    _answer_and_resolve(story, central, "central", texts.CENTRAL_ANSWERS, summary=True)


def _after_resolution(story: _Story, requester, close_after_days: int) -> None:
    """The requester may rate the answer; a week later the tick closes the question."""
    rng = story.rng
    resolved_at = story.t
    if requester[0] is not None and rng.random() < 0.45:
        story.wall(rng.uniform(1, 30))
        weights = [5, 10, 20, 30, 35] if story.slow else [1, 2, 8, 30, 59]
        rating = rng.choices([1, 2, 3, 4, 5], weights)[0]
        band = "good" if rating >= 4 else ("middling" if rating == 3 else "poor")
        comment = _pick(rng, texts.RATING_COMMENTS[band]) if rng.random() < 0.35 else None
        story.state.update(rating=rating, rating_comment=comment, rated_at=story.t + timedelta(seconds=30))
        story.event(EventKind.RATED, requester, to=str(rating))
    story.t = max(story.t, resolved_at + timedelta(days=close_after_days, minutes=rng.randint(5, 600)))
    story.state["closed_at"] = story.t + timedelta(seconds=30)
    story.status(TicketStatus.CLOSED, SYSTEM)


def _requester(rng, place: Place, category: str):
    """(user id, name, role, child id, guest e-mail) of who asks."""
    guardian_ok = category != "administration"
    if guardian_ok and (place.guardians or place.guests) and (not place.staff or rng.random() < 0.3):
        if place.guardians and (not place.guests or rng.random() < 0.5):
            user_id, name, child = _pick(rng, place.guardians)
            return user_id, name, "guardian", child, None
        name, email = _pick(rng, place.guests)
        return None, name, "guest", None, email
    if not place.staff:
        return None
    user_id, name = _pick(rng, place.staff)
    return user_id, name, "staff", None, None


def _stockholm_moment(rng, day: date) -> datetime:
    hour = rng.choices([7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 19, 21], [2, 10, 12, 12, 10, 8, 10, 11, 10, 7, 3, 3, 2])[0]
    local = datetime.combine(day, time(hour, rng.randrange(60)), sla.STOCKHOLM)
    return local.astimezone(timezone.utc)


def generate(places: list[Place], vendor, today: date, *, cal_for, goals_for, close_after_days: int = 7):
    """Every past question as (ticket row, events, messages), cut at the start of `today`."""
    rng = random.Random(SEED)
    cut = datetime.combine(today, time(0, 0), sla.STOCKHOLM).astimezone(timezone.utc)
    weights = [p.weight for p in places]
    categories, category_weights = list(CATEGORY_WEIGHTS), list(CATEGORY_WEIGHTS.values())
    stories = []
    day = history_start(today)
    while day < today:
        count = round(PER_WEEKDAY * _season(day) * rng.uniform(0.7, 1.3))
        for _ in range(count):
            place = rng.choices(places, weights)[0]
            category = rng.choices(categories, category_weights)[0]
            who = _requester(rng, place, category)
            if who is None:
                continue
            cal, goals = cal_for(place.org_id), goals_for(place.org_id)
            created = _stockholm_moment(rng, day)
            story = _Story(rng, cal, created, Tier.LOCAL)
            requester = (who[0], who[1])
            subject, question = _pick(rng, texts.QUESTIONS[category])
            story.message(requester, "requester", question)
            story.event(EventKind.CREATED, requester, to=Tier.LOCAL)
            if not place.local:
                story.state["tier"] = Tier.CENTRAL
                story.event(EventKind.ROUTED_TO_CENTRAL, SYSTEM, frm=Tier.LOCAL, to=Tier.CENTRAL)
            _play(story, place, goals, vendor, requester)
            _after_resolution(story, requester, close_after_days)
            stories.append(_finish(story, place, category, who, created, subject, cut, cal, goals))
        day += timedelta(days=1)
    return stories


def _finish(story: _Story, place: Place, category: str, who, created: datetime, subject: str,
            cut: datetime, cal, goals):
    """The story as it stood at `cut`: rows for the ticket, its events and its messages."""
    events = [e for e in story.events if e["created_at"] < cut]
    messages = [m for m in story.messages if m["created_at"] < cut]
    state = [s for t, s in story.snapshots if t < cut][-1]
    responded = state["responded"]
    history = [SimpleNamespace(**e) for e in events]
    passed = sla.deadlines_passed(history, responded, cut, cal, goals)
    auto = any(e["kind"] is EventKind.AUTO_ESCALATED for e in events)
    passed = [(when, kind) for when, kind in passed if not (auto and kind == "local_response")]
    # The state a breach snapshots is the story's own last event before it, never a breach
    # appended here: a second breach (the vendor's after the central one) took the first
    # breach's stale tier and status, and so stopped the vendor's clock in the history.
    story_events = sorted(events, key=lambda e: e["created_at"])
    for when, kind in passed:
        before = [e for e in story_events if e["created_at"] <= when][-1]
        events.append({"actor_id": None, "actor_name": "System", "kind": EventKind.SLA_BREACHED, "from_value": None,
                       "to_value": kind, "note": None, "tier_after": before["tier_after"],
                       "status_after": before["status_after"], "created_at": when + timedelta(seconds=1)})
    # Ids follow time within a ticket: the SLA clocks read the history in id order.
    events.sort(key=lambda e: e["created_at"])
    user_id, name, role, child, guest_email = who
    ticket = {
        "organisation_id": place.org_id, "school_id": place.school_id, "requester_id": user_id,
        "requester_role": role, "requester_name": name, "guest_email": guest_email, "student_id": child,
        "category": category, "subject": subject, "subject_original": None, "tier": state["tier"],
        "status": state["status"], "assignee_id": state["assignee"][0], "assignee_name": state["assignee"][1],
        "vendor_id": place.vendor_id, "vendor_escalated_at": state["vendor_escalated_at"],
        "vendor_reference": state["vendor_reference"], "vendor_status": state["vendor_status"],
        "created_at": created, "updated_at": max(events[-1]["created_at"], messages[-1]["created_at"]),
        "message_count": len(messages), "attachment_count": 0,
        "resolved_at": state["resolved_at"], "closed_at": state["closed_at"],
        "resolution_summary": state["resolution_summary"], "rating": state["rating"],
        "rating_comment": state["rating_comment"], "rated_at": state["rated_at"],
        "breach_notified_kind": passed[-1][1] if passed else None,
    }
    for tier in Tier:
        ticket[f"{tier.value}_responded_at"] = responded.get(tier)
        # The business minutes the insight overview aggregates, as the ticket service records them.
        ticket[f"{tier.value}_response_minutes"] = (
            sla.running_minutes(history, tier, responded[tier], cal) if responded.get(tier) else None)
    ticket["resolution_minutes"] = (round(cal.seconds_between(created, state["resolved_at"]) / 60)
                                    if state["resolved_at"] else None)
    _deadlines(ticket, history, cal, goals)
    if ticket["status"] in ACTIVE_STATUSES and ticket["sla_due_at"] is not None and ticket["sla_due_at"] < cut:
        # The tick already warned about it: no burst of old breach mail on the first run.
        ticket["breach_notified_kind"] = ticket["sla_due_kind"]
    return ticket, events, messages


def _deadlines(ticket: dict, history, cal, goals) -> None:
    """The deadline columns exactly as `sla.recompute` stores them for this history."""
    for t in Tier:
        for what in ("response", "resolution"):
            ticket[f"{t.value}_{what}_due"] = None
    ticket["sla_due_at"] = ticket["sla_due_kind"] = None
    if ticket["status"] not in ACTIVE_STATUSES:
        return  # a paused or finished clock has no deadlines
    probe = Ticket(tier=ticket["tier"], status=ticket["status"], organisation_id=ticket["organisation_id"],
                   **{f"{t.value}_responded_at": ticket[f"{t.value}_responded_at"] for t in Tier})
    sla.recompute(probe, events=history, now=utcnow(), cal=cal, goals=goals)
    for key in ticket:
        if key.endswith("_due") or key in ("sla_due_at", "sla_due_kind"):
            ticket[key] = getattr(probe, key)


_ENUM_KEYS = ("tier", "status", "kind", "tier_after", "status_after")


def _values(row: dict) -> dict:
    """The row as written: enums by their value."""
    out = dict(row)
    for key in _ENUM_KEYS:
        if key in out:
            out[key] = out[key].value
    return out


def _next_id(table) -> int:
    return (db.session.execute(select(func.max(table.c.id))).scalar() or 0) + 1


def _sync_sequence(table) -> None:
    """Rows written with their own ids: PostgreSQL's sequence must move past them."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text(f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                                f"(SELECT max(id) FROM {table.name}))"))


def write(stories, orgs: dict[int, str]) -> int:
    """Numbers in order of filing per organisation and year, then one executemany per table."""
    counters: dict[tuple[int, int], int] = {}
    for row in db.session.execute(select(TicketCounter.organisation_id, TicketCounter.year, TicketCounter.last_number)):
        counters[(row[0], row[1])] = row[2]
    existing = set(counters)
    stories.sort(key=lambda s: s[0]["created_at"])
    rows = []
    for ticket, _events, _messages in stories:
        year = ticket["created_at"].astimezone(sla.STOCKHOLM).year
        key = (ticket["organisation_id"], year)
        counters[key] = counters.get(key, 0) + 1
        rows.append(_values(ticket) | {"number": f"{orgs[ticket['organisation_id']]}-{year}-{counters[key]:05d}"})
    if not rows:
        return 0
    # Our own ids (RETURNING in parameter order would write SQLite rows one at a time).
    first = _next_id(Ticket.__table__)
    ids = range(first, first + len(rows))
    for ticket_id, row in zip(ids, rows):
        row["id"] = ticket_id
    events, messages = [], []
    for ticket_id, (_t, evs, msgs) in zip(ids, stories):
        events.extend(_values(e) | {"ticket_id": ticket_id} for e in evs)
        messages.extend(m | {"ticket_id": ticket_id} for m in msgs)
    conn = db.session.connection()
    conn.execute(insert(Ticket.__table__), rows)
    _sync_sequence(Ticket.__table__)
    conn.execute(insert(TicketEvent.__table__), events)
    conn.execute(insert(TicketMessage.__table__), messages)
    for (org_id, year), last in counters.items():
        if (org_id, year) in existing:
            conn.execute(TicketCounter.__table__.update().where(
                TicketCounter.organisation_id == org_id, TicketCounter.year == year).values(last_number=last))
        else:
            conn.execute(insert(TicketCounter.__table__).values(organisation_id=org_id, year=year, last_number=last))
    return len(rows)


# ---------------------------------------------------------------- the demo step

def _guests_of(school_id: int) -> list[tuple[str, str]]:
    """Guardians of the school's classes who have an e-mail address (they ask as guests)."""
    rows = db.session.execute(
        select(Person.given_name, Person.family_name, Person.email)
        .join(GuardianRelation, GuardianRelation.guardian_id == Person.id)
        .join(Membership, Membership.person_id == GuardianRelation.student_id)
        .join(DirGroup, DirGroup.id == Membership.group_id)
        .where(DirGroup.school_id == school_id, DirGroup.kind == GroupKind.CLASS, Person.email.is_not(None))
        .order_by(Person.id)).all()
    seen, out = set(), []
    for given, family, email in rows:
        if email not in seen:
            seen.add(email)
            out.append((f"{given} {family}", email))
    return out


def _guardian_accounts(ctx, school_keys: dict[str, str]) -> dict[int, list[tuple[int, str, int]]]:
    """The guardian accounts' children, by the school each child goes to."""
    from helpdesk.tickets.services import school_of_student

    out: dict[int, list] = {}
    for email in school_keys:
        user = ctx.users.get(email)
        if user is None or user.person_id is None:
            continue
        for (child,) in db.session.execute(select(GuardianRelation.student_id)
                                          .where(GuardianRelation.guardian_id == user.person_id)):
            school = school_of_student(child)
            if school is not None:
                out.setdefault(school.id, []).append((user.id, user.display_name, child))
    return out


# school key: (share of the questions, staff who ask there)
_SCHOOLS = {
    "norr": (35, ["larare.norr@exempelkommun.se", "rektor.norr@exempelkommun.se",
                  "gruppadmin.norr@exempelkommun.se"]),
    "soder": (24, ["larare.soder@exempelkommun.se"]),
    "vaster": (10, []),
    "ekback": (16, ["larare.ekback@exempelkommun.se"]),
    "grannby": (15, ["larare@grannby.se"]),
}
_CENTRAL = {"exk": ["central@exempelkommun.se", "central2@exempelkommun.se", "central3@exempelkommun.se"],
            "grb": ["central@grannby.se"]}
_GUARDIAN_ACCOUNTS = {"vardnadshavare.norr@exempelkommun.se": "exk", "vardnadshavare@grannby.se": "grb"}


def places_of(ctx) -> list[Place]:
    from helpdesk.auth.models import Role, RoleAssignment, User

    def who(email):
        user = ctx.users[email]
        return user.id, user.display_name

    guardians = _guardian_accounts(ctx, _GUARDIAN_ACCOUNTS)
    places = []
    for key, (weight, staff) in _SCHOOLS.items():
        school = ctx.schools[key]
        org_key = next(k for k, o in ctx.orgs.items() if o.id == school.organisation_id)
        org = ctx.orgs[org_key]
        local = [(u.id, u.display_name) for u in db.session.scalars(
            select(User).join(RoleAssignment, RoleAssignment.user_id == User.id)
            .where(RoleAssignment.role == Role.LOCAL_ADMIN, RoleAssignment.school_id == school.id)
            .order_by(User.id))]
        places.append(Place(school.id, org.id, org.code, org.vendor_id, weight, local,
                            [who(e) for e in _CENTRAL[org_key]], [who(e) for e in staff],
                            guardians.get(school.id, []), _guests_of(school.id)))
    return places


def demo_step(ctx) -> None:
    """The history of the demo's schools (a step of `build_demo(history=True)`)."""
    db.session.flush()
    today = utcnow().astimezone(sla.STOCKHOLM).date()
    vendor_user = ctx.users["leverantor@leverantor.example"]
    vendor = (vendor_user.id, vendor_user.display_name)
    calendars, goals = {}, {}

    def cal_for(org_id):
        if org_id not in calendars:
            calendars[org_id] = sla.calendar_for(org_id)
        return calendars[org_id]

    def goals_for(org_id):
        if org_id not in goals:
            goals[org_id] = sla.targets(org_id)
        return goals[org_id]

    from flask import current_app

    stories = generate(places_of(ctx), vendor, today, cal_for=cal_for, goals_for=goals_for,
                       close_after_days=current_app.config.get("TICKET_AUTO_CLOSE_DAYS", 7))
    write(stories, {o.id: o.code for o in ctx.orgs.values()})

"""The overview's daily rollup: what happened to one organisation's questions on one day
(Swedish calendar), per school, category, current tier and the vendor it reached, so the
overview sums a few thousand rows instead of reading every ticket of a year.

Each row is recomputed from the tickets for the days a change touched (see rollup.py), so it
always equals what a direct count over the tickets would give.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from helpdesk.extensions import db
from helpdesk.models_base import enum_column
from helpdesk.tickets.models import TicketCategory, Tier

# The dimensions every figure can be filtered by (the viewer's reach and the URL's filters).
DIMENSIONS = ("school_id", "category", "tier", "vendor_id")


class InsightDay(db.Model):
    """Counts of one day: filed (asked, and how far up they went), resolved, rated and the
    deadlines passed, each on the day it happened, under the question's current dimensions."""

    __tablename__ = "insight_day"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    day: Mapped[date]
    week: Mapped[date]  # the Monday of the day's week: the weekly charts group by it
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id"))
    category: Mapped[TicketCategory] = enum_column(TicketCategory)
    tier: Mapped[Tier] = enum_column(Tier)
    # The vendor, once the question was escalated to it (the vendor's reach), else None.
    vendor_id: Mapped[int | None] = mapped_column(ForeignKey("vendor.id"))
    asked: Mapped[int] = mapped_column(default=0)
    reached_central: Mapped[int] = mapped_column(default=0)
    reached_vendor: Mapped[int] = mapped_column(default=0)
    resolved: Mapped[int] = mapped_column(default=0)
    rated: Mapped[int] = mapped_column(default=0)
    rating_sum: Mapped[int] = mapped_column(default=0)
    rating_1: Mapped[int] = mapped_column(default=0)
    rating_2: Mapped[int] = mapped_column(default=0)
    rating_3: Mapped[int] = mapped_column(default=0)
    rating_4: Mapped[int] = mapped_column(default=0)
    rating_5: Mapped[int] = mapped_column(default=0)
    breached_local: Mapped[int] = mapped_column(default=0)
    breached_central: Mapped[int] = mapped_column(default=0)
    breached_vendor: Mapped[int] = mapped_column(default=0)

    __table_args__ = (Index("ix_insight_day_org_day", "organisation_id", "day"),)


class _TimeSlot:
    """What the daily and the weekly times share: one slot of one measure's times for a tier
    and the vendor, how many fell in it and the largest of them."""

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    tier: Mapped[Tier] = enum_column(Tier)
    vendor_id: Mapped[int | None] = mapped_column(ForeignKey("vendor.id"))
    measure: Mapped[str] = mapped_column(String(16))
    slot: Mapped[int]
    count: Mapped[int]
    largest: Mapped[int]


class InsightDayTime(_TimeSlot, db.Model):
    """Business-minute times of one day in slots (see rollup.slot_of): how many fell in the
    slot and the largest of them, so the nearest-rank median and 90th percentile come out
    of sums. `measure` is the tier of a first response (counted on the day the question was
    filed) or "resolved:<tier>", the time to resolution by that tier (on the day it was
    resolved)."""

    __tablename__ = "insight_day_time"

    day: Mapped[date]
    week: Mapped[date]
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id"))
    category: Mapped[TicketCategory] = enum_column(TicketCategory)

    # Deleting a day's rows and reading a period: every column, so the overview's reads are
    # answered from the index alone (SQLite would otherwise visit each row in the table).
    __table_args__ = (
        Index("ix_insight_day_time_org_day", "organisation_id", "day", "measure", "week", "slot", "school_id",
              "category", "tier", "vendor_id", "count", "largest"),
    )


class InsightWeekTime(_TimeSlot, db.Model):
    """The times of one whole week (Monday to Sunday) without the school and category: the
    week's InsightDayTime rows summed per tier, vendor, measure and slot, so the overview
    without a school or category filter reads a few rows a week instead of a few hundred a
    day (services._time_rows). Counted again from the week's days whenever one of them is."""

    __tablename__ = "insight_week_time"

    week: Mapped[date]

    # Every column, in the order of the weekly medians' read (per week, measure and slot), so
    # that read is answered from the index and grouped as the rows come, without a sort.
    __table_args__ = (
        Index("ix_insight_week_time_org_week", "organisation_id", "week", "measure", "slot", "tier", "vendor_id",
              "count", "largest"),
    )

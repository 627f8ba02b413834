"""The demo's people and moments as the board tests name them, and small counting helpers."""
from __future__ import annotations

from sqlalchemy import func, select

from helpdesk.extensions import db
from tests.support.clock import moment_ahead

# The demo's check-in meeting is a week ahead; these tests plan theirs after it.
WORKSHOP = moment_ahead(14, 14, 0)
RESCHEDULED = moment_ahead(15, 9, 0)

CENTRAL = "central@exempelkommun.se"
NORR = "lokal.norr@exempelkommun.se"
SODER = "lokal.soder@exempelkommun.se"
VASTER = "lokal.vaster@exempelkommun.se"
TEACHER = "larare.norr@exempelkommun.se"
GUARDIAN = "vardnadshavare.norr@exempelkommun.se"
VENDOR = "leverantor@leverantor.example"
GRANNBY = "central@grannby.se"


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def names(boards) -> set[str]:
    return {f"{b.name}/{b.organisation.name if b.organisation else 'vendor'}" for b in boards}

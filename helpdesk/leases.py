"""Leases: "only one process does this at a time", kept in the database so that it holds
across app servers, and expiring so that a process that died does not block the work for
ever. The search indexer and the sync import take one each.

A holder renews its lease while it works (acquire again); another process gets it only
once it has expired. Taking and renewing are one conditional UPDATE (or the first INSERT),
so two processes starting at once cannot both win.
"""
from __future__ import annotations

import os
import socket
import uuid
from datetime import datetime, timedelta

from sqlalchemy import String, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from helpdesk.extensions import db
from helpdesk.models_base import UTCDateTime, utcnow

# This process, as other processes see it in the lease table.
HOLDER = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"[:120]


class Lease(db.Model):
    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    holder: Mapped[str] = mapped_column(String(120), default="")
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)


def acquire(name: str, duration: timedelta) -> bool:
    """Take or renew the lease `name` for `duration`; False if another live holder has it.
    Commits at once, so the lease is visible to the others whatever the caller does next."""
    now = utcnow()
    if db.session.get(Lease, name) is None:
        try:
            with db.session.begin_nested():
                db.session.add(Lease(name=name, holder=HOLDER, expires_at=now + duration))
            db.session.commit()
            return True
        except IntegrityError:  # another process inserted it first: take the UPDATE path
            db.session.rollback()
    took = db.session.execute(
        update(Lease)
        .where(Lease.name == name, (Lease.expires_at < now) | (Lease.holder == HOLDER))
        .values(holder=HOLDER, expires_at=now + duration)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    return bool(took)


def release(name: str) -> None:
    db.session.execute(update(Lease).where(Lease.name == name, Lease.holder == HOLDER)
                       .values(expires_at=utcnow() - timedelta(seconds=1))
                       .execution_options(synchronize_session=False))
    db.session.commit()

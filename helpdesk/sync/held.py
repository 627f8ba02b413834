"""A sync run held for review: telling the central team, and what the page shows of it."""
from __future__ import annotations

from flask import current_app, render_template
from flask_babel import force_locale
from sqlalchemy import select

from helpdesk.auth.models import Role, RoleAssignment, User
from helpdesk.extensions import db
from helpdesk.notify.services import queue_mail
from helpdesk.sync.models import SyncRun
from helpdesk.sync.planning import Changes


def percent(part: int, whole: int) -> int:
    return round(100 * part / whole) if whole else 0


def central_team(org_id: int) -> list[User]:
    return list(db.session.scalars(select(User).where(User.enabled, User.id.in_(select(RoleAssignment.user_id).where(
        RoleAssignment.role == Role.CENTRAL_ADMIN, RoleAssignment.organisation_id == org_id))).order_by(User.email)))


def tell_central(run: SyncRun, held: list[Changes]) -> None:
    """One e-mail to each central admin of an organisation whose removals hold the run."""
    share = current_app.config["SYNC_MAX_REMOVAL_SHARE"]
    for changes in held:
        if changes.organisation_id is None:
            continue
        for user in central_team(changes.organisation_id):
            with force_locale(user.locale or "sv"):
                text = render_template("sync/mail/held_for_review.txt", run=run, c=changes.as_dict(),
                                       limit=percent(share * 100, 100), percent=percent,
                                       public_url=current_app.config.get("PUBLIC_URL", ""))
            subject, _, body = text.strip().partition("\n")
            queue_mail(user.email, subject.strip(), body.strip() + "\n", kind="sync_held")

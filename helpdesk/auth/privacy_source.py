"""What the auth capability holds about a person (accounts, roles, API tokens), for the
privacy capability's export and erasure."""
from __future__ import annotations

import secrets

from sqlalchemy import delete, select

from helpdesk.auth.models import ApiToken, LoginSession, PasswordReset, User
from helpdesk.extensions import db
from helpdesk.privacy.registry import ANONYMISED, REMOVED, ErasureLine, Holding


def accounts_of(person_id: int) -> list[int]:
    return list(db.session.scalars(select(User.id).where(User.person_id == person_id)))


def _when(value) -> str | None:
    return value.isoformat() if value is not None else None


def export(person, user_ids: list[int]) -> dict:
    users = [db.session.get(User, uid) for uid in user_ids]
    return {
        "accounts": [{"email": u.email, "enabled": u.enabled, "locale": u.locale,
                      "created_at": _when(u.created_at), "last_login_at": _when(u.last_login_at),
                      "roles": [r.role.value for r in u.roles]} for u in users],
        "api_tokens": [{"name": t.name, "created_at": _when(t.created_at),
                        "last_used_at": _when(t.last_used_at), "revoked_at": _when(t.revoked_at)}
                       for t in db.session.scalars(select(ApiToken).where(ApiToken.user_id.in_(user_ids)))],
    }


def erase(person, user_ids: list[int], *, dry_run: bool, keep_directory: bool) -> list[ErasureLine]:
    if not user_ids:
        return []
    tokens = list(db.session.scalars(select(ApiToken.id).where(ApiToken.user_id.in_(user_ids))))
    lines = [ErasureLine("auth", "accounts", ANONYMISED, len(user_ids))]
    if tokens:
        lines.append(ErasureLine("auth", "api_tokens", REMOVED, len(tokens)))
    if dry_run:
        return lines
    for uid in user_ids:
        user = db.session.get(User, uid)
        # The row stays (tickets, posts and the audit point at it), with nothing that
        # names the person and no way to log in.
        user.email = f"anonymiserad-{user.id}@invalid.example"
        user.password_hash = None
        user.enabled = False
        user.locale = None
        user.session_key = secrets.token_hex(16)
        user.roles.clear()
        # Unlinked too: a synced person's directory entry keeps its name until the source
        # erases it, and nothing the account wrote should show that name meanwhile.
        user.person = None
    for model in (ApiToken, PasswordReset, LoginSession):
        db.session.execute(delete(model).where(model.user_id.in_(user_ids))
                           .execution_options(synchronize_session=False))
    return lines


def register() -> None:
    from helpdesk.privacy import registry

    registry.register_holding(Holding("auth", export, erase, order=20))
    registry.register_accounts_of(accounts_of)

"""What school-account login keeps about a person (the IdP's name for them at each recent
login, for its logout), for the privacy capability's export and erasure."""
from __future__ import annotations

from sqlalchemy import delete, select

from helpdesk.auth.saml.models import SamlLogin
from helpdesk.extensions import db
from helpdesk.privacy.registry import REMOVED, ErasureLine, Holding


def export(person, user_ids: list[int]) -> dict:
    logins = db.session.scalars(select(SamlLogin).where(SamlLogin.user_id.in_(user_ids)))
    return {"school_account_logins": [{"identity_provider": s.idp_entity_id, "name_id": s.name_id,
                                       "kept_until": s.expires_at.isoformat()} for s in logins]}


def erase(person, user_ids: list[int], *, dry_run: bool, keep_directory: bool) -> list[ErasureLine]:
    ids = list(db.session.scalars(select(SamlLogin.id).where(SamlLogin.user_id.in_(user_ids)))) if user_ids else []
    if not ids:
        return []
    if not dry_run:
        db.session.execute(delete(SamlLogin).where(SamlLogin.id.in_(ids)).execution_options(synchronize_session=False))
    return [ErasureLine("auth", "school_account_logins", REMOVED, len(ids))]


def register() -> None:
    from flask_babel import lazy_gettext as _l

    from helpdesk.privacy import labels, registry

    registry.register_holding(Holding("auth.saml", export, erase, order=21))
    # The words for this holding's codes on the export and erasure pages.
    labels.ITEMS.setdefault("school_account_logins", _l("Recent logins with a school account"))
    labels.SECTIONS.setdefault("school_account_logins", _l("Logins with a school account"))

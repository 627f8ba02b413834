"""Who may read and who may write knowledge-base articles.

Audience decides reading: public articles are for anyone (also without login, since a
guardian who cannot log in needs the login help), guardian articles for guardians and
staff, staff articles for staff, admin articles for administrators, central articles for
central administrators. An organisation's own articles are read only within it (its
public ones by anyone); drafts only by its central team; a shipped article the
organisation has hidden is not shown to its people.
"""
from __future__ import annotations

from helpdesk.access import Scope, rule
from helpdesk.kb.models import Article, Audience


def audiences_for(scope: Scope) -> set[Audience]:
    allowed = {Audience.PUBLIC}
    if scope.is_guardian or scope.is_staff or scope.is_vendor_agent:
        allowed.add(Audience.GUARDIAN)
    if scope.is_staff or scope.is_vendor_agent:
        allowed.add(Audience.STAFF)
    if scope.is_admin or scope.is_vendor_agent:
        allowed.add(Audience.ADMIN)
    if scope.central_org_ids:
        allowed.add(Audience.CENTRAL)
    return allowed


def hidden_for(scope: Scope, article: Article) -> bool:
    # The central team that hid an article can still open it, to decide to show it again.
    if not article.is_shipped or scope.organisation_id is None or scope.is_central_for(scope.organisation_id):
        return False
    from helpdesk.kb.services import hidden_article_ids

    return article.id in hidden_article_ids(scope.organisation_id)


@rule("kb.read")
def can_read(scope: Scope, article: Article) -> bool:
    if article.is_deleted:
        return False
    if article.organisation_id is not None and article.audience is not Audience.PUBLIC:
        if not scope.belongs_to(article.organisation_id):
            return False
    if not article.is_published:
        return scope.is_central_for(article.organisation_id)
    if article.audience not in audiences_for(scope):
        return False
    return not hidden_for(scope, article)


@rule("kb.browse")
def can_browse(scope: Scope, _obj=None) -> bool:
    return True


@rule("kb.vote")
def can_vote(scope: Scope, article: Article) -> bool:
    return article.is_published and can_read(scope, article)


@rule("kb.write")
def can_write(scope: Scope, _obj=None) -> bool:
    """Write new articles for one's organisation: the central team."""
    return bool(scope.central_org_ids) and scope.organisation_id in scope.central_org_ids


@rule("kb.edit")
def can_edit(scope: Scope, article: Article) -> bool:
    """Edit, publish or delete: the central team of the article's organisation; a deleted
    article must be restored first. Shipped articles are read-only in the portal."""
    return not article.is_shipped and not article.is_deleted and scope.is_central_for(article.organisation_id)


@rule("kb.restore_deleted")
def can_restore_deleted(scope: Scope, article: Article) -> bool:
    return article.is_deleted and scope.is_central_for(article.organisation_id)


@rule("kb.hide_shipped")
def can_hide_shipped(scope: Scope, article: Article) -> bool:
    return article.is_shipped and can_write(scope)


@rule("kb.stats")
def can_see_stats(scope: Scope, _obj=None) -> bool:
    return can_write(scope)

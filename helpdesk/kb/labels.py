from flask_babel import lazy_gettext as _l

from helpdesk.kb.models import ArticleSource, ArticleStatus, Audience
from helpdesk.labels import add_labels

add_labels({
    Audience.PUBLIC: _l("Everyone"),
    Audience.GUARDIAN: _l("Guardians and staff"),
    Audience.STAFF: _l("Staff"),
    Audience.ADMIN: _l("Administrators"),
    Audience.CENTRAL: _l("Central administrators"),
})
add_labels({
    ArticleStatus.DRAFT: _l("Draft"),
    ArticleStatus.PUBLISHED: _l("Published"),
    ArticleStatus.DELETED: _l("Deleted"),
})
add_labels({
    ArticleSource.SHIPPED: _l("Shipped with the portal"),
    ArticleSource.PORTAL: _l("Written in the portal"),
})

CATEGORY_LABELS = {
    "login": _l("Logging in"),
    "support": _l("Getting help"),
    "autosync": _l("Autosync"),
    "administration": _l("Administration"),
    "organisation": _l("Support organisation"),
    "usage": _l("Using the portal"),
    "": _l("Other"),
}


def category_label(value: str) -> str:
    return str(CATEGORY_LABELS.get(value or "", value))

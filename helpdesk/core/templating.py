"""What every template may call: can(), the language, the menu, role names."""
from __future__ import annotations

from flask_babel import get_locale
from flask_login import current_user

from helpdesk.access import can
from helpdesk.i18n import day, when
from helpdesk.labels import label
from helpdesk.nav import nav_for, nav_sections


def role_summary(user) -> str:
    parts = []
    for a in user.roles:
        where = None
        if a.school_id:
            from helpdesk.directory.models import School
            from helpdesk.extensions import db

            school = db.session.get(School, a.school_id)
            where = school.name if school else None
        elif a.group_id:
            from helpdesk.directory.models import Group
            from helpdesk.extensions import db

            group = db.session.get(Group, a.group_id)
            where = group.name if group else None
        elif a.organisation_id and user.organisation is not None:
            where = user.organisation.name
        parts.append(f"{label(a.role)} ({where})" if where else label(a.role))
    return ", ".join(parts)


def init_app(app) -> None:
    app.add_template_filter(label, "label")
    app.add_template_filter(when, "when")  # the one date format per language
    app.add_template_filter(day, "day")  # the same, date only

    @app.context_processor
    def globals_():
        return {
            "can": lambda action, obj=None: can(current_user, action, obj),
            "current_locale": lambda: str(get_locale() or "sv"),
            "nav_items": lambda: nav_for(current_user),
            "nav_sections": lambda: nav_sections(current_user),
            "role_summary": role_summary,
        }

"""The small tree of errors that services raise, each carrying text meant for the user.

Messages are lazy translations, so a service can raise them without a request and the
handler renders them in the reader's language.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l


class HelpdeskError(Exception):
    status_code = 400
    default_message = _l("The request could not be carried out.")

    def __init__(self, message=None, *, field: str | None = None, rule: str | None = None):
        self.message = message if message is not None else self.default_message
        self.field = field
        self.rule = rule
        # The lazy message is kept lazy: it is rendered in the reader's language when shown.
        super().__init__(self.message)

    def to_dict(self) -> dict:
        body = {"error": self.code, "message": str(self.message)}
        if self.field:
            body["field"] = self.field
        if self.rule:
            body["rule"] = self.rule
        return body

    @property
    def code(self) -> str:
        return type(self).__name__


class NotFound(HelpdeskError):
    status_code = 404
    default_message = _l("That could not be found.")


class PermissionDenied(HelpdeskError):
    status_code = 403
    default_message = _l("You do not have permission to do that.")


class ValidationFailed(HelpdeskError):
    status_code = 400
    default_message = _l("Some of the information was not valid.")


class Conflict(HelpdeskError):
    status_code = 409
    default_message = _l("That conflicts with the current state.")


def validate_all(*checks):
    """Run every check (a callable) and return their results; when any fails, raise one
    ValidationFailed that carries all the problems (`problems`), so a form can show every
    error at once instead of one per submit."""
    results, problems = [], []
    for check in checks:
        try:
            results.append(check())
        except ValidationFailed as exc:
            problems.append(exc)
            results.append(None)
    if problems:
        first = problems[0]
        combined = ValidationFailed(first.message, field=first.field, rule=first.rule)
        combined.problems = problems
        raise combined
    return results

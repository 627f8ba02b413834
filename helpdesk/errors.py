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

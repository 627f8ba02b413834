"""Small helpers every API module uses: the JSON body, the caller, field checks."""
from __future__ import annotations

from functools import wraps

from flask import request
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from helpdesk.errors import HelpdeskError, ValidationFailed


class Unauthorized(HelpdeskError):
    status_code = 401
    default_message = _l("Log in, or send a bearer token.")


def json_body() -> dict:
    """The request's JSON object, or a 400 that says what is wrong with it."""
    body = request.get_json(silent=True, force=True)
    if not isinstance(body, dict):
        raise ValidationFailed(_l("The request body must be a JSON object."))
    return body


def field(body: dict, name: str, kind: type = str, *, required: bool = True, max_length: int | None = None):
    value = body.get(name)
    if value is None:
        if required:
            raise ValidationFailed(_l("The field %(name)s is required.", name=name), field=name)
        return None
    if kind is int and isinstance(value, bool) or not isinstance(value, kind):
        raise ValidationFailed(_l("The field %(name)s has the wrong type.", name=name), field=name)
    if kind is str:
        value = value.strip()
        if required and not value:
            raise ValidationFailed(_l("The field %(name)s is required.", name=name), field=name)
        if max_length is not None and len(value) > max_length:
            raise ValidationFailed(_l("The field %(name)s is too long (at most %(n)d characters).",
                                      name=name, n=max_length), field=name)
    return value


def api_login_required(view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        if not current_user.is_authenticated:
            raise Unauthorized()
        return view(*args, **kwargs)

    return wrapper

"""Small helpers every API module uses: the JSON body, the caller, field checks."""
from __future__ import annotations

from functools import wraps

from flask import request
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from helpdesk.errors import HelpdeskError, ValidationFailed
from helpdesk.models_base import as_id


class Unauthorized(HelpdeskError):
    status_code = 401
    default_message = _l("Log in, or send a bearer token.")


def json_body() -> dict:
    """The request's JSON object, or a 400 that says what is wrong with it."""
    body = request.get_json(silent=True, force=True)
    if not isinstance(body, dict):
        raise ValidationFailed(_l("The request body must be a JSON object."))
    return body


class FormFields(dict):
    """The text fields of a multipart/form-data request, where numbers and yes/no arrive as
    text; `field` reads them like the same fields of a JSON body."""


def body_and_files(files_field: str) -> tuple[dict, list]:
    """The request's fields and uploaded files. Files need multipart/form-data (the same
    field names as the JSON body, the files under `files_field`); a JSON body has no files."""
    if request.mimetype == "multipart/form-data":
        return FormFields(request.form.items()), [f for f in request.files.getlist(files_field) if f.filename]
    return json_body(), []


_YES, _NO = ("true", "1", "yes", "on"), ("false", "0", "no", "off", "")


def _from_text(value: str, kind: type, name: str):
    text = value.strip().lower()
    if kind is int and as_id(text) is not None:
        return as_id(text)
    if kind is bool and text in _YES + _NO:
        return text in _YES
    if kind is str:
        return value
    raise ValidationFailed(_l("The field %(name)s has the wrong type.", name=name), field=name)


def field(body: dict, name: str, kind: type = str, *, required: bool = True, max_length: int | None = None):
    value = body.get(name)
    if isinstance(body, FormFields) and value is not None:
        value = _from_text(value, kind, name)
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

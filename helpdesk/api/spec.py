"""What each /api/v1 operation takes and gives, written once as pydantic models.

`@operation(...)` on a view records its models; the same models then validate the request
before the view runs (a 400 in the reader's language naming the field) and describe it in
the OpenAPI document (helpdesk/api/openapi.py), so the document cannot drift from what the
API accepts. It also records the token scope the operation needs; the API's auth layer
(helpdesk/api/tokens.py) enforces scopes in one place from this record.
"""
from __future__ import annotations

from dataclasses import dataclass, field as dc_field
from functools import wraps
from typing import Literal

from flask import request
from flask_babel import lazy_gettext as _l
from pydantic import BaseModel, ConfigDict, ValidationError

from helpdesk.api.helpers import json_body
from helpdesk.errors import ValidationFailed

Scope = Literal["read", "write", "admin"]
SCOPES: tuple[str, ...] = ("read", "write", "admin")

# Ids in paths and bodies are database ids (INTEGER): a bigger number can never exist.
MAX_ID = 2**31 - 1


class Schema(BaseModel):
    """Base of the API's models: unknown fields are allowed (clients may send more, and
    answers may grow), so a new field is never a breaking change."""

    model_config = ConfigDict(extra="allow")


class Error(Schema):
    """Every error answer: a machine code, a message in the caller's language, and where
    it applies the field or rule at fault and the seconds to wait."""

    error: str
    message: str
    field: str | None = None
    rule: int | str | None = None
    retry_after: int | None = None


class Binary:
    """Marks a response that is a file, not JSON."""


@dataclass
class Operation:
    summary: str
    tag: str
    body: type[BaseModel] | None = None
    query: type[BaseModel] | None = None
    responses: dict[int, type | None] = dc_field(default_factory=dict)
    scope: str | None = None  # None: read for GET, write otherwise
    public: bool = False  # answers without a token or session
    multipart: str | None = None  # the file field's name when files may be uploaded
    description: str | None = None
    body_optional: bool = False  # e.g. DELETE with an optional reason

    def scope_for(self, method: str) -> str:
        return self.scope or ("read" if method in ("GET", "HEAD") else "write")


def _problem(exc: ValidationError) -> ValidationFailed:
    first = exc.errors()[0]
    # The top-level field is named (as the rest of the API does), not a path inside it.
    name = str(first["loc"][0]) if first["loc"] else "body"
    kind = first["type"]
    if kind == "missing":
        message = _l("The field %(name)s is required.", name=name)
    elif kind == "string_too_long":
        message = _l("The field %(name)s is too long (at most %(n)d characters).", name=name,
                     n=first.get("ctx", {}).get("max_length", 0))
    elif kind in ("literal_error", "enum"):
        message = _l("The field %(name)s has a value that is not allowed.", name=name)
    else:
        message = _l("The field %(name)s has the wrong type.", name=name)
    return ValidationFailed(message, field=name)


def validate(model: type[BaseModel], data, *, strict: bool) -> BaseModel:
    try:
        return model.model_validate(data, strict=strict)
    except ValidationError as exc:
        raise _problem(exc) from None


def operation(summary: str, *, tag: str, body=None, query=None, responses=None, scope: str | None = None,
              public: bool = False, multipart: str | None = None, description: str | None = None,
              body_optional: bool = False, reach=None):
    """Describe and check one API operation. Put it just above the view function, below the
    route and `api_login_required`, so a missing login is a 401 before the body is read.

    `reach`, given the path's arguments, looks up the object the path names as the caller and
    raises the service's not-found when it is outside their reach. It runs before the body
    and query are checked, so a malformed request about someone else's ticket answers 404
    like one about a ticket that does not exist, never a 400 that confirms it is there."""
    op = Operation(summary=summary, tag=tag, body=body, query=query, responses=dict(responses or {}),
                   scope=scope, public=public, multipart=multipart, description=description,
                   body_optional=body_optional)

    def decorate(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            if reach is not None:
                reach(**kwargs)
            if op.query is not None:
                validate(op.query, request.args.to_dict(), strict=False)
            if op.body is not None and request.method not in ("GET", "HEAD") and not (
                    op.body_optional and not request.get_data()):
                if op.multipart and request.mimetype == "multipart/form-data":
                    # Form fields arrive as text: numbers and yes/no are read from it.
                    validate(op.body, request.form.to_dict(), strict=False)
                else:
                    validate(op.body, json_body(), strict=True)
            return view(*args, **kwargs)

        wrapper.api_operation = op
        return wrapper

    return decorate


def operation_of(view) -> Operation | None:
    return getattr(view, "api_operation", None)

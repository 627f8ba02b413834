"""The OpenAPI 3.1 document of /api/v1, built by apispec from the app's own routes and the
pydantic models that validate them (helpdesk/api/spec.py), and the page that shows it.

Every /api/v1 rule in the URL map is walked; an operation without `@operation` is left out
of the document, and tests/api/test_schemathesis.py fails on it, so none can be forgotten.
"""
from __future__ import annotations

import re

from apispec import APISpec
from flask import current_app, render_template
from pydantic.json_schema import models_json_schema

from helpdesk.api import api
from helpdesk.api.spec import MAX_ID, Binary, Error, Schema, operation, operation_of

PREFIX = "/api/v1"
_ERRORS = {
    400: "The request is not valid: the message says what to change.",
    401: "No valid token or session.",
    403: "The token's scope or the caller's roles do not allow this.",
    404: "Not found, or outside the caller's reach (answered alike).",
    405: "The method is not allowed here.",
    409: "Refused by a rule (`rule` names it) or by the current state.",
    413: "The upload is too large.",
    429: "Too many requests: wait `Retry-After` seconds.",
    503: "The portal is unavailable for a moment: wait `Retry-After` seconds.",
}
_PARAM = re.compile(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>")

DESCRIPTION = """The support portal's API. Authenticate with a personal access token
(account page, or `POST /api/v1/auth/token`) sent as `Authorization: Bearer <token>`.
A token has scopes: `read` (GET), `write` (changes; includes read) and `admin`
(the /admin operations; includes write and read). A token never does more than its
owner's roles allow. Errors are JSON objects `{"error", "message", "field"?, "rule"?}`
with the message in the caller's language. Lists page with `cursor`/`next_cursor`
(tickets) or `page` (boards, search, audit). Too many requests per token: 429 with
`Retry-After`."""


def _path_and_params(rule) -> tuple[str, list[dict]]:
    params = []

    def swap(match):
        converter, name = match.group(1), match.group(2)
        schema = ({"type": "integer", "minimum": 1, "maximum": MAX_ID} if converter == "int"
                  else {"type": "string", "minLength": 1, "maxLength": 200, "pattern": "^[^/]+$"})
        params.append({"name": name, "in": "path", "required": True, "schema": schema})
        return "{" + name + "}"

    return _PARAM.sub(swap, rule.rule), params


def _query_params(model, refs) -> list[dict]:
    schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
    required = set(schema.get("required", []))
    return [{"name": name, "in": "query", "required": name in required, "schema": _not_null(prop)}
            for name, prop in schema.get("properties", {}).items()]


def _not_null(prop: dict) -> dict:
    """A query parameter is left out rather than null: drop pydantic's `null` alternative."""
    options = [o for o in prop.get("anyOf", []) if o.get("type") != "null"]
    if len(options) == 1:
        rest = {k: v for k, v in prop.items() if k not in ("anyOf", "default")}
        return {**options[0], **rest}
    return prop


def _content(model, refs) -> dict:
    if model is Binary:
        return {"application/octet-stream": {"schema": {"type": "string", "contentMediaType":
                                                         "application/octet-stream"}}}
    return {"application/json": {"schema": refs[model]}}


def _operation_doc(op, method: str, rule_params: list[dict], refs: dict) -> dict:
    doc = {"summary": op.summary, "tags": [op.tag], "operationId": None, "parameters": list(rule_params)}
    if op.description:
        doc["description"] = op.description
    if op.query is not None:
        doc["parameters"] += _query_params(op.query, refs)
    if op.body is not None and method not in ("GET", "HEAD"):
        content = {"application/json": {"schema": refs[op.body]}}
        if op.multipart:
            content["multipart/form-data"] = {"schema": {"allOf": [refs[op.body]], "properties": {
                op.multipart: {"type": "array", "items": {"type": "string", "contentMediaType":
                                                           "application/octet-stream"}}}}}
        doc["requestBody"] = {"required": not op.body_optional, "content": content}
    responses = {}
    for status, model in op.responses.items():
        responses[str(status)] = {"description": "OK" if status < 300 else "Accepted",
                                  **({"content": _content(model, refs)} if model is not None else {})}
    for status, text in _ERRORS.items():
        if status in (401, 403) and op.public and status == 401:
            continue
        responses.setdefault(str(status), {"description": text,
                                           "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}})
    doc["responses"] = responses
    if op.public:
        doc["security"] = [{}, {"bearer": []}]
    else:
        doc["security"] = [{"bearer": []}]
    doc["x-scope"] = op.scope_for(method)
    return doc


def api_rules(app):
    """The app's /api/v1 rules with their methods (HEAD and OPTIONS are Flask's own)."""
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith(PREFIX + "/"):
            yield rule, sorted(m for m in rule.methods if m not in ("HEAD", "OPTIONS"))


def build_document(app) -> dict:
    spec = APISpec(title="Helpdesk API", version="1", openapi_version="3.1.0",
                   info={"description": DESCRIPTION})
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer",
                                               "description": "A personal access token (hd_...)."})
    found = []
    for rule, methods in api_rules(app):
        op = operation_of(app.view_functions[rule.endpoint])
        if op is not None:
            found.append((rule, methods, op))
    models = {Error}
    for _rule, _methods, op in found:
        models.update(m for m in (op.body, *op.responses.values()) if m is not None and m is not Binary)
    mapping, defs = models_json_schema([(m, "validation") for m in sorted(models, key=lambda m: m.__name__)],
                                       ref_template="#/components/schemas/{model}")
    refs = {m: mapping[(m, "validation")] for m in models}
    for name, schema in defs.get("$defs", {}).items():
        spec.components.schema(name, schema)
    for rule, methods, op in found:
        path, params = _path_and_params(rule)
        operations = {}
        for method in methods:
            doc = _operation_doc(op, method, params, refs)
            doc["operationId"] = rule.endpoint.replace("api.", "", 1) + ("" if len(methods) == 1 else "_" + method.lower())
            operations[method.lower()] = doc
        spec.path(path=path, operations=operations)
    return spec.to_dict()


class Document(Schema):
    """This document."""

    openapi: str
    info: dict
    paths: dict


@api.get("/openapi.json")
@operation("This OpenAPI document", tag="meta", public=True, scope="read", responses={200: Document})
def openapi_document():
    """Built once per app: the routes do not change while it runs."""
    document = current_app.extensions.get("helpdesk_openapi")
    if document is None:
        document = current_app.extensions["helpdesk_openapi"] = build_document(current_app)
    return document


def docs():
    """The document, readable: Swagger UI, vendored under static/vendor (no CDN, no inline script)."""
    return render_template("api/docs.html")

"""The OpenAPI document: every /api/v1 route is in it, and schemathesis, generating requests
from it with a demo token per role, finds no 5xx and no answer outside its schema."""
from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from helpdesk.api.openapi import PREFIX, api_rules
from tests.matrix import ROLES

# Bounded: a few examples per operation and role keep the run to minutes on two cores.
EXAMPLES = 6


def _document(app):
    return app.test_client().get(f"{PREFIX}/openapi.json").get_json()


def test_every_api_route_is_in_the_document(demo_app):
    doc = _document(demo_app)
    assert doc["openapi"].startswith("3.1")
    missing = []
    for rule, methods in api_rules(demo_app):
        path = rule.rule
        for converter in ("int:",):
            path = path.replace("<" + converter, "<")
        path = path.replace("<", "{").replace(">", "}")
        for method in methods:
            if method.lower() not in doc["paths"].get(path, {}):
                missing.append(f"{method} {path}")
    assert not missing, missing


def test_the_document_says_auth_errors_and_pagination(demo_app):
    doc = _document(demo_app)
    assert doc["components"]["securitySchemes"]["bearer"] == {
        "type": "http", "scheme": "bearer", "description": "A personal access token (hd_...)."}
    listing = doc["paths"]["/api/v1/tickets"]["get"]
    assert {p["name"] for p in listing["parameters"]} >= {"cursor", "limit"}
    assert listing["responses"]["401"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}
    assert listing["x-scope"] == "read"
    assert doc["paths"]["/api/v1/admin/roles"]["post"]["x-scope"] == "admin"
    # The request schema is the one that validates: a too long subject is refused by it.
    assert doc["components"]["schemas"]["NewTicket"]["properties"]["subject"]["anyOf"][0]["maxLength"] == 200


def test_the_request_models_refuse_what_the_document_forbids(demo_app):
    c = demo_app.test_client()
    token = c.post(f"{PREFIX}/auth/token", json={"email": "larare.norr@exempelkommun.se", "password": "demo"}).json["token"]
    r = c.post(f"{PREFIX}/tickets", json={"subject": "x" * 201, "body": "y"}, headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 400 and r.json["field"] == "subject"
    r = c.post(f"{PREFIX}/tickets/1/assign", json={"assignee_id": "someone"}, headers={"Authorization": f"Bearer {token}"})
    assert r.status_code in (400, 404) and r.is_json


def test_the_docs_page_renders_the_document_without_inline_script(demo_client):
    page = demo_client.get("/api/docs")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'data-url="/api/v1/openapi.json"' in html
    assert "vendor/swagger-ui/swagger-ui-bundle.js" in html and "<script>" not in html
    bundle = demo_client.get("/static/vendor/swagger-ui/swagger-ui-bundle.js")
    bundle.close()
    assert bundle.status_code == 200


@pytest.mark.parametrize("role", sorted(ROLES))
def test_schemathesis_finds_no_server_error_and_no_answer_outside_the_schema(demo_app, role):
    client = demo_app.test_client()
    headers = {}
    if role != "anonymous":
        r = client.post(f"{PREFIX}/auth/token", json={"email": ROLES[role], "password": "demo",
                                                       "scopes": ["admin"]})
        assert r.status_code == 201, r.get_json()
        headers = {"Authorization": f"Bearer {r.get_json()['token']}"}
    schema = schemathesis.openapi.from_wsgi(f"{PREFIX}/openapi.json", demo_app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 40
    for operation in operations:
        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES, deadline=None, database=None, phases=[Phase.explicit, Phase.generate],
                  suppress_health_check=list(HealthCheck))
        def run(case):
            case.call_and_validate(headers=headers, checks=[not_a_server_error, response_schema_conformance])

        run()


def test_a_script_files_and_escalates_knowing_only_the_document(demo_app):
    """The README's example: operations found by operationId in the document, scoped tokens."""
    client = demo_app.test_client()
    doc = _document(demo_app)
    ops = {op["operationId"]: (path, method) for path, item in doc["paths"].items() for method, op in item.items()}

    def token(email):
        return client.post(f"{PREFIX}/auth/token", json={"email": email, "password": "demo",
                                                          "scopes": ["write"]}).get_json()["token"]

    def call(raw, operation, body=None, **ids):
        path, method = ops[operation]
        r = client.open(path.format(**ids), method=method.upper(), json=body, headers={"Authorization": f"Bearer {raw}"})
        assert r.status_code < 300, r.get_json()
        return r.get_json()

    teacher, local_admin = token("larare.norr@exempelkommun.se"), token("lokal.norr@exempelkommun.se")
    school_id = next(r["school_id"] for r in call(local_admin, "me")["roles"] if r["school_id"])
    ticket = call(teacher, "tickets_create", {"subject": "Kan inte logga in", "category": "login",
                                              "body": "Eleven i 7B kommer inte in.", "school_id": school_id})
    assert ticket["tier"] == "local"
    escalated = call(local_admin, "tickets_escalate", {"note": "Kontot är låst i plattformen."}, ticket_id=ticket["id"])
    assert escalated["tier"] == "central"

"""The API exercised through its own OpenAPI schema (issue 18): every documented operation is
called as the schema describes it — path parameters filled, the push with the schema's own
example — and every answer is validated against the schema's response for it. A new endpoint
is covered as soon as it is in the schema; an answer that drifts from its description fails."""

from copy import deepcopy
from datetime import date, timedelta

import pytest
from django.utils import timezone
from jsonschema import Draft202012Validator

from cchc.api import tokens
from cchc.indicators.models import IndicatorSnapshot
from cchc.operations.models import Procedure, ProcedureSnapshot
from cchc.organizations.models import Agency

pytestmark = pytest.mark.django_db

PATH_VALUES = {"code": "12-STP", "year": "2022", "label": "6c"}


def _json_schema(node):
    """OpenAPI 3.0 → JSON Schema: `nullable` as a null alternative, refs to `$defs`."""
    if isinstance(node, list):
        return [_json_schema(n) for n in node]
    if not isinstance(node, dict):
        return node
    node = {k: _json_schema(v) for k, v in node.items()}
    if "$ref" in node:
        node["$ref"] = node["$ref"].replace("#/components/schemas/", "#/$defs/")
    if node.pop("nullable", False):
        return {"anyOf": [node, {"type": "null"}]}
    return node


def _token(actor, code, purpose):
    _t, text = tokens.token_issue(
        actor=actor, agency=Agency.objects.get(code=code), purpose=purpose, name=purpose,
        expires_at=timezone.now() + timedelta(days=1),
    )  # fmt: skip
    return {"HTTP_AUTHORIZATION": f"Bearer {text}"}


@pytest.fixture
def data(db):
    IndicatorSnapshot.objects.create(
        indicator="ONLINE_DOSSIER_SHARE", agency=Agency.objects.get(code="12-STP"),
        tier="province", month=date(2022, 3, 1), numerator=3, denominator=10,
    )  # fmt: skip
    procedure = Procedure.objects.create(code="1.001234", name="Cấp phiếu lý lịch tư pháp")
    ProcedureSnapshot.objects.create(procedure=procedure, year=2025, authority_tier="province",
                                     processing_days=10)  # fmt: skip


def test_every_operation_answers_as_its_schema_says(client, reform_office, data):
    schema = client.get("/api/v1/schema/", {"format": "json"}).json()
    definitions = _json_schema(deepcopy(schema["components"]["schemas"]))
    headers = {"get": _token(reform_office, "12", "read"),
               "post": _token(reform_office, "12", "push_dossiers")}  # fmt: skip
    called = []
    for path, operations in schema["paths"].items():
        url = path.format(**PATH_VALUES)
        for method, operation in operations.items():
            if method == "get":
                response = client.get(url, **headers["get"])
            else:
                body = operation["requestBody"]["content"]["application/json"]
                example = next(iter(body["examples"].values()))["value"]
                response = client.post(url, example, content_type="application/json",
                                       **headers[method])  # fmt: skip
            assert response.status_code == 200, (method, url, response.content[:300])
            documented = operation["responses"]["200"]["content"]["application/json"]["schema"]
            validator = Draft202012Validator({**_json_schema(documented), "$defs": definitions})
            errors = [e.message for e in validator.iter_errors(response.json())]
            assert errors == [], (method, url, errors[:3])
            called.append((method, path))
    assert len(called) == 6  # the schema's operations, each called once

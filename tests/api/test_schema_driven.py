"""The API exercised through its own OpenAPI schema (issue 18): every documented operation is
called as the schema describes it — path parameters filled, a token of the purpose the
operation names (`x-token-purpose`, reading by default), a body from the schema's own example
(a multipart form gets a file in each binary field) — and every answer is validated against
the schema's response for its documented success status. A new endpoint is covered as soon as
it is in the schema; an answer that drifts from its description fails."""

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
# Whose token calls an operation, by the purpose it needs: the province reads (and pushes for
# every agency); Sở Tư pháp reports on the task it leads.
CALLERS = {"read": "12", "push_dossiers": "12", "report_progress": "12-STP"}
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


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
def data(db, reform_office, django_capture_on_commit_callbacks):
    """Something behind every route: a figure, a procedure for the push, a task of Sở Tư
    pháp with a report (its id is the path's), published PAR INDEX results of 2022."""
    from cchc.parindex.models import Assessment, AssessmentStatus
    from cchc.parindex.services.publication import results_publish
    from cchc.plans.models import Plan, ProgressReport, ReformArea, Task
    from tests.api.test_par_index import scored_framework

    stp = Agency.objects.get(code="12-STP")
    task = Task.objects.create(plan=Plan.objects.get(year=2022), order=900, text="Rà soát",
                               area=ReformArea.objects.get(code="procedures"), lead_agency=stp)  # fmt: skip
    ProgressReport.objects.create(task=task, agency=stp, is_lead=True, status="in_progress",
                                  percent=30, text="Đang làm", reported_by=reform_office)  # fmt: skip
    framework = scored_framework(reform_office, year=2022)
    Assessment.objects.filter(framework=framework).update(status=AssessmentStatus.FINALISED)
    with django_capture_on_commit_callbacks(execute=True):
        results_publish(actor=reform_office, framework=framework)
    IndicatorSnapshot.objects.create(
        indicator="ONLINE_DOSSIER_SHARE", agency=Agency.objects.get(code="12-STP"),
        tier="province", month=date(2022, 3, 1), numerator=3, denominator=10,
    )  # fmt: skip
    procedure = Procedure.objects.create(code="1.001234", name="Cấp phiếu lý lịch tư pháp")
    ProcedureSnapshot.objects.create(procedure=procedure, year=2025, authority_tier="province",
                                     processing_days=10)  # fmt: skip
    from cchc.portal import services as portal

    document = portal.document_save(
        actor=reform_office, number="12/CT-UBND", issued_on=date(2022, 3, 1), issuer="UBND tỉnh",
        title="Chỉ thị về CCHC", content=b"%PDF-1.4\n%%EOF\n", original_name="chi-thi.pdf",
    )  # fmt: skip
    portal.document_publish(actor=reform_office, document=document)
    return {"id": str(task.pk)}


def _body(operation, components):
    """The operation's request body from the schema's example: a multipart form with a small
    PNG in each binary field where the form has one, else the example as JSON."""
    content = operation["requestBody"]["content"]
    examples = next(c["examples"] for c in content.values() if "examples" in c)
    example = next(iter(examples.values()))["value"]
    form = content.get("multipart/form-data", {}).get("schema", {}).get("$ref", "")
    fields = components[form.rsplit("/", 1)[-1]]["properties"] if form else {}
    binary = [name for name, field in fields.items() if "binary" in str(field)]
    if not binary:
        return {"data": example, "content_type": "application/json"}
    from django.core.files.uploadedfile import SimpleUploadedFile

    return {"data": {**example, **{n: SimpleUploadedFile("anh.png", PNG) for n in binary}}}


def test_every_operation_answers_as_its_schema_says(client, reform_office, data):
    schema = client.get("/api/v1/schema/", {"format": "json"}).json()
    definitions = _json_schema(deepcopy(schema["components"]["schemas"]))
    headers = {purpose: _token(reform_office, code, purpose) for purpose, code in CALLERS.items()}
    called = []
    for path, operations in schema["paths"].items():
        url = path.format(**{**PATH_VALUES, **data})
        for method, operation in operations.items():
            auth = headers[operation.get("x-token-purpose", "read")]
            if method == "get":
                response = client.get(url, **auth)
            else:
                body = _body(operation, schema["components"]["schemas"])
                response = client.post(url, **body, **auth)
            success = min(code for code in operation["responses"] if code.startswith("2"))
            assert response.status_code == int(success), (method, url, response.content[:300])
            documented = operation["responses"][success]["content"]["application/json"]["schema"]
            validator = Draft202012Validator({**_json_schema(documented), "$defs": definitions})
            errors = [e.message for e in validator.iter_errors(response.json())]
            assert errors == [], (method, url, errors[:3])
            called.append((method, path))
    assert len(called) == 11  # the schema's operations, each called once
    assert ("post", "/api/v1/plans/{year}/tasks/{id}/reports/") in called

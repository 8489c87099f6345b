"""Public directive documents through the API (issue 18): only what the reform office
published, without a token; a withdrawn document disappears."""

from datetime import date

import pytest

from cchc.portal import services

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def document(actor, number, day):
    return services.document_save(
        actor=actor, number=number, issued_on=day, issuer="UBND tỉnh",
        title=f"Văn bản {number}", content=PDF, original_name=f"{number.replace('/', '-')}.pdf",
    )  # fmt: skip


def test_only_published_documents_are_listed(client, reform_office):
    first = document(reform_office, "12/CT-UBND", date(2022, 3, 1))
    second = document(reform_office, "30/KH-UBND", date(2022, 5, 2))
    document(reform_office, "99/DU-THAO", date(2022, 6, 1))  # a draft, never published
    services.document_publish(actor=reform_office, document=first)
    release = services.document_publish(actor=reform_office, document=second)
    body = client.get("/api/v1/documents/").json()
    assert [d["number"] for d in body["results"]] == ["30/KH-UBND", "12/CT-UBND"]
    assert body["results"][0]["file_name"] == "30-KH-UBND.pdf" and body["results"][0][
        "size"
    ] == len(PDF)
    services.release_withdraw(actor=reform_office, release=release, reason="Văn bản hết hiệu lực")
    body = client.get("/api/v1/documents/").json()
    assert [d["number"] for d in body["results"]] == ["12/CT-UBND"]

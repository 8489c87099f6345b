"""The PAR INDEX results annex (parindex.annex), rendered from the province's annex template:
it opens in LibreOffice with the results in it, a template the office uploaded is used, and
the letterhead is the reader's province from the data."""

from datetime import date
from io import BytesIO

import pytest
from django.urls import reverse
from docx import Document

from cchc.organizations.models import Agency, AgencyLevel
from cchc.parindex.annex import annex_docx
from cchc.parindex.models import Result
from cchc.parindex.services.publication import results_publish
from cchc.parindex.services.results import results_compute
from cchc.reports.document_templates import template_upload
from cchc.reports.docx_builder import bundled_template
from cchc.reports.models import DocumentKind
from tests.parindex.test_office_views import finalise_all, scored  # noqa: F401 — fixture
from tests.reports.libreoffice import pdf_through_libreoffice
from tests.reports.test_document_templates import edited, text_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(reform_office, framework, scored):  # noqa: F811 — the imported fixture
    results_compute(actor=reform_office, framework=framework)
    finalise_all(framework)
    results_publish(actor=reform_office, framework=framework)
    return framework


def annex_of(client, user, framework, query=""):
    client.force_login(user)
    address = reverse("parindex:results_export", args=[framework.pk, "docx"]) + query
    response = client.get(address)
    assert response.status_code == 200
    return response.content


def test_the_annex_opens_in_libreoffice_with_the_results(client, reform_office, published,
                                                         tmp_path):  # fmt: skip
    content = annex_of(client, reform_office, published, "?so=15/QĐ-UBND&ngay=20/03/2032")
    text, pages = pdf_through_libreoffice(content, tmp_path, "phu-luc")
    assert pages >= 1
    assert "PHỤ LỤC" in text and "ỦY BAN NHÂN DÂN" in text and "TỈNH LAI CHÂU" in text
    assert "(Kèm theo Quyết định số 15/QĐ-UBND ngày 20/03/2032" in text
    assert "TM. ỦY BAN NHÂN DÂN" in text and "CHỦ TỊCH" in text
    for result in Result.objects.filter(assessment__framework=published):
        # The total as the annex prints it: three decimals, comma (recomputed here).
        shown = f"{result.total:.{published.display_places}f}".replace(".", ",")
        assert result.assessment.agency.name in text
        assert shown in text, shown


def test_an_uploaded_annex_template_is_used(client, reform_office, published):
    template_upload(
        actor=reform_office, kind=DocumentKind.PAR_INDEX_ANNEX,
        province=Agency.objects.get(code="12"), file_name="phu-luc.docx",
        content=edited(bundled_template(DocumentKind.PAR_INDEX_ANNEX),
                       before_title="Mẫu phụ lục riêng của tỉnh"),
    )  # fmt: skip
    text = text_of(annex_of(client, reform_office, published))
    assert "Mẫu phụ lục riêng của tỉnh" in text and "PHỤ LỤC" in text
    # The periodic report's template is untouched.
    assert "Mẫu phụ lục riêng" not in text_of(bundled_template(DocumentKind.PERIODIC_REPORT))


def test_a_second_province_annex_says_nothing_of_lai_chau(published):
    province = Agency.objects.create(
        code="11", name="Tỉnh Điện Biên (UBND tỉnh)", level=AgencyLevel.PROVINCE
    )
    rows = list(Result.objects.filter(assessment__framework=published))
    content = annex_docx(
        framework=published, rows=rows, province=province, number_symbol="7/QĐ-UBND",
        day=date(2032, 3, 20), signer="Lò Văn Minh",
    )  # fmt: skip
    text = text_of(content)
    assert "ỦY BAN NHÂN DÂN\nTỈNH ĐIỆN BIÊN" in text
    assert "Điện Biên, ngày 20 tháng 3 năm 2032" in text
    assert "của Ủy ban nhân dân tỉnh Điện Biên)" in text
    assert "Lai Châu" not in text and "LAI CHÂU" not in text
    assert Document(BytesIO(content)).tables  # the results table is there


def test_a_template_failing_on_the_results_is_said_not_crashed(client, reform_office, published):
    # Accepted (the sample has three sections) but the results have one group: no second.
    template_upload(
        actor=reform_office, kind=DocumentKind.PAR_INDEX_ANNEX,
        province=Agency.objects.get(code="12"), file_name="phu-luc.docx",
        content=edited(bundled_template(DocumentKind.PAR_INDEX_ANNEX),
                       replace=("{{ title }}", "{{ title }} {{ sections[1].heading }}")),
    )  # fmt: skip
    client.force_login(reform_office)
    address = reverse("parindex:results_export", args=[published.pk, "docx"])
    response = client.get(address, follow=True)
    assert response.redirect_chain[-1][0] == reverse("parindex:results", args=[published.pk])
    assert "Mẫu văn bản không dùng được" in response.content.decode()


@pytest.mark.parametrize(
    ("query", "said"),
    [
        (
            "?so==1%2B1/QĐ-UBND",
            "Số quyết định: Số, ký hiệu văn bản phải có dạng "
            "“05/BC-STP” hoặc “/BC-STP” (nhận “=1+1/QĐ-UBND”).",
        ),
        ("?so=15/QĐ-UBND&ngay=31/02/2032", "Ngày:"),
    ],
)
def test_a_malformed_decision_detail_is_said_not_replaced_by_a_draft(
    client, reform_office, published, query, said
):
    """A malformed number or date was left out without a word: the annex came out as a
    draft with a blank number, or dated today."""
    client.force_login(reform_office)
    address = reverse("parindex:results_export", args=[published.pk, "docx"]) + query
    response = client.get(address, follow=True)
    back = response.redirect_chain[-1][0]
    assert back.startswith(reverse("parindex:results", args=[published.pk]) + "?")
    shown = [str(m) for m in response.context["messages"]]
    assert len(shown) == 1 and shown[0].startswith("Chưa tạo được phụ lục.") and said in shown[0]
    typed = "=1+1/QĐ-UBND" if "1%2B1" in query else "15/QĐ-UBND"
    assert f'value="{typed}"' in response.text  # what was typed is there to correct

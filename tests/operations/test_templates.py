"""Download templates: built from each importer's columns, so they always match it."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from cchc.core.tabular.reading import read_table
from cchc.operations.imports import IMPORTERS
from cchc.operations.imports.templates import template_csv, template_xlsx
from cchc.operations.models import Procedure, ProcedureSnapshot
from cchc.organizations.scope import AgencyScope
from tests.operations.importing import load

KINDS = list(IMPORTERS)


@pytest.mark.parametrize("kind", KINDS)
def test_xlsx_template_has_the_header_and_a_guide(kind):
    importer = IMPORTERS[kind]
    workbook = load_workbook(io.BytesIO(template_xlsx(kind)))
    assert workbook.sheetnames == ["Dữ liệu", "Hướng dẫn"]
    data = workbook["Dữ liệu"]
    header = [cell.value for cell in data[1]]
    assert header == [c.title for c in importer.columns]
    assert data.max_row == 1 or all(
        c.value is None for row in data.iter_rows(min_row=2) for c in row
    )
    positions, errors = importer(scope=AgencyScope.everything()).map_header(header)
    assert errors == [] and len(positions) == len(importer.columns)
    guide = list(workbook["Hướng dẫn"].iter_rows(values_only=True))
    assert guide[0] == ("Cột", "Bắt buộc", "Tên khác được chấp nhận", "Hướng dẫn", "Ví dụ")
    for column, line in zip(importer.columns, guide[1:], strict=False):
        assert line[0] == column.title
        assert line[1] == ("Có" if column.required else "Không")
        assert all(alias in (line[2] or "") for alias in column.aliases)
    assert any("từ chối toàn bộ" in (line[0] or "") for line in guide)


@pytest.mark.parametrize("kind", KINDS)
def test_csv_template_is_utf8_with_bom_and_its_example_parses(kind):
    content = template_csv(kind)
    assert content.startswith(b"\xef\xbb\xbf")
    table = read_table(content, f"mau-{kind}.csv")
    assert table.header == [c.title for c in IMPORTERS[kind].columns]
    assert len(table.rows) == 1
    for column, value in zip(IMPORTERS[kind].columns, table.rows[0], strict=True):
        if value != "":
            column.parse(value)  # raises CellError on a bad example


@pytest.mark.django_db
@pytest.mark.parametrize("kind", KINDS)
def test_the_csv_templates_example_row_is_a_valid_file(reform_office, kind):
    procedure = Procedure.objects.create(code="1.001234", name="Cấp phiếu lý lịch tư pháp")
    ProcedureSnapshot.objects.create(procedure=procedure, year=2022, authority_tier="province")
    run = load(reform_office, kind, template_csv(kind), f"mau-{kind}.csv")
    assert run.status == "done", run.errors
    assert run.rows_created + run.rows_updated == 1  # the catalogue's row updates 1.001234


@pytest.mark.django_db
def test_the_import_page_names_each_template(client, dept_officer):
    """The sample files on the import page carry the name of what they load (the page showed
    "— Excel · CSV" with no name: the template called the importer class)."""
    client.force_login(dept_officer)
    body = client.get(reverse("operations:import_list")).content.decode()
    listing = body.split("Tệp mẫu", 1)[1].split("</ul>", 1)[0]
    for kind, importer in IMPORTERS.items():
        link = reverse("operations:import_template", args=[kind, "xlsx"])
        assert f'<li>{importer.title} — <a href="{link}">Excel</a>' in listing

"""Excel exports write what a view hands them, translatable labels included."""

import io

from django.utils.translation import gettext_lazy
from openpyxl import load_workbook

from cchc.core.xlsx import build_xlsx
from cchc.operations.models import Channel


def test_lazy_labels_are_written_as_their_text():
    content = build_xlsx(
        title=gettext_lazy("Hồ sơ"),
        subtitle="2 hồ sơ",
        headers=["Mã hồ sơ", gettext_lazy("Kênh")],
        rows=[["A", Channel.POSTAL.label], ["B", Channel(2).label]],
        note=gettext_lazy("ghi chú"),
    )
    rows = list(load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))
    assert rows[0][0] == "Hồ sơ" and rows[2][0] == "ghi chú"
    assert rows[-3:] == [("Mã hồ sơ", "Kênh"), ("A", "Bưu chính công ích"), ("B", "Trực tuyến")]

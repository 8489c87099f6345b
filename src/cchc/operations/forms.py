from typing import cast

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from cchc.core.forms import BootstrapFormMixin, DateField
from cchc.operations.imports import IMPORTERS
from cchc.operations.models import Channel, DossierStatus
from cchc.operations.rollups import SELECTIONS
from cchc.operations.selectors import DEADLINES, DossierSearch


class ImportForm(BootstrapFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Loại dữ liệu"))
    file = forms.FileField(
        label=_("Tệp dữ liệu"),
        help_text=_(
            "CSV (UTF-8) hoặc Excel .xlsx; dòng tiêu đề cột có thể nằm dưới tên báo cáo, đơn "
            "vị, kỳ báo cáo. Tải tệp mẫu ở bên phải."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,.txt"}),
    )

    def __init__(self, *args, kinds: list[str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the kinds the user may author (organizations.access) are offered.
        cast(forms.ChoiceField, self.fields["kind"]).choices = [
            (k, importer.title) for k, importer in IMPORTERS.items() if kinds is None or k in kinds
        ]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.IMPORT_MAX_BYTES:
            raise forms.ValidationError(_("Tệp quá lớn."))
        if not upload.name.lower().endswith((".csv", ".xlsx", ".txt")):
            raise forms.ValidationError(_("Chỉ nhận tệp .csv hoặc .xlsx."))
        return upload


ALL = [("", _("Tất cả"))]


class DossierSearchForm(BootstrapFormMixin, forms.Form):
    """The dossier list's search, sent by GET. Every field may stay empty.

    Links from a number (a target's per-agency row, an assessment) add the drill-down's
    `nam`, `tu_thang`, `den_thang`, `loc` and `thanh_toan_tt`: those are read as before — what
    is not understood is left out (`selection`) — and kept as hidden fields when a person
    searches within that list."""

    ma = forms.CharField(
        label=_("Mã hồ sơ"), max_length=64, required=False,
        error_messages={"max_length": _("Mã hồ sơ dài tối đa %(limit_value)d ký tự.")},
        widget=forms.TextInput(attrs={"placeholder": _("cả mã hoặc phần đầu của mã")}),
    )  # fmt: skip
    thu_tuc = forms.CharField(
        label=_("Thủ tục"), max_length=200, required=False,
        error_messages={"max_length": _("Nhập tối đa %(limit_value)d ký tự.")},
        widget=forms.TextInput(attrs={"placeholder": _("mã thủ tục hoặc từ trong tên")}),
    )  # fmt: skip
    co_quan = forms.TypedChoiceField(label=_("Cơ quan"), coerce=int, required=False,
                                     empty_value=None)  # fmt: skip
    kenh = forms.TypedChoiceField(label=_("Kênh"), choices=[*ALL, *Channel.choices], coerce=int,
                                  required=False, empty_value=None)  # fmt: skip
    trang_thai = forms.ChoiceField(
        label=_("Trạng thái"), choices=ALL + DossierStatus.choices, required=False
    )
    han = forms.ChoiceField(
        label=_("Đúng hạn"), required=False,
        choices=ALL + [(key, deadline.label) for key, deadline in DEADLINES.items()],
    )  # fmt: skip
    tiep_nhan_tu = DateField(label=_("Tiếp nhận từ ngày"), required=False)
    tiep_nhan_den = DateField(label=_("Tiếp nhận đến ngày"), required=False)
    ket_thuc_tu = DateField(label=_("Kết thúc xử lý từ ngày"), required=False)
    ket_thuc_den = DateField(label=_("Kết thúc xử lý đến ngày"), required=False)

    RANGES = (("tiep_nhan_tu", "tiep_nhan_den"), ("ket_thuc_tu", "ket_thuc_den"))
    DRILL_DOWN = ("nam", "tu_thang", "den_thang", "loc", "thanh_toan_tt")

    def __init__(self, *args, agencies, **kwargs):
        """`agencies`: those the user may see (`organizations.selectors.agency_tree`), the
        only ones offered and accepted."""
        super().__init__(*args, **kwargs)
        self.fields["co_quan"].choices = [("", _("Tất cả cơ quan trong phạm vi"))] + [
            (a.pk, "\u00a0\u00a0" * (getattr(a, "depth", 0) or 0) + a.name) for a in agencies
        ]
        for field in self.fields.values():  # a compact form: small controls
            if isinstance(field, forms.ChoiceField):
                field.error_messages["invalid_choice"] = _("Chọn một mục trong danh sách.")
            css = field.widget.attrs["class"]
            field.widget.attrs["class"] = f"{css} {css.split()[-1]}-sm"

    def _post_clean(self):
        super()._post_clean()
        for name in self.errors:
            if name in self.fields:
                self.fields[name].widget.attrs["class"] += " is-invalid"
                self.fields[name].widget.attrs["aria-invalid"] = "true"

    def clean(self):
        data = super().clean()
        for first, last in self.RANGES:
            if data.get(first) and data.get(last) and data[first] > data[last]:
                self.add_error(last, _("Ngày cuối phải bằng hoặc sau ngày đầu."))
        return data

    def search(self) -> DossierSearch:
        data = self.cleaned_data
        return DossierSearch(
            code=data["ma"].strip(),
            procedure=data["thu_tuc"].strip(),
            channel=data["kenh"],
            status=data["trang_thai"],
            deadline=data["han"],
            received=(data["tiep_nhan_tu"], data["tiep_nhan_den"]),
            finished=(data["ket_thuc_tu"], data["ket_thuc_den"]),
        )

    def selection(self) -> dict:
        """The drill-down's query (`?nam=2022&tu_thang=4&den_thang=6&loc=finished_on_time
        &thanh_toan_tt=1`) as arguments of `selectors.dossiers`."""

        def number(name: str, low: int, high: int) -> int | None:
            value = self.data.get(name, "")
            return int(value) if value.isdigit() and low <= int(value) <= high else None

        year = number("nam", 1900, 2999)
        first, last = number("tu_thang", 1, 12), number("den_thang", 1, 12)
        months = None
        if year is not None and (first or last):
            months = (first or 1, last or 12)
            if months[0] > months[1]:
                months = None
        counted = self.data.get("loc")
        return {
            "year": year,
            "months": months,
            "counted": counted if counted in SELECTIONS else None,
            "online_payment_only": self.data.get("thanh_toan_tt") == "1",
        }

    def kept(self) -> list[tuple[str, str]]:
        """The drill-down's parameters that `selection` understood, as hidden fields."""
        selection = self.selection()
        kept: list[tuple[str, str]] = []
        if selection["year"] is not None:
            kept.append(("nam", str(selection["year"])))
            if selection["months"]:
                first, last = selection["months"]
                kept += [("tu_thang", str(first)), ("den_thang", str(last))]
        if selection["counted"]:
            kept.append(("loc", selection["counted"]))
        if selection["online_payment_only"]:
            kept.append(("thanh_toan_tt", "1"))
        return kept

"""Forms of the reform office's PAR INDEX pages (views.frameworks, .rounds, .results). They
read the input only; the rules (roles, states, maxima, own agency) are the services'."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import cast

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cchc.core.concurrency import VersionedForm
from cchc.core.forms import BootstrapFormMixin, DateField
from cchc.organizations.models import Agency, AgencyLevel, Role
from cchc.parindex import scoring
from cchc.parindex.assessment_forms import PointsField
from cchc.parindex.frameworks import FIRST_YEAR, LAST_YEAR, FrameworkSpec
from cchc.parindex.models import AdjustmentKind, Assessment, BandBasis, Framework, FrameworkGroup
from cchc.reports.docx_builder import format_number_symbol

UPLOAD_MAX_BYTES = 5 * 1024 * 1024
UPLOAD_HELP = _("Tệp CSV (mã UTF-8) hoặc Excel (.xlsx), tối đa 5 MB.")


class TableFileField(forms.FileField):
    """A CSV or XLSX upload of reasonable size; its content is checked by the importer."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Tệp"))
        kwargs.setdefault("help_text", UPLOAD_HELP)
        super().__init__(**kwargs)
        self.widget.attrs["accept"] = ".csv,.xlsx"

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if upload is not None and upload.size > UPLOAD_MAX_BYTES:
            raise ValidationError(_("Tệp lớn hơn 5 MB."))
        return upload


# --- bands typed as people write them: "15 Xuất sắc / 12 Tốt / … / Yếu" -------------------

_BAND = re.compile(
    r"^(?:(?:≥|>=)\s*)?(?P<min>\d+(?:[.,]\d+)?)\s*(?:%\s*)?[:\-–—]?\s*(?P<label>.+)$"
)


def parse_bands_text(value: str) -> list[dict[str, str | None]]:
    """One band per line (or separated by " / "), from the top: "15 Xuất sắc", "≥ 90%: Tốt";
    a last line without a number ("Yếu") takes everything below. Raises ValidationError."""
    bands: list[dict[str, str | None]] = []
    for part in re.split(r"\n|\s/\s", value or ""):
        part = part.strip().strip(";").strip()
        if not part:
            continue
        match = _BAND.match(part)
        if match:
            bands.append({"min": match["min"].replace(",", "."), "label": match["label"].strip()})
        else:
            bands.append({"min": None, "label": part})
    return bands


def bands_text(bands: list[dict]) -> str:
    """The stored bands as the textarea shows them."""
    lines = []
    for band in bands:
        minimum = band.get("min")
        shown = "" if minimum in (None, "") else str(minimum).replace(".", ",") + " "
        lines.append(f"{shown}{band.get('label', '')}")
    return "\n".join(lines)


class FrameworkImportForm(VersionedForm, BootstrapFormMixin, forms.Form):
    """A framework file and what the file does not say (FrameworkSpec). With
    `editing=<framework>` it reloads that framework: its code, year and group are fixed (they
    are the framework) and the page carries its version (ADR 0013)."""

    file = TableFileField(
        label=_("Tệp bộ tiêu chí"),
        help_text=_(
            "CSV (UTF-8) hoặc Excel (.xlsx), mỗi dòng một tiêu chí: code, parent_code, title, "
            "max_points, scoring_rule, evidence_required, source_url; có thể thêm scoring_type, "
            "step, indicator_code, full_at, zero_at. Tối đa 5 MB."
        ),
    )
    code = forms.CharField(label=_("Mã bộ tiêu chí"), max_length=32,
                           help_text=_("Ví dụ: CCHC-SO. Mã, năm và đối tượng xác định một bộ "
                                       "tiêu chí; để cập nhật bộ đã có, dùng “Nạp lại tệp” "
                                       "trên trang của nó."))  # fmt: skip
    title = forms.CharField(label=_("Tên bộ tiêu chí"), max_length=500)
    year = forms.IntegerField(label=_("Năm đánh giá"), min_value=FIRST_YEAR, max_value=LAST_YEAR)
    group = forms.ChoiceField(label=_("Đối tượng đánh giá"), choices=FrameworkGroup.choices)
    source = forms.CharField(
        label=_("Căn cứ, nguồn"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Ví dụ: Quyết định số …/QĐ-UBND ngày … của UBND tỉnh."),
    )  # fmt: skip
    source_url = forms.URLField(
        label=_("Địa chỉ nguồn"), required=False, max_length=1000, assume_scheme="https"
    )
    illustrative = forms.BooleanField(
        label=_("Ví dụ minh họa (không phải bộ tiêu chí chính thức)"), required=False
    )
    par_index = forms.BooleanField(
        label=_("Là Chỉ số CCHC (tính cho chỉ tiêu “100% cơ quan được đánh giá, xếp loại”)"),
        required=False, initial=True,
    )  # fmt: skip
    precision = forms.IntegerField(
        label=_("Số chữ số thập phân của điểm"), min_value=0, max_value=3, initial=3,
        help_text=_("Điểm chấm, điểm điều tra, thưởng, trừ ghi tối đa bấy nhiêu chữ số thập "
                    "phân, ví dụ 3 cho 1,978."),
    )  # fmt: skip
    step = forms.DecimalField(
        label=_("Bước điểm chung"), required=False, localize=True, min_value=Decimal("0.001"),
        max_digits=6, decimal_places=3,
        help_text=_("Tùy chọn, ví dụ 0,25: áp dụng cho tiêu chí tự chấm không ghi bước điểm "
                    "trong tệp. Để trống: chấm theo số chữ số thập phân."),
    )  # fmt: skip
    display_places = forms.IntegerField(
        label=_("Số chữ số thập phân khi hiển thị"), min_value=0, max_value=3, initial=2,
        required=False,
        help_text=_("Tổng điểm, chỉ số tính đúng; chỉ làm tròn khi hiển thị, xuất Excel, Word."),
    )  # fmt: skip
    bands = forms.CharField(
        label=_("Ngưỡng xếp loại"),
        required=False,
        widget=forms.Textarea(
            attrs={"rows": 5, "placeholder": "90 Xuất sắc\n80 Tốt\n70 Khá\n50 Trung bình\nYếu"}
        ),
        help_text=_(
            "Mỗi dòng một mức, từ cao xuống thấp: điểm (hoặc %) tối thiểu rồi tên mức, ví dụ "
            "“15 Xuất sắc”; dòng cuối không ghi số là mức thấp nhất (“Yếu”). Có thể viết trên "
            "một dòng, ngăn cách bằng “ / ”. Để trống: không xếp loại."
        ),
    )
    band_basis = forms.ChoiceField(
        label=_("Xếp loại theo"), choices=BandBasis.choices, initial=BandBasis.POINTS
    )

    IDENTITY = ("code", "year", "group")

    def __init__(self, *args, editing: Framework | None = None, **kwargs):
        if editing is not None:
            kwargs["initial"] = {**framework_initial(editing), **kwargs.get("initial", {})}
        super().__init__(*args, editing=editing, **kwargs)
        if editing is not None:
            for name in self.IDENTITY:
                self.fields[name].disabled = True
                self.fields[name].help_text = _(
                    "Mã, năm và đối tượng là của bộ tiêu chí đang nạp lại, không đổi được."
                )

    def clean_bands(self) -> list[dict[str, str | None]]:
        return parse_bands_text(self.cleaned_data.get("bands", ""))

    def clean(self):
        data = super().clean()
        bands, basis = data.get("bands"), data.get("band_basis")
        if bands is not None and basis:
            try:
                scoring.parse_bands(bands, basis)
            except ValueError as exc:
                self.add_error("bands", str(exc))
        return data

    def spec(self) -> FrameworkSpec:
        data = self.cleaned_data
        return FrameworkSpec(
            code=data["code"].strip(), title=data["title"].strip(), group=data["group"],
            year=data["year"], source=data["source"].strip(), source_url=data["source_url"],
            illustrative=data["illustrative"], par_index=data["par_index"],
            precision=data["precision"],
            display_places=2 if data["display_places"] is None else data["display_places"],
            bands=data["bands"], band_basis=data["band_basis"],
            defaults={"step": str(data["step"])} if data.get("step") else {},
        )  # fmt: skip


def framework_initial(framework: Framework) -> dict:
    """The reload page filled from the framework; the common step is not stored (it was
    written into the criteria), so it starts empty."""
    fields = ("code", "title", "year", "group", "source", "source_url", "illustrative",
              "par_index", "precision", "display_places", "band_basis")  # fmt: skip
    return {
        **{name: getattr(framework, name) for name in fields},
        "bands": bands_text(framework.bands),
    }


# --- opening assessments --------------------------------------------------------------------


LEVEL_ORDER = {level: index for index, level in enumerate(AgencyLevel.values)}


def assessed_agencies(framework: Framework):
    """The agencies a round of the framework opened today may assess (`services.rounds.assessable`)."""
    from cchc.parindex.services.rounds import assessable

    return assessable(framework, on=timezone.localdate())


class AgencyChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Agency) -> str:
        return f"{obj.code} — {obj.name}"


class OpenForm(BootstrapFormMixin, forms.Form):
    deadline = DateField(label=_("Hạn gửi tự chấm"),
                         help_text=_("Cơ quan tự chấm và gửi đến hết ngày này."))  # fmt: skip
    agencies = AgencyChoiceField(
        label=_("Chỉ mở cho các cơ quan"),
        queryset=Agency.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 10}),
        help_text=_(
            "Để trống: mở cho mọi cơ quan thuộc đối tượng đánh giá (đang hoạt động cuối năm). "
            "Giữ Ctrl (⌘ trên Mac) để chọn nhiều. Cơ quan đã có phiếu giữ nguyên phiếu của mình."
        ),
    )

    def __init__(self, *args, framework: Framework, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["agencies"]).queryset = assessed_agencies(
            framework
        )


class DeadlineForm(BootstrapFormMixin, forms.Form):
    assessment = forms.IntegerField(widget=forms.HiddenInput)
    deadline = DateField(label=_("Hạn mới"))


# --- appraisers -----------------------------------------------------------------------------


class AppraiserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        name = obj.get_full_name() or obj.get_username()
        return f"{name} ({obj.get_username()}) — {obj.membership.agency.name}"


class AssignForm(BootstrapFormMixin, forms.Form):
    appraiser = AppraiserChoiceField(
        label=_("Thành viên tổ thẩm định"), queryset=None,
        empty_label=_("— Chọn người thẩm định —"),
    )  # fmt: skip
    agencies = AgencyChoiceField(
        label=_("Thẩm định các cơ quan"), queryset=Agency.objects.none(),
        widget=forms.SelectMultiple(attrs={"size": 10}),
        help_text=_("Giữ Ctrl (⌘ trên Mac) để chọn nhiều. Không phân công ai thẩm định cơ quan "
                    "của chính mình."),
    )  # fmt: skip

    def __init__(self, *args, framework: Framework, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["appraiser"]).queryset = (
            get_user_model()
            .objects.filter(membership__role=Role.APPRAISER, is_active=True)
            .select_related("membership__agency")
            .order_by("membership__agency__code", "username")
        )
        cast(forms.ModelChoiceField, self.fields["agencies"]).queryset = assessed_agencies(
            framework
        )


# --- survey points ----------------------------------------------------------------------


class SurveyImportForm(BootstrapFormMixin, forms.Form):
    file = TableFileField(label=_("Tệp điểm điều tra xã hội học"))
    note = forms.CharField(
        label=_("Ghi chú lần nạp"), required=False, max_length=500,
        help_text=_("Ví dụ: Kết quả điều tra xã hội học năm 2022, đợt 1. Lưu cùng từng điểm."),
    )  # fmt: skip


# --- bonus and penalty ------------------------------------------------------------------


class AssessmentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Assessment) -> str:
        return f"{obj.agency.code} — {obj.agency.name}"


class AdjustmentForm(BootstrapFormMixin, forms.Form):
    assessment = AssessmentChoiceField(label=_("Cơ quan"), queryset=Assessment.objects.none())
    kind = forms.ChoiceField(label=_("Loại"), choices=AdjustmentKind.choices)
    points = PointsField(
        label=_("Số điểm"), required=True, min_value=Decimal("0.001"), max_digits=8,
        decimal_places=3, help_text=_("Số dương, ví dụ 0,5 hoặc 0,125. Điểm trừ cũng ghi số dương."),
    )  # fmt: skip
    reason = forms.CharField(label=_("Lý do"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, framework: Framework, **kwargs):
        super().__init__(*args, **kwargs)
        cast(
            forms.ModelChoiceField, self.fields["assessment"]
        ).queryset = framework.assessments.select_related("agency").order_by("agency__code")


# --- the annex (DOCX) -------------------------------------------------------------------


class AnnexForm(BootstrapFormMixin, forms.Form):
    """Optional details of the publication decision printed on the annex: left empty, a
    draft (a blank for the clerk to write the number in, today's date); given malformed,
    refused with what is wrong, not silently replaced by the draft's."""

    so = forms.CharField(label=_("Số quyết định"), required=False, max_length=40)
    ngay = DateField(label=_("Ngày"), required=False)
    ky = forms.CharField(label=_("Người ký"), required=False, max_length=120)

    def clean_so(self) -> str:
        number_symbol = self.cleaned_data["so"].strip()
        if number_symbol:
            try:
                format_number_symbol(number_symbol)
            except ValueError as exc:
                raise ValidationError(str(exc)) from exc
        return number_symbol

    def problems(self) -> list[str]:
        """Each error with the label of its field, for a message above the results."""
        return [
            f"{self.fields[name].label}: {' '.join(str(e) for e in errors)}"
            for name, errors in self.errors.items()
        ]

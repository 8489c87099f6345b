from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from cchc.core.concurrency import VersionedForm
from cchc.core.formatting import format_number
from cchc.core.forms import BootstrapFormMixin, DateField
from cchc.core.seams import Seam
from cchc.organizations.forms import AgencyChoiceField, AgencyMultipleChoiceField
from cchc.organizations.models import Agency, AgencyLevel, Tier
from cchc.plans import tiers as plan_tiers
from cchc.plans.models import (
    Comparator,
    GrowthMeasure,
    Plan,
    ProgressStatus,
    ReformArea,
    TargetKind,
    TargetUnit,
)
from cchc.plans.services import ThresholdInput

# Seam (ADR 0004): the indicators app, above this one, sets this to its registry's
# (code, title) pairs, so a target is linked by choosing a measured indicator rather than by
# typing a code. Unset (plans alone), the code is free text.
indicator_choices = Seam("plans.indicator_choices")


def reason_field(label=None) -> forms.CharField:
    # simple-history keeps a change reason of at most 100 characters.
    return forms.CharField(
        label=label or _("Lý do sửa"),
        max_length=100,
        error_messages={
            "required": _("Hãy ghi lý do sửa: lịch sử lưu ai sửa gì, lúc nào, vì sao.")
        },
        help_text=_("Lưu trong lịch sử thay đổi, cùng người sửa và thời điểm."),
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )


class EditForm(VersionedForm):
    """A form of the plan, a target or a task: editing a row (`editing=<row>`) adds its
    version and a required reason."""

    def __init__(self, *args, editing=None, **kwargs):
        super().__init__(*args, editing=editing, **kwargs)
        if editing is not None:
            self.fields["reason"] = reason_field()

    def edit_kwargs(self) -> dict:
        """What the service takes besides the row's fields: the reason and the version."""
        if "reason" not in self.fields:
            return {}
        return {"reason": self.cleaned_data["reason"], "version": self.read_version()}

    def row_fields(self) -> dict:
        return {k: v for k, v in self.data_without_version().items() if k != "reason"}


class DeleteForm(EditForm, BootstrapFormMixin, forms.Form):
    """Deleting a target or a task: the reason and the version of the row."""

    def __init__(self, *args, editing, **kwargs):
        super().__init__(*args, editing=editing, **kwargs)
        self.fields["reason"] = reason_field(_("Lý do xóa"))


class PlanForm(EditForm, BootstrapFormMixin, forms.Form):
    year = forms.IntegerField(label=_("Năm kế hoạch"), min_value=2000, max_value=2100)
    number = forms.CharField(
        label=_("Số, ký hiệu"),
        max_length=64,
        required=False,
        help_text=_("Ví dụ: 4345/KH-UBND"),
    )
    title = forms.CharField(label=_("Tên kế hoạch"), max_length=500)
    issuer = forms.CharField(label=_("Cơ quan ban hành"), max_length=255, required=False)
    place = forms.CharField(label=_("Địa danh"), max_length=100, required=False)
    issued_on = DateField(label=_("Ngày ban hành"), required=False)
    effective_on = DateField(label=_("Ngày có hiệu lực"), required=False)
    signer = forms.CharField(label=_("Người ký"), max_length=255, required=False)
    purposes = forms.CharField(
        label=_("Mục đích"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    requirements = forms.CharField(
        label=_("Yêu cầu"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=_("Mỗi dòng một yêu cầu."),
    )
    tiers = forms.MultipleChoiceField(
        label=_("Các cấp của kế hoạch"),
        choices=Tier.choices,
        widget=forms.CheckboxSelectMultiple,
        # Not ticking any keeps what the plan has, or for a new plan takes its year's: a form
        # posted without the field (a script, an older page) changes no tier.
        required=False,
        help_text=_("Các cấp kế hoạch đặt ngưỡng chỉ tiêu, theo dõi và báo cáo. Từ ngày "
                    "01/07/2025 chính quyền địa phương có hai cấp: kế hoạch từ năm 2026 mặc định "
                    "có cấp tỉnh và cấp xã; kế hoạch đến năm 2025 có cả cấp huyện."),
    )  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "tiers" not in self.initial:
            self.initial["tiers"] = plan_tiers.default_tiers(self.initial.get("year"))

    def clean_tiers(self) -> list[str] | None:
        """The ticked tiers in order; None when none is ticked (see the field)."""
        return plan_tiers.ordered(self.cleaned_data["tiers"]) or None


class PlanCreateForm(PlanForm):
    copy_targets_from = forms.ModelChoiceField(
        label=_("Sao chép chỉ tiêu từ kế hoạch"),
        queryset=Plan.objects.order_by("-year"),
        required=False,
        empty_label=_("— Không sao chép —"),
    )


TIER_FIELDS: list[tuple[str, str, StrOrPromise]] = [
    ("", "all", _("Ngưỡng chung")),
    *((tier.value, tier.value, tier.label) for tier in Tier),
]


def tier_fields(tiers=plan_tiers.ALL_TIERS) -> list[tuple[str, str, StrOrPromise]]:
    """The threshold inputs of a target of a plan with `tiers`: the general one, then one per
    declared tier — a plan without cấp huyện has no input for it."""
    return [row for row in TIER_FIELDS if not row[0] or row[0] in tiers]


class TargetForm(EditForm, BootstrapFormMixin, forms.Form):
    number = forms.IntegerField(label=_("Số thứ tự trong kế hoạch"), min_value=1, max_value=99)
    part = forms.CharField(
        label=_("Phần"),
        max_length=2,
        required=False,
        help_text=_("a, b, c khi một mục của kế hoạch đo nhiều nội dung; để trống nếu chỉ một."),
    )
    source_text = forms.CharField(
        label=_("Nguyên văn chỉ tiêu"), widget=forms.Textarea(attrs={"rows": 3})
    )
    quantity = forms.CharField(label=_("Nội dung đo"), max_length=500)
    # A select without a blank option shows, and a browser posts, its first choice: the initial
    # says so, or an untouched blank row of the import review reads as changed and is
    # validated (issue 17) instead of being skipped.
    comparator = forms.ChoiceField(
        label=_("So sánh"), choices=Comparator.choices, initial=Comparator.GTE
    )
    unit = forms.ChoiceField(
        label=_("Đơn vị"), choices=TargetUnit.choices, initial=TargetUnit.PERCENT
    )
    kind = forms.ChoiceField(label=_("Loại"), choices=TargetKind.choices, initial=TargetKind.SHARE)
    baseline_year = forms.IntegerField(
        label=_("Năm gốc"),
        min_value=2000,
        max_value=2100,
        required=False,
        help_text=_("Bắt buộc với chỉ tiêu tăng trưởng, ví dụ “so với năm 2021”."),
    )
    growth_measure = forms.ChoiceField(
        label=_("Cách tính mức tăng"),
        choices=GrowthMeasure.choices,
        initial=GrowthMeasure.RELATIVE,
        required=False,
        help_text=_("Chỉ tiêu tăng trưởng: “tăng 10% số thủ tục” là tăng tương đối; “tỷ lệ tăng "
                    "thêm 10 điểm” là điểm phần trăm. Đánh giá đạt theo cách này."),
    )  # fmt: skip
    target_year = forms.IntegerField(
        label=_("Năm đạt chỉ tiêu"),
        min_value=2000,
        max_value=2100,
        required=False,
        help_text=_("Khi chỉ tiêu nêu mốc, ví dụ “đến hết năm 2025”; khác năm gốc “so với "
                    "năm 2021”."),
    )  # fmt: skip
    scope_levels = forms.MultipleChoiceField(
        label=_("Đối tượng áp dụng"),
        choices=[c for c in AgencyLevel.choices if c[0] != AgencyLevel.PROVINCE],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Số liệu của chỉ tiêu chỉ tính các cơ quan thuộc các cấp đã chọn (UBND tỉnh "
                    "tính cùng sở, ban, ngành). Không chọn cấp nào: tính theo mặc định của chỉ "
                    "số đo."),
    )  # fmt: skip
    scope_note = forms.CharField(
        label=_("Ghi chú phạm vi"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    indicator_code = forms.CharField(label=_("Mã chỉ số đo"), max_length=64, required=False)

    def __init__(self, *args, tiers=plan_tiers.ALL_TIERS, **kwargs):
        super().__init__(*args, **kwargs)
        self.tier_fields = tier_fields(plan_tiers.ordered(tiers))
        levels = plan_tiers.levels_of(tiers)
        self.fields["scope_levels"].choices = [
            c for c in self.fields["scope_levels"].choices if c[0] in levels
        ]
        if indicator_choices.available:
            self._offer_indicators(indicator_choices())
        for _tier, key, label in self.tier_fields:
            self.fields[f"value_{key}"] = forms.DecimalField(
                label=label, max_digits=9, decimal_places=2, required=False, localize=True
            )
            self.fields[f"upper_{key}"] = forms.DecimalField(
                label=_("đến"), max_digits=9, decimal_places=2, required=False, localize=True
            )
        self._apply_bootstrap_to_new_fields()

    def _offer_indicators(self, known: list[tuple[str, str]]) -> None:
        """The indicator as a choice among the registry's; a code saved earlier that the
        registry lacks stays selectable, marked, so editing a target never drops it."""
        choices: list[tuple[str, StrOrPromise]] = [
            ("", _("— Chưa gắn chỉ số (không đo tự động) —"))
        ]
        choices += [(code, f"{code} — {title}") for code, title in known]
        current = self.initial.get("indicator_code") or ""
        if current and current not in dict(known):
            choices.append((current, _("%(c)s (không có trong danh mục chỉ số)") % {"c": current}))
        field = self.fields["indicator_code"]
        self.fields["indicator_code"] = forms.ChoiceField(
            label=field.label, choices=choices, required=False,
            help_text=_("Chỉ số của hệ thống dùng để đo chỉ tiêu này."),
        )  # fmt: skip
        self.fields["indicator_code"].widget.attrs["class"] = "form-select"

    def _apply_bootstrap_to_new_fields(self) -> None:
        for name, field in self.fields.items():
            if name.startswith(("value_", "upper_")):
                field.widget.attrs.setdefault("class", "form-control")

    def threshold_rows(self):
        return [
            (label, self[f"value_{key}"], self[f"upper_{key}"])
            for _t, key, label in self.tier_fields
        ]

    def clean_growth_measure(self) -> str:
        return self.cleaned_data["growth_measure"] or GrowthMeasure.RELATIVE

    def clean_part(self) -> str:
        return self.cleaned_data["part"].strip().lower()

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not self.thresholds():
            raise forms.ValidationError(_("Cần ít nhất một ngưỡng (chung hoặc theo cấp)."))
        return cleaned

    def thresholds(self) -> list[ThresholdInput]:
        rows = []
        for tier, key, _label in self.tier_fields:
            value = self.cleaned_data.get(f"value_{key}")
            if value is not None:
                rows.append(
                    ThresholdInput(
                        tier=tier, value=value, upper=self.cleaned_data.get(f"upper_{key}")
                    )
                )
        return rows

    def target_fields(self) -> dict:
        data = self.row_fields()
        return {k: v for k, v in data.items() if not k.startswith(("value_", "upper_"))}

    @staticmethod
    def initial_for(target) -> dict:
        initial = {
            name: getattr(target, name)
            for name in (
                "number", "part", "source_text", "quantity", "comparator", "unit", "kind",
                "baseline_year", "growth_measure", "target_year", "scope_levels", "scope_note",
                "indicator_code",
            )
        }  # fmt: skip
        keys = {tier: key for tier, key, _label in TIER_FIELDS}
        for threshold in target.thresholds.all():
            # "30" and "15,5" rather than "30,00": the way the plan writes them.
            initial[f"value_{keys[threshold.tier]}"] = format_number(threshold.value, 2)
            if threshold.upper is not None:
                initial[f"upper_{keys[threshold.tier]}"] = format_number(threshold.upper, 2)
        return initial


class TaskForm(EditForm, BootstrapFormMixin, forms.Form):
    area = forms.ModelChoiceField(label=_("Lĩnh vực"), queryset=ReformArea.objects.all())
    text = forms.CharField(label=_("Nội dung nhiệm vụ"), widget=forms.Textarea(attrs={"rows": 4}))
    output = forms.CharField(
        label=_("Sản phẩm, kết quả"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    deadline = DateField(label=_("Thời gian hoàn thành"), required=False)
    lead_agency = AgencyChoiceField(
        label=_("Cơ quan chủ trì"),
        queryset=Agency.objects.exclude(level=AgencyLevel.COMMUNE).order_by("level", "code"),
        required=False,
        empty_label=_("— Chưa giao —"),
    )
    coordinating_agencies = AgencyMultipleChoiceField(
        label=_("Cơ quan phối hợp"),
        queryset=Agency.objects.exclude(level=AgencyLevel.COMMUNE).order_by("level", "code"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("Giữ Ctrl để chọn nhiều cơ quan."),
    )


class LegalBasisForm(BootstrapFormMixin, forms.Form):
    text = forms.CharField(label=_("Nguyên văn"), widget=forms.Textarea(attrs={"rows": 2}))
    doc_type = forms.CharField(label=_("Loại văn bản"), max_length=64, required=False)
    number = forms.CharField(label=_("Số, ký hiệu"), max_length=64, required=False)
    issued_on = DateField(label=_("Ngày ban hành"), required=False)
    issuer = forms.CharField(label=_("Cơ quan ban hành"), max_length=255, required=False)
    title = forms.CharField(label=_("Trích yếu"), required=False)


class PlanUploadForm(BootstrapFormMixin, forms.Form):
    file = forms.FileField(
        label=_("Văn bản kế hoạch"),
        help_text=_(
            "Tệp Word (.docx) hoặc văn bản (.txt, mã UTF-8); nhiệm vụ có thể nằm trong bảng "
            "(STT, Nhiệm vụ, Cơ quan chủ trì, …). Chưa lưu gì cho đến khi bạn xem lại và xác nhận."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".docx,.txt"}),
    )


LegalBasisFormSet = forms.formset_factory(LegalBasisForm, extra=1, can_delete=True)
TargetFormSet = forms.formset_factory(TargetForm, extra=1, can_delete=True)


class _SharedChoicesFormSet(forms.BaseFormSet):
    """Every task row lists the same areas and agencies: read them once for the whole page
    rather than three queries per row (the review page of a plan with 80 tasks)."""

    shared_fields = ("area", "lead_agency", "coordinating_agencies")

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        shared = self.__dict__.setdefault("_shared_choices", {})
        for name in self.shared_fields:
            field = form.fields[name]
            if name not in shared:
                shared[name] = list(field.choices)
            field.choices = shared[name]
        return form


TaskFormSet = forms.formset_factory(
    TaskForm, formset=_SharedChoicesFormSet, extra=1, can_delete=True
)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data]
        return [super().clean(data, initial)] if data else []


class ProgressForm(BootstrapFormMixin, forms.Form):
    status = forms.ChoiceField(label=_("Tình trạng"), choices=ProgressStatus.choices)
    percent = forms.IntegerField(label=_("Tiến độ (%)"), min_value=0, max_value=100, initial=0)
    text = forms.CharField(
        label=_("Nội dung đã thực hiện, khó khăn, đề xuất"),
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    completed_on = DateField(
        label=_("Ngày hoàn thành"),
        required=False,
        help_text=_("Bắt buộc khi chọn “Hoàn thành”."),
    )
    # A field (the form's metaclass moves it to `base_fields`), not BaseForm's `files`.
    files = MultipleFileField(  # type: ignore[assignment]
        label=_("Tài liệu kiểm chứng"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": ".pdf,.doc,.docx,.xls,.xlsx,.png,.jpg,.jpeg"}),
        help_text=_("PDF, Word, Excel hoặc ảnh; có thể chọn nhiều tệp."),
    )

    def clean(self):
        """Each file refused by its size before anything reads it: the service reads a file
        whole, and a 600 MB one sent as evidence took 600 MB of the server's memory just to
        be refused (Django keeps a large upload on disk until it is read)."""
        data = super().clean()
        limit = settings.EVIDENCE_MAX_BYTES
        for upload in data.get("files") or []:
            if upload is not None and upload.size > limit:
                raise forms.ValidationError(
                    _("Tệp “%(n)s” lớn hơn %(limit)s.")
                    % {"n": upload.name, "limit": filesizeformat(limit)}
                )
        return data


class AppendixUploadForm(BootstrapFormMixin, forms.Form):
    file = forms.FileField(
        label=_("Phụ lục nhiệm vụ (Excel .xlsx hoặc CSV)"),
        help_text=_("Các cột: STT, Nhiệm vụ, Cơ quan chủ trì, Cơ quan phối hợp, Sản phẩm, Thời gian "
                    "hoàn thành. Dòng tiêu đề lĩnh vực (I, II…) chuyển lĩnh vực cho các dòng dưới."),
    )  # fmt: skip
    default_area = forms.ModelChoiceField(
        label=_("Lĩnh vực cho các dòng trước dòng tiêu đề lĩnh vực đầu tiên"),
        queryset=ReformArea.objects.all(),
    )

from django import forms
from django.utils.translation import gettext_lazy as _

from cchc.core.concurrency import VersionedForm
from cchc.core.forms import BootstrapFormMixin, DateField
from cchc.organizations.models import Agency, AgencyLevel, Certainty, SuccessionKind


class AgencyChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Agency) -> str:
        return f"{obj.name} ({obj.code})"


class AgencyMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Agency) -> str:
        return f"{obj.name} ({obj.code})"


class AgencyCreateForm(BootstrapFormMixin, forms.Form):
    code = forms.CharField(label=_("Mã"), max_length=32)
    name = forms.CharField(label=_("Tên cơ quan"), max_length=255)
    level = forms.ChoiceField(label=_("Cấp"), choices=AgencyLevel.choices)
    parent = AgencyChoiceField(
        label=_("Trực thuộc"),
        queryset=Agency.objects.filter(
            level__in=[AgencyLevel.PROVINCE, AgencyLevel.DISTRICT]
        ).order_by("code"),
        help_text=_("Từ 01/07/2025 (chính quyền hai cấp) UBND cấp xã trực thuộc UBND tỉnh."),
        required=False,
    )
    valid_from = DateField(label=_("Hoạt động từ ngày"), required=False)
    source = forms.CharField(
        label=_("Căn cứ / nguồn"),
        max_length=255,
        required=False,
        help_text=_("Ví dụ: số quyết định thành lập."),
    )


class AgencyRenameForm(VersionedForm, BootstrapFormMixin, forms.Form):
    name = forms.CharField(label=_("Tên mới"), max_length=255)


class AgencyEndForm(VersionedForm, BootstrapFormMixin, forms.Form):
    valid_to = DateField(label=_("Ngày cuối cùng hoạt động"))


class SuccessionForm(BootstrapFormMixin, forms.Form):
    predecessors = AgencyMultipleChoiceField(
        label=_("Cơ quan cũ"),
        queryset=Agency.objects.exclude(level=AgencyLevel.PROVINCE).order_by("code"),
        widget=forms.SelectMultiple(attrs={"size": 10}),
    )
    successors = AgencyMultipleChoiceField(
        label=_("Cơ quan kế thừa"),
        queryset=Agency.objects.exclude(level=AgencyLevel.PROVINCE).order_by("code"),
        widget=forms.SelectMultiple(attrs={"size": 10}),
        help_text=_("Thêm cơ quan mới trước nếu cơ quan kế thừa chưa có trong danh mục."),
    )
    effective_on = DateField(label=_("Có hiệu lực từ ngày"))
    legal_basis = forms.CharField(
        label=_("Căn cứ"),
        max_length=255,
        required=False,
        help_text=_(
            "Ví dụ: Nghị quyết của Ủy ban Thường vụ Quốc hội về sắp xếp đơn vị hành chính."
        ),
    )


class AgencyTreeForm(BootstrapFormMixin, forms.Form):
    """The tree page's filters: the structure on a chosen day (today when blank)."""

    ngay = DateField(label=_("Cơ cấu ngày"), required=False)
    q = forms.CharField(label=_("Tìm theo tên hoặc mã"), required=False)
    tat_ca = forms.BooleanField(label=_("Cả cơ quan đã kết thúc hoạt động"), required=False)


class SuccessionCorrectForm(VersionedForm, BootstrapFormMixin, forms.Form):
    effective_on = DateField(
        label=_("Có hiệu lực từ ngày"),
        help_text=_("Ngày mới áp dụng cho mọi đơn vị kế thừa của cơ quan cũ."),
    )
    kind = forms.ChoiceField(label=_("Hình thức"), choices=SuccessionKind.choices)
    weight = forms.IntegerField(label=_("Tỷ trọng"), min_value=1, max_value=32767)
    legal_basis = forms.CharField(label=_("Căn cứ"), max_length=255, required=False)
    certainty = forms.ChoiceField(label=_("Mức độ xác thực"), choices=Certainty.choices)
    note = forms.CharField(
        label=_("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    reason = forms.CharField(
        label=_("Lý do điều chỉnh"),
        max_length=500,
        help_text=_("Ví dụ: đã đối chiếu Quyết định số … của UBND tỉnh."),
    )


class MembershipMoveForm(BootstrapFormMixin, forms.Form):
    agency = AgencyChoiceField(label=_("Chuyển sang cơ quan"), queryset=Agency.objects.none())
    reason = forms.CharField(label=_("Lý do"), max_length=500)

    def __init__(self, *args, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = Agency.objects.active_on(today).order_by("code")

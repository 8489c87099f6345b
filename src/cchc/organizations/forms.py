from django import forms
from django.utils.translation import gettext_lazy as _

from cchc.core.concurrency import VersionedForm
from cchc.core.forms import BootstrapFormMixin, DateField
from cchc.organizations.models import Agency, AgencyLevel


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

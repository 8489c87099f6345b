from django import forms
from django.utils.translation import gettext_lazy as _

from cchc.core.concurrency import VersionedForm
from cchc.core.forms import BootstrapFormMixin, DateField
from cchc.organizations.forms import AgencyChoiceField
from cchc.organizations.models import Agency, AgencyLevel


class InspectionForm(BootstrapFormMixin, forms.Form):
    agency = AgencyChoiceField(
        label=_("Cơ quan được kiểm tra"),
        queryset=Agency.objects.exclude(level=AgencyLevel.PROVINCE).order_by("level", "code"),
    )
    inspected_on = DateField(label=_("Ngày kiểm tra"))
    team = forms.CharField(label=_("Đoàn kiểm tra"), max_length=255, required=False)
    covers_organisation = forms.BooleanField(
        label=_("Kết hợp kiểm tra tổ chức bộ máy"), required=False
    )
    covers_discipline = forms.BooleanField(
        label=_("Kết hợp kiểm tra kỷ luật, kỷ cương"), required=False
    )
    findings = forms.CharField(
        label=_("Kết quả, tồn tại"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    recommendations = forms.CharField(
        label=_("Kiến nghị (mỗi dòng một kiến nghị)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    due_on = DateField(label=_("Thời hạn khắc phục"), required=False)


class CloseForm(VersionedForm, BootstrapFormMixin, forms.Form):
    closed_on = DateField(label=_("Ngày hoàn thành"))
    note = forms.CharField(label=_("Kết quả khắc phục"), max_length=1000)

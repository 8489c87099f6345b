from django import forms
from django.utils.translation import gettext_lazy as _

from cchc.core.concurrency import VersionedForm
from cchc.core.forms import BootstrapFormMixin, DateInput
from cchc.organizations.forms import AgencyChoiceField
from cchc.organizations.models import Agency, AgencyLevel


class InspectionForm(BootstrapFormMixin, forms.Form):
    agency = AgencyChoiceField(
        label=_("Cơ quan được kiểm tra"),
        queryset=Agency.objects.exclude(level=AgencyLevel.PROVINCE).order_by("level", "code"),
    )
    inspected_on = forms.DateField(label=_("Ngày kiểm tra"), widget=DateInput)
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
    due_on = forms.DateField(label=_("Thời hạn khắc phục"), widget=DateInput, required=False)


class CloseForm(VersionedForm, BootstrapFormMixin, forms.Form):
    closed_on = forms.DateField(label=_("Ngày hoàn thành"), widget=DateInput)
    note = forms.CharField(label=_("Kết quả khắc phục"), max_length=1000)

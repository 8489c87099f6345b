from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from cchc.core.concurrency import VersionedForm
from cchc.core.forms import BootstrapFormMixin


class ThresholdForm(VersionedForm, BootstrapFormMixin, forms.Form):
    threshold = forms.DecimalField(
        label=_("Ngưỡng chênh lệch (điểm phần trăm)"), min_value=0, max_value=100,
        max_digits=5, decimal_places=2, localize=True,
        help_text=_("Chênh lệch giữa số liệu của hệ thống và số công bố lớn hơn ngưỡng này "
                    "(theo giá trị tuyệt đối) được đánh dấu."),
    )  # fmt: skip


class UploadForm(BootstrapFormMixin, forms.Form):
    """The published table, loaded through the import engine (kind `national_766`)."""

    file = forms.FileField(
        label=_("Tệp kết quả công bố (CSV, XLSX)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )

    def clean_file(self):
        # The checks of the import page (operations.forms.ImportForm) before a file is stored.
        upload = self.cleaned_data["file"]
        if upload.size > settings.IMPORT_MAX_BYTES:
            raise forms.ValidationError(_("Tệp quá lớn."))
        if not upload.name.lower().endswith((".csv", ".xlsx")):
            raise forms.ValidationError(_("Chỉ nhận tệp .csv hoặc .xlsx."))
        return upload

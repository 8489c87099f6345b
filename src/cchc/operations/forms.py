from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from cchc.core.forms import BootstrapFormMixin
from cchc.operations.imports import IMPORTERS


class ImportForm(BootstrapFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Loại dữ liệu"))
    file = forms.FileField(
        label=_("Tệp dữ liệu"),
        help_text=_(
            "CSV (UTF-8) hoặc Excel .xlsx; dòng đầu là tiêu đề cột. Tải tệp mẫu ở bên phải."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,.txt"}),
    )

    def __init__(self, *args, kinds: list[str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the kinds the user may author (organizations.access) are offered.
        self.fields["kind"].choices = [
            (k, importer.title) for k, importer in IMPORTERS.items() if kinds is None or k in kinds
        ]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.IMPORT_MAX_BYTES:
            raise forms.ValidationError(_("Tệp quá lớn."))
        if not upload.name.lower().endswith((".csv", ".xlsx", ".txt")):
            raise forms.ValidationError(_("Chỉ nhận tệp .csv hoặc .xlsx."))
        return upload

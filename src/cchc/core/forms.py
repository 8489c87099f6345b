"""Form rendering shared by every app: Bootstrap 5 classes and Vietnamese date inputs; typed
text kept to what a Word or Excel file can hold."""

from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.forms import AuthenticationForm
from django.forms.renderers import TemplatesSetting
from django.utils.formats import get_format
from django.utils.translation import gettext_lazy as _

from cchc.core.text import xml_safe


class FormRenderer(TemplatesSetting):
    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"


class DateInput(forms.DateInput):
    """dd/mm/yyyy text input: the format officials type and read."""

    def __init__(self, attrs=None):
        super().__init__(attrs={"placeholder": "dd/mm/yyyy", **(attrs or {})}, format="%d/%m/%Y")


class DateField(forms.DateField):
    """The date field of every form: dd/mm/yyyy (and ISO) read by the Vietnamese formats
    whatever language is active, so a browser set to English never turns 10/11/2022 into
    11 October (ADR 0015). Forms use it rather than Django's DateField (tests/core/
    test_date_forms.py finds the forms and checks it)."""

    widget = DateInput
    default_error_messages = {
        "invalid": _("Ngày không hợp lệ: nhập theo dạng ngày/tháng/năm, ví dụ 28/12/2022.")
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("input_formats", get_format("DATE_INPUT_FORMATS", lang="vi"))
        super().__init__(**kwargs)


def typed_text(data):
    """Submitted form data with every text kept to what a Word or Excel file can hold
    (`core.text.xml_safe`). A control character comes in unseen with text pasted from Word
    (its line break is a vertical tab) or elsewhere, and one of them stored made the Excel
    downloads fail and the Word reports come out mangled. Typed by a person who cannot see
    it, it is cleaned rather than refused (a file or the API, written by a program, is
    refused instead)."""
    if hasattr(data, "lists"):  # a QueryDict: a field may have several values
        cleaned = data.copy()
        for key, values in data.lists():
            cleaned.setlist(key, [xml_safe(v) if isinstance(v, str) else v for v in values])
        return cleaned
    return {key: xml_safe(v) if isinstance(v, str) else v for key, v in data.items()}


class BootstrapFormMixin:
    """Every form of the product: Bootstrap classes on every widget, so templates stay plain
    `{{ form }}`, and the submitted text cleaned of what a file cannot hold (`typed_text`)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.is_bound:
            self.data = typed_text(self.data)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput | forms.CheckboxSelectMultiple):
                css = "form-check-input"
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()


class LoginForm(BootstrapFormMixin, AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _(
            "Tên đăng nhập hoặc mật khẩu không đúng. Lưu ý: mật khẩu phân biệt chữ hoa, chữ thường."
        ),
    }


class PasswordChangeForm(BootstrapFormMixin, auth_forms.PasswordChangeForm):
    pass

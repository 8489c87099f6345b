"""Form rendering shared by every app: Bootstrap 5 classes and Vietnamese date inputs."""

from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.forms import AuthenticationForm
from django.forms.renderers import TemplatesSetting
from django.utils.translation import gettext_lazy as _


class FormRenderer(TemplatesSetting):
    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"


class DateInput(forms.DateInput):
    """dd/mm/yyyy text input: the format officials type and read."""

    def __init__(self, attrs=None):
        super().__init__(attrs={"placeholder": "dd/mm/yyyy", **(attrs or {})}, format="%d/%m/%Y")


class BootstrapFormMixin:
    """Adds Bootstrap classes to every widget, so templates stay plain `{{ form }}`."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
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

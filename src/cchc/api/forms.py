from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cchc.api.models import TokenPurpose
from cchc.core.forms import BootstrapFormMixin, DateField
from cchc.organizations.forms import AgencyChoiceField
from cchc.organizations.models import Agency


class TokenIssueForm(BootstrapFormMixin, forms.Form):
    agency = AgencyChoiceField(
        label=_("Cơ quan"), queryset=Agency.objects.none(),
        help_text=_("Mã đọc đúng những gì cán bộ của cơ quan này đọc; mã đọc của UBND tỉnh "
                    "đọc toàn tỉnh như lãnh đạo."),
    )  # fmt: skip
    purpose = forms.ChoiceField(
        label=_("Mục đích"), choices=TokenPurpose.choices,
        help_text=_("Mỗi mã chỉ dùng cho đúng mục đích được cấp. Báo cáo gửi bằng mã báo cáo "
                    "tiến độ đứng tên tài khoản riêng của mã: “api-” và tiền tố của mã."),
    )  # fmt: skip
    name = forms.CharField(label=_("Tên gọi"), max_length=255)
    expires_on = DateField(label=_("Hết hạn ngày"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["agency"].queryset = Agency.objects.active_on(today).order_by("code")
        self.fields["expires_on"].initial = today + timedelta(days=365)


class TokenRevokeForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(label=_("Lý do thu hồi"), max_length=500)

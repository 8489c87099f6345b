"""Forms of the reform office's publishing pages (views.office). They read the input only;
the rules (who publishes, what is refused) are the services'."""

from __future__ import annotations

from datetime import date
from typing import cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from cchc.core.forms import BootstrapFormMixin, DateField
from cchc.core.uploads import sniff

DOCUMENT_KINDS = {"pdf", "doc", "docx"}


class WithdrawForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Lý do gỡ"), max_length=500,
        help_text=_("Lý do được lưu cùng nội dung đã gỡ và hiện trong lịch sử gỡ."),
        error_messages={"required": _("Nêu lý do gỡ khỏi trang công khai.")},
    )  # fmt: skip

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise ValidationError(_("Nêu lý do gỡ khỏi trang công khai."))
        return reason


class FiguresForm(BootstrapFormMixin, forms.Form):
    """The month through which a plan's figures are published: the months of the plan's year
    that hold data, latest first."""

    thang = forms.TypedChoiceField(
        label=_("Số liệu đến hết tháng"), coerce=date.fromisoformat, choices=(),
        help_text=_("Số liệu từ tháng 1 đến hết tháng chọn được chốt lại khi công bố; sửa số "
                    "liệu sau này không làm thay đổi bản đã công bố."),
    )  # fmt: skip

    def __init__(self, *args, months: list[date], **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.TypedChoiceField, self.fields["thang"]).choices = [
            (m.isoformat(), f"{m.month:02d}/{m.year}") for m in reversed(months)
        ]


class InspectionConclusionForm(BootstrapFormMixin, forms.Form):
    conclusion = forms.CharField(
        label=_("Kết luận công khai"), widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Viết lời kết luận để công khai: không nêu tên cá nhân, không đưa nội dung "
                    "dự thảo. Kết quả, tồn tại ghi trong hồ sơ kiểm tra không tự công khai."),
        error_messages={"required": _("Nhập kết luận công khai của cuộc kiểm tra.")},
    )  # fmt: skip


class DocumentForm(BootstrapFormMixin, forms.Form):
    number = forms.CharField(label=_("Số, ký hiệu"), max_length=64)
    issued_on = DateField(label=_("Ngày ban hành"))
    issuer = forms.CharField(label=_("Cơ quan ban hành"), max_length=255)
    title = forms.CharField(label=_("Trích yếu"), max_length=500)
    summary = forms.CharField(
        label=_("Tóm tắt nội dung"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    file = forms.FileField(
        label=_("Tệp văn bản"), required=False,
        help_text=_("PDF hoặc Word (.doc, .docx); loại tệp được kiểm tra theo nội dung."),
    )  # fmt: skip

    def __init__(self, *args, has_file: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs["accept"] = ".pdf,.doc,.docx"
        if has_file:
            self.fields["file"].help_text = _(
                "Chọn tệp mới chỉ khi muốn thay tệp đang lưu. PDF hoặc Word (.doc, .docx)."
            )
        else:
            self.fields["file"].required = True
        self.fields["file"].error_messages["required"] = _("Đính kèm tệp văn bản.")

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload is None:
            return None
        content = upload.read()
        if sniff(content) not in DOCUMENT_KINDS:
            raise ValidationError(_("Tệp “%(n)s” không phải PDF hay Word.") % {"n": upload.name})
        return (content, upload.name)


class NewsForm(BootstrapFormMixin, forms.Form):
    title = forms.CharField(label=_("Tiêu đề"), max_length=300)
    lead = forms.CharField(
        label=_("Tóm tắt"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Một hai câu hiện dưới tiêu đề trong danh sách tin."),
    )  # fmt: skip
    body = forms.CharField(
        label=_("Nội dung"), widget=forms.Textarea(attrs={"rows": 14}),
        help_text=_("Văn bản thuần: để một dòng trống giữa hai đoạn. Không dùng thẻ HTML — mọi "
                    "ký tự được hiện đúng như gõ."),
    )  # fmt: skip
    reason = forms.CharField(
        label=_("Lý do sửa"), max_length=500, required=False,
        help_text=_("Tin bài đang công khai: lý do sửa được lưu trong lịch sử của tin."),
    )  # fmt: skip

    def __init__(self, *args, public: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.public = public
        if not public:
            del self.fields["reason"]
        else:
            self.fields["reason"].required = True
            self.fields["reason"].error_messages["required"] = _(
                "Tin bài đang công khai: nêu lý do sửa."
            )

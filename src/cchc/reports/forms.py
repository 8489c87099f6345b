from django import forms
from django.utils.translation import gettext_lazy as _

from cchc.core.concurrency import VersionedForm
from cchc.core.forms import BootstrapFormMixin


class NarrativeForm(VersionedForm, BootstrapFormMixin, forms.Form):
    number_symbol = forms.CharField(label=_("Số, ký hiệu"), max_length=64, required=False,
                                    help_text=_("Ví dụ 05/BC-STP; để trống số khi là dự thảo: /BC-STP"))  # fmt: skip
    overview = forms.CharField(
        label=_("I. Đánh giá chung"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    results = forms.CharField(label=_("II. Kết quả thực hiện (phần lời; bảng chỉ tiêu và nhiệm vụ do hệ thống điền)"),
                              widget=forms.Textarea(attrs={"rows": 6}), required=False)  # fmt: skip
    difficulties = forms.CharField(
        label=_("III. Tồn tại, hạn chế và nguyên nhân"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )
    proposals = forms.CharField(
        label=_("IV. Phương hướng, nhiệm vụ và đề xuất, kiến nghị"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )
    # Two lines when a deputy signs on behalf (Decree 30/2020: "KT. GIÁM ĐỐC" over "PHÓ GIÁM ĐỐC").
    signing_authority = forms.CharField(
        label=_("Chức vụ người ký"), max_length=100, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Ví dụ: GIÁM ĐỐC; khi cấp phó ký thay: dòng 1 KT. GIÁM ĐỐC, dòng 2 PHÓ GIÁM ĐỐC."),
    )  # fmt: skip
    signer_name = forms.CharField(label=_("Họ tên người ký"), max_length=100, required=False)


class TemplateUploadForm(BootstrapFormMixin, forms.Form):
    """A province's Word template, edited from the one downloaded here."""

    tep = forms.FileField(
        label=_("Tệp mẫu (Word .docx)"),
        help_text=_("Tải mẫu đang dùng về, sửa bằng Word hoặc LibreOffice, giữ nguyên các "
                    "trường trong dấu &#123;&#123; &#125;&#125; và &#123;% %&#125;, rồi tải lên lại."),
    )  # fmt: skip

"""Forms of the assessment sheet (views.assessment): one small form per thing a person does
on a criterion. The rules (maximum, step, reasons, states) are the services'; these forms only
read the input — numbers in the Vietnamese way ("2,5"; "2.5" is accepted too)."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from cchc.core.forms import BootstrapFormMixin
from cchc.parindex.models import ScoringType


class PointsField(forms.DecimalField):
    """Points typed as people type them: "2,5" or "1,978" (or "2.5", "1.978"); empty means
    no score."""

    default_error_messages = {"invalid": _("Điểm phải là một số, ví dụ 2,5.")}

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(localize=True, **kwargs)

    def to_python(self, value):
        # A score is never in the thousands: a lone dot is a decimal point ("1.978" typed on
        # an English keypad is 1,978), where the vi-VN reading would make it 1978.
        if isinstance(value, str) and "," not in value and value.strip().count(".") == 1:
            value = value.strip().replace(".", ",")
        return super().to_python(value)

    def widget_attrs(self, widget):
        return {
            **super().widget_attrs(widget),
            "inputmode": "decimal",
            "autocomplete": "off",
            "style": "max-width: 8rem",
        }


def _plain(value: Decimal | None) -> Decimal | None:
    """3.50 → 3.5 and 4.00 → 4, so that the input shows "3,5" and "4"."""
    if value is None:
        return None
    return value.quantize(Decimal(1)) if value == value.to_integral() else value.normalize()


def _text(label, rows=2, **kwargs):
    return forms.CharField(
        label=label, required=False, widget=forms.Textarea(attrs={"rows": rows}), **kwargs
    )


class RowForm(BootstrapFormMixin, forms.Form):
    """A form about one criterion row; `version` is the row version the page was built from
    (a write with an old version is refused by the service, nothing is lost silently)."""

    version = forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=1,
        error_messages={
            k: _("Trang đã cũ: hãy tải lại trang rồi nhập lại.")
            for k in ("required", "invalid", "min_value")
        },
    )

    def __init__(self, *args, score, **kwargs):
        kwargs.setdefault("auto_id", f"d{score.pk}-%s")
        super().__init__(*args, **kwargs)
        self.score = score
        if not self.is_bound:
            self.initial.setdefault("version", score.version)

    def service_kwargs(self) -> dict:
        """What the row's service takes besides the actor and the score (each form says)."""
        raise NotImplementedError


class SelfScoreForm(RowForm):
    """The agency's self-score, "not applicable" and explanation (giải trình)."""

    self_score = PointsField(label=_("Điểm tự chấm"))
    not_applicable = forms.BooleanField(label=_("Không áp dụng với cơ quan"), required=False)
    explanation = _text(_("Giải trình"))

    def __init__(self, *args, score, **kwargs):
        super().__init__(*args, score=score, **kwargs)
        if score.criterion.scoring_type != ScoringType.SELF_ASSESSED:
            del self.fields["self_score"]  # computed from the data: only explained
        if not self.is_bound:
            self.initial.update(
                self_score=_plain(score.self_score),
                not_applicable=score.not_applicable,
                explanation=score.explanation,
            )

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "self_score": data.get("self_score"),
            "not_applicable": data["not_applicable"],
            "explanation": data["explanation"],
            "version": data["version"],
        }


class AppraisalForm(RowForm):
    """The appraiser's score: empty keeps the self-score; a reason where it differs."""

    appraised_score = PointsField(
        label=_("Điểm thẩm định"),
        help_text=_("Để trống: giữ điểm cơ quan tự chấm (hoặc tính từ số liệu)."),
    )
    reason = _text(_("Lý do điều chỉnh"))
    not_applicable = forms.BooleanField(label=_("Không áp dụng với cơ quan"), required=False)

    def __init__(self, *args, score, **kwargs):
        super().__init__(*args, score=score, **kwargs)
        if not self.is_bound:
            self.initial.update(
                appraised_score=_plain(score.appraised_score),
                reason=score.appraisal_reason,
                not_applicable=score.not_applicable,
            )

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "appraised_score": data.get("appraised_score"),
            "reason": data["reason"],
            "not_applicable": data["not_applicable"],
            "version": data["version"],
        }


class QuestionForm(RowForm):
    """The appraiser asks the agency to explain this criterion (it returns to the agency)."""

    question = _text(_("Nội dung cần cơ quan giải trình"))

    def service_kwargs(self) -> dict:
        return {"question": self.cleaned_data["question"], "version": self.cleaned_data["version"]}


class AnswerForm(RowForm):
    """The agency answers a returned criterion, correcting its self-score if it wants."""

    explanation = _text(_("Nội dung giải trình"), rows=3)
    self_score = PointsField(
        label=_("Điểm tự chấm sau giải trình"), help_text=_("Để trống: giữ điểm đã chấm.")
    )

    def __init__(self, *args, score, **kwargs):
        super().__init__(*args, score=score, **kwargs)
        if score.criterion.scoring_type != ScoringType.SELF_ASSESSED:
            del self.fields["self_score"]

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "explanation": data["explanation"],
            "self_score": data.get("self_score"),
            "version": data["version"],
        }


class EvidenceForm(BootstrapFormMixin, forms.Form):
    file = forms.FileField(
        label=_("Thêm tài liệu kiểm chứng"),
        help_text=_("PDF, Word, Excel hoặc ảnh (PNG, JPEG)."),
        error_messages={"required": _("Hãy chọn tệp cần tải lên.")},
    )

    def __init__(self, *args, score=None, **kwargs):
        if score is not None:
            kwargs.setdefault("auto_id", f"d{score.pk}-%s")
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs["accept"] = ".pdf,.doc,.docx,.xls,.xlsx,.png,.jpg,.jpeg"


class ReopenForm(BootstrapFormMixin, forms.Form):
    reason = _text(_("Lý do mở lại"))

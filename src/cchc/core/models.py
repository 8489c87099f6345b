from django.db import models
from django.utils.translation import gettext_lazy as _

from cchc.core.formatting import format_date


class TimeStampedModel(models.Model):
    """Base for every domain table: when a row was created and last changed."""

    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        abstract = True


class CalendarOverride(TimeStampedModel):
    """A day whose working status differs from the rule (weekends and public holidays):
    each year the government swaps some days — a weekday off, a Saturday worked."""

    day = models.DateField(_("ngày"), unique=True)
    is_working_day = models.BooleanField(_("là ngày làm việc"))
    note = models.CharField(_("căn cứ, ghi chú"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("ngày hoán đổi")
        verbose_name_plural = _("ngày hoán đổi")
        ordering = ["day"]

    def __str__(self) -> str:
        return f"{format_date(self.day)}: {'làm việc' if self.is_working_day else 'nghỉ'}"

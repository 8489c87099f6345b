"""API tokens (issue 18): issued by the reform office for one agency and one purpose, shown
once, stored as a hash, with an expiry, the last use and a revocation. A request made with a
token reads exactly what an officer of that agency reads (`tokens.principal`), through the same
`scope_for` as every page."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cchc.core.models import TimeStampedModel
from cchc.organizations.models import Agency


class TokenPurpose(models.TextChoices):
    READ = "read", _("Đọc dữ liệu")
    PUSH_DOSSIERS = "push_dossiers", _("Đẩy hồ sơ (hệ thống một cửa)")
    REPORT_PROGRESS = "report_progress", _("Báo cáo tiến độ nhiệm vụ")


class ApiToken(TimeStampedModel):
    agency = models.ForeignKey(
        Agency, verbose_name=_("cơ quan"), on_delete=models.PROTECT, related_name="api_tokens"
    )
    purpose = models.CharField(_("mục đích"), max_length=32, choices=TokenPurpose.choices)
    name = models.CharField(
        _("tên gọi"), max_length=255, help_text=_("Ví dụ: Cổng thông tin của Sở, đọc số liệu.")
    )
    # The token is "cchc_<prefix>_<secret>": the prefix finds the row (and is shown in lists),
    # the whole token's SHA-256 is compared; the token itself is never stored.
    prefix = models.CharField(_("tiền tố"), max_length=16, unique=True)
    key_hash = models.CharField(_("băm SHA-256"), max_length=64)
    expires_at = models.DateTimeField(_("hết hạn lúc"))
    last_used_at = models.DateTimeField(_("dùng lần cuối"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người cấp"), on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    # A token that writes records (a progress report names its reporter) writes as an
    # account of its own: inactive, without a password, known by the token's prefix
    # (ADR 0026). Tokens that only read or push have none.
    account = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("tài khoản ghi"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="api_token",
    )  # fmt: skip
    revoked_at = models.DateTimeField(_("thu hồi lúc"), null=True, blank=True)
    revoke_reason = models.CharField(_("lý do thu hồi"), max_length=500, blank=True)

    history = HistoricalRecords(excluded_fields=["last_used_at"])

    class Meta:
        verbose_name = _("mã truy cập API")
        verbose_name_plural = _("mã truy cập API")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.agency}, cchc_{self.prefix}_…)"

    def is_usable(self, now=None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and self.expires_at > now

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Self

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cchc.core.formatting import format_date
from cchc.core.models import TimeStampedModel
from cchc.organizations.scope import ScopedQuerySet

if TYPE_CHECKING:
    pass


class AgencyLevel(models.TextChoices):
    """Place of an agency in the provincial tree."""

    PROVINCE = "province", _("UBND tỉnh")
    DEPARTMENT = "department", _("Sở, ban, ngành")
    DISTRICT = "district", _("UBND cấp huyện")
    COMMUNE = "commune", _("UBND cấp xã")


class Tier(models.TextChoices):
    """Administrative tier (cấp tỉnh / cấp huyện / cấp xã): the level at which a procedure
    is decided and at which the plan sets per-level thresholds. Departments are provincial."""

    PROVINCE = "province", _("Cấp tỉnh")
    DISTRICT = "district", _("Cấp huyện")
    COMMUNE = "commune", _("Cấp xã")


# How a sentence names the agencies of a level ("Tính trên: sở, ban, ngành; UBND cấp huyện").
# Keyed by the level's value: an agency's `level` is read back as a plain str.
LEVEL_WORDS: dict[str, str] = {
    AgencyLevel.DEPARTMENT: "sở, ban, ngành",
    AgencyLevel.DISTRICT: "UBND cấp huyện",
    AgencyLevel.COMMUNE: "UBND cấp xã",
}


def level_words(levels) -> str:
    """ "sở, ban, ngành; UBND cấp huyện": `levels` in the tree's order."""
    return "; ".join(words for level, words in LEVEL_WORDS.items() if level in levels)


TIER_OF_LEVEL: dict[str, Tier] = {
    AgencyLevel.PROVINCE: Tier.PROVINCE,
    AgencyLevel.DEPARTMENT: Tier.PROVINCE,
    AgencyLevel.DISTRICT: Tier.DISTRICT,
    AgencyLevel.COMMUNE: Tier.COMMUNE,
}


class AgencyQuerySet(ScopedQuerySet):
    agency_field = "pk"

    def active_on(self, day: date) -> Self:
        return self.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=day),
            Q(valid_to__isnull=True) | Q(valid_to__gte=day),
        )


class Agency(TimeStampedModel):
    """An agency of the province (cơ quan, đơn vị, địa phương): the province itself, a
    department (sở, ban, ngành), a district UBND or a commune UBND. Agencies are never deleted:
    an agency that ceases (e.g. in the 2025 commune merger) gets `valid_to` and successors."""

    code = models.CharField(_("mã"), max_length=32, unique=True)
    name = models.CharField(_("tên"), max_length=255)
    level = models.CharField(_("cấp"), max_length=16, choices=AgencyLevel.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("trực thuộc"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    valid_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    source = models.CharField(_("nguồn dữ liệu"), max_length=255, blank=True)
    source_url = models.URLField(_("địa chỉ nguồn"), max_length=500, blank=True)
    other_names = models.CharField(
        _("tên gọi khác"),
        max_length=500,
        blank=True,
        help_text=_(
            "Cách viết khác mà văn bản, tệp dữ liệu dùng cho cơ quan này (ví dụ “Xã Ma Li Pho” "
            "và “Xã Ma Ly Pho”), cách nhau bằng dấu chấm phẩy. Khi nạp dữ liệu, tên khác "
            "được nhận như tên chính."
        ),
    )

    objects = AgencyQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("cơ quan, đơn vị")
        verbose_name_plural = _("cơ quan, đơn vị")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_to__gte=models.F("valid_from")),
                name="agency_validity_ordered",
            ),
            models.CheckConstraint(
                condition=Q(level=AgencyLevel.PROVINCE) | Q(parent__isnull=False),
                name="agency_non_province_has_parent",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def tier(self) -> Tier:
        return TIER_OF_LEVEL[AgencyLevel(self.level)]

    def is_active_on(self, day: date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )

    @property
    def other_name_list(self) -> list[str]:
        return [name.strip() for name in self.other_names.split(";") if name.strip()]


class SuccessionKind(models.TextChoices):
    """How an agency passed to its successors. Descriptive: who inherits the records
    follows from the links themselves (`organizations.succession`)."""

    MERGER = "merger", _("Sáp nhập, hợp nhất")
    SPLIT = "split", _("Chia tách")
    DISSOLUTION = "dissolution", _("Giải thể, chuyển giao nhiệm vụ")
    REORGANISATION = "reorganisation", _("Tổ chức lại, đổi tên")


class Certainty(models.TextChoices):
    """How sure the province is of a recorded change. An inferred one is a default the
    reform office is expected to check against its own decisions and correct."""

    CONFIRMED = "confirmed", _("Đã đối chiếu văn bản")
    INFERRED = "inferred", _("Suy ra, cần đối chiếu")


class AgencySuccession(TimeStampedModel):
    """Agency `predecessor` is succeeded by `successor` from `effective_on` (sáp nhập,
    chia tách, đổi tên). A merger is several rows with the same successor; a split is several
    rows with the same predecessor. History stays attached to the old agency."""

    predecessor = models.ForeignKey(
        Agency, verbose_name=_("cơ quan cũ"), on_delete=models.PROTECT, related_name="successions"
    )
    successor = models.ForeignKey(
        Agency,
        verbose_name=_("cơ quan kế thừa"),
        on_delete=models.PROTECT,
        related_name="predecessions",
    )
    effective_on = models.DateField(_("từ ngày"))
    legal_basis = models.CharField(_("căn cứ"), max_length=255, blank=True)
    kind = models.CharField(
        _("hình thức"),
        max_length=16,
        choices=SuccessionKind.choices,
        default=SuccessionKind.MERGER,
    )
    weight = models.PositiveIntegerField(
        _("tỷ trọng"),
        default=1,
        help_text=_(
            "Khi cơ quan cũ có nhiều cơ quan kế thừa: phần số liệu của nó tính cho cơ quan kế "
            "thừa này, theo tỷ lệ với tỷ trọng của các cơ quan kế thừa khác."
        ),
    )
    certainty = models.CharField(
        _("mức độ xác thực"),
        max_length=16,
        choices=Certainty.choices,
        default=Certainty.CONFIRMED,
    )
    source_url = models.TextField(
        _("nguồn"),
        blank=True,
        help_text=_("Địa chỉ văn bản, bài viết; nhiều địa chỉ cách nhau “ | ”."),
    )
    note = models.TextField(_("ghi chú"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("kế thừa cơ quan")
        verbose_name_plural = _("kế thừa cơ quan")
        ordering = ["effective_on", "predecessor__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["predecessor", "successor"], name="agency_succession_unique"
            ),
            models.CheckConstraint(
                condition=~Q(predecessor=models.F("successor")), name="agency_succession_not_self"
            ),
            models.CheckConstraint(condition=Q(weight__gte=1), name="agency_succession_weight"),
        ]

    def __str__(self) -> str:
        return f"{self.predecessor} → {self.successor} ({format_date(self.effective_on)})"


class Role(models.TextChoices):
    REFORM_OFFICE = "reform_office", _("Văn phòng CCHC (Sở Nội vụ)")
    AGENCY_OFFICER = "agency_officer", _("Cán bộ đầu mối CCHC của cơ quan")
    APPRAISER = "appraiser", _("Thành viên tổ thẩm định")
    LEADER = "leader", _("Lãnh đạo (chỉ xem)")


class Membership(TimeStampedModel):
    """A user's place in the system: the agency they work for and their role there.
    One per user; the role decides what they may change, the agency what they may see."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="membership"
    )
    agency = models.ForeignKey(
        Agency, verbose_name=_("cơ quan"), on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(_("vai trò"), max_length=32, choices=Role.choices)
    position = models.CharField(_("chức vụ"), max_length=255, blank=True)

    objects = ScopedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("tài khoản thuộc cơ quan")
        verbose_name_plural = _("tài khoản thuộc cơ quan")

    def __str__(self) -> str:
        return f"{self.user} — {self.agency} ({self.get_role_display()})"

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from cchc.indicators.figures_cache import generation_bump
from cchc.indicators.registry import INDICATORS
from cchc.indicators.services import snapshots_refresh
from cchc.operations.models import ImportKind
from cchc.operations.signals import operational_data_changed
from cchc.organizations.models import Agency
from cchc.plans.models import Plan, Target, TargetThreshold


def indicators_of_kind(kind: str) -> list[str] | None:
    """The indicators an import of `kind` feeds (each declares its kinds, `Indicator.fed_by`):
    a refresh recomputes only those; None (every indicator) for a kind none declares."""
    return [code for code, i in INDICATORS.items() if kind in i.fed_by] or None


MONTHLY_KINDS = {ImportKind.DOSSIERS, ImportKind.DOSSIER_STATS, ImportKind.WORK_RECORDS}


@receiver(operational_data_changed)
def refresh_after_import(sender, *, kind, agency_ids, months, years, **kwargs):
    touched_years = set(years) | {m.year for m in months}
    codes = indicators_of_kind(kind)
    # The catalogue changes what counts for every agency's payment share, and inspection
    # coverage counts every department and district (inspected or not): refresh all agencies.
    scope = None if kind in (ImportKind.PROCEDURES, ImportKind.INSPECTIONS) else agency_ids
    # Dossiers and statistics change the counts of exactly their months: flow indicators
    # recompute only those (stock indicators still take whole years).
    by_month = kind in MONTHLY_KINDS and months
    snapshots_refresh(agency_ids=scope, years=touched_years, codes=codes,
                      months=months if by_month else None)  # fmt: skip


@receiver([post_save, post_delete], sender=Plan)
@receiver([post_save, post_delete], sender=Target)
@receiver([post_save, post_delete], sender=TargetThreshold)
@receiver([post_save, post_delete], sender=Agency)
def figures_changed(sender, **kwargs):
    """What the target pages show besides snapshots: plans, targets, thresholds, agency names."""
    generation_bump()

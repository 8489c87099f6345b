from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from cchc.indicators.figures_cache import generation_bump
from cchc.indicators.services import snapshots_refresh
from cchc.operations.models import ImportKind
from cchc.operations.signals import operational_data_changed
from cchc.organizations.models import Agency
from cchc.plans.models import Plan, Target, TargetThreshold

# Which indicators read which kind of data: a refresh recomputes only those.
INDICATORS_OF_KIND = {
    ImportKind.DOSSIERS: ["RESULT_DIGITISATION", "ONLINE_PAYMENT_SHARE", "ONLINE_DOSSIER_SHARE", "ON_TIME_RATE", "ON_TIME_RATE_766"],
    ImportKind.DOSSIER_STATS: ["RESULT_DIGITISATION", "ONLINE_PAYMENT_SHARE", "ONLINE_DOSSIER_SHARE", "ON_TIME_RATE", "ON_TIME_RATE_766"],
    ImportKind.PROCEDURES: ["ONLINE_PAYMENT_PROCEDURES", "ONLINE_SERVICE_GROWTH", "PORTAL_INTEGRATION_GROWTH", "ONLINE_PAYMENT_SHARE"],
    ImportKind.WORK_RECORDS: ["WORK_RECORDS_ONLINE"],
    ImportKind.LEGAL_DOCUMENTS: ["LEGAL_REVIEW_COVERAGE"],
    ImportKind.INSPECTIONS: ["INSPECTION_COVERAGE"],
    ImportKind.SYSTEMS: ["SYSTEMS_CONNECTED"],
}  # fmt: skip


MONTHLY_KINDS = {ImportKind.DOSSIERS, ImportKind.DOSSIER_STATS, ImportKind.WORK_RECORDS}


@receiver(operational_data_changed)
def refresh_after_import(sender, *, run, agency_ids, months, years, **kwargs):
    touched_years = set(years) | {m.year for m in months}
    codes = INDICATORS_OF_KIND.get(run.kind)
    # The catalogue changes what counts for every agency's payment share, and inspection
    # coverage counts every department and district (inspected or not): refresh all agencies.
    scope = None if run.kind in (ImportKind.PROCEDURES, ImportKind.INSPECTIONS) else agency_ids
    # Dossiers and statistics change the counts of exactly their months: flow indicators
    # recompute only those (stock indicators still take whole years).
    by_month = run.kind in MONTHLY_KINDS and months
    snapshots_refresh(agency_ids=scope, years=touched_years, codes=codes,
                      months=months if by_month else None)  # fmt: skip


@receiver([post_save, post_delete], sender=Plan)
@receiver([post_save, post_delete], sender=Target)
@receiver([post_save, post_delete], sender=TargetThreshold)
@receiver([post_save, post_delete], sender=Agency)
def figures_changed(sender, **kwargs):
    """What the target pages show besides snapshots: plans, targets, thresholds, agency names."""
    generation_bump()

"""What the reform office publishes in the portal tests (unit, tenancy, browser): real, not
synthetic, data — snapshots written as an import would leave them, a PAR INDEX framework
scored and published, an inspection from a real import — then published through the portal's
services, as the office's pages do."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from cchc.indicators.models import IndicatorSnapshot
from cchc.inspections.models import Inspection
from cchc.operations.models import ImportRun
from cchc.organizations.models import Agency
from cchc.parindex import frameworks
from cchc.parindex.models import Assessment, AssessmentStatus, CriterionScore
from cchc.parindex.services.publication import results_publish
from cchc.parindex.services.rounds import assessment_open
from cchc.plans.models import Plan
from cchc.portal import services
from cchc.portal.models import DirectiveDocument, NewsItem, Release

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
# Target 6c (online dossiers) in January–March 2022: (agency, month, online, received).
SNAPSHOTS = [
    ("12-STP", 1, 2, 10), ("12-STP", 2, 3, 10), ("12-STP", 3, 3, 10),
    ("12-SNV", 1, 1, 10), ("12-SNV", 2, 1, 10), ("12-SNV", 3, 1, 10),
]  # fmt: skip
SMALL_FRAMEWORK = """\
code,parent_code,title,max_points,scoring_rule,evidence_required,source_url,scoring_type,step,indicator_code,full_at,zero_at
T,,Bộ chỉ số CCHC thử,20,,,,,,,,
1,T,"Công tác chỉ đạo, điều hành",10,,,,,,,,
1.1,1,Ban hành kế hoạch CCHC,4,,,,self_assessed,0.5,,,
1.2,1,Báo cáo định kỳ,6,,,,self_assessed,0.25,,,
2,T,Cải cách thủ tục hành chính,10,,,,,,,,
2.1,2,Công khai thủ tục hành chính,10,,,,self_assessed,,,,
"""
# agency → points of 1.1, 1.2, 2.1: totals 17 (Sở Tư pháp), 12,5 (Sở Tài chính).
SCORES = {"12-STP": ("4", "5", "8"), "12-STC": ("3", "3.5", "6")}


def snapshots(rows=SNAPSHOTS, *, synthetic: bool = False) -> None:
    for code, month, online, received in rows:
        IndicatorSnapshot.objects.create(
            indicator="ONLINE_DOSSIER_SHARE", agency=Agency.objects.get(code=code),
            tier="province", month=date(2022, month, 1), numerator=online,
            denominator=received, synthetic=synthetic,
        )  # fmt: skip


def published_framework(office):
    """A small PAR INDEX framework of the departments, scored, finalised and published to the
    agencies (parindex), not yet on the public page."""
    from cchc.parindex.frameworks import FrameworkSpec

    spec = FrameworkSpec(
        code="CCHC-SO", title="Bộ chỉ số CCHC các sở (thử)", group="department", year=2022,
        source="Dữ liệu kiểm thử", precision=2,
        bands=({"min": "16", "label": "Tốt"}, {"min": None, "label": "Khá"}),
    )  # fmt: skip
    framework = frameworks.import_framework(spec, SMALL_FRAMEWORK.encode(), "so.csv").framework
    opened = assessment_open(
        actor=office, framework=framework, deadline=date(2023, 1, 31),
        agencies=list(Agency.objects.filter(code__in=SCORES)),
    )  # fmt: skip
    for assessment in opened:
        for code, value in zip(("1.1", "1.2", "2.1"), SCORES[assessment.agency.code], strict=True):
            CriterionScore.objects.filter(assessment=assessment, criterion__code=code).update(
                self_score=Decimal(value)
            )
    Assessment.objects.filter(framework=framework).update(status=AssessmentStatus.FINALISED)
    results_publish(actor=office, framework=framework)
    return framework


def inspection(office) -> Inspection:
    run = ImportRun.objects.create(kind="inspections", uploaded_by=office, file_name="kt.csv")
    return Inspection.objects.create(
        agency=Agency.objects.get(code="12-STP"), inspected_on=date(2022, 5, 4),
        team="Đoàn kiểm tra CCHC của tỉnh", findings="Ghi chép nội bộ của đoàn: ông A chậm hồ sơ.",
        import_run=run,
    )  # fmt: skip


def document(office, number: str = "12/CT-UBND") -> DirectiveDocument:
    return services.document_save(
        actor=office, number=number, issued_on=date(2022, 3, 1), issuer="UBND tỉnh Lai Châu",
        title="Chỉ thị về đẩy mạnh cải cách hành chính", summary="Giao nhiệm vụ cho các sở.",
        content=PDF, original_name="chi-thi-12.pdf",
    )  # fmt: skip


def news(office, title: str = "Hội nghị triển khai công tác CCHC năm 2022") -> NewsItem:
    return services.news_save(
        actor=office, title=title, lead="Sáng 10/01/2022, UBND tỉnh tổ chức hội nghị.",
        body="Đoạn thứ nhất <b>không in đậm</b>.\n\nĐoạn thứ hai.",
    )  # fmt: skip


@dataclass
class Published:
    plan: Release
    figures: Release
    ranking: Release
    inspection: Release
    document: Release
    news: Release


def publish_everything(
    office, *, through: date = date(2022, 3, 1), with_snapshots: bool = True
) -> Published:
    """Publish one of each kind. `with_snapshots=False`: the figures of the snapshots already
    in the database (the 10M-dossier benchmark's), through `through`."""
    plan = Plan.objects.get(year=2022)
    if with_snapshots:
        snapshots()
    plan_release = services.plan_publish(actor=office, plan=plan)
    return Published(
        plan=plan_release,
        figures=services.figures_publish(actor=office, plan=plan, through=through),
        ranking=services.ranking_publish(actor=office, framework=published_framework(office)),
        inspection=services.inspection_publish(
            actor=office,
            inspection=inspection(office),
            conclusion="Sở Tư pháp thực hiện tốt công tác cải cách hành chính.",
        ),
        document=services.document_publish(actor=office, document=document(office)),
        news=services.news_publish(actor=office, news=news(office)),
    )

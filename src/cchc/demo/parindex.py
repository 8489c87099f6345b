"""Seeded generator of a synthetic PAR INDEX (Chỉ số CCHC) year for the demo.

Nothing here is a real assessment. For the year before the plan's (2021 by default, so that
the 2022 demo shows "last year's PAR INDEX"), the generator loads the bundled illustrative
frameworks (departments, district UBND, commune UBND) and walks the real workflow through
`parindex.services`, exactly as the people would:

- the reform office opens the assessments of every agency of each group active at the year's
  end (deadline 31/01 of the next year); each is marked `synthetic` right after opening;
- each agency's officer self-scores every self-assessed criterion (multiples of its step,
  from an agency's own "diligence"), writes an explanation where evidence is required (saying
  that it is synthetic: no file is attached), and submits in January;
- the reform office assigns the demo appraiser `thamdinh` (never to its own agency: that one
  goes to a second synthetic appraiser), who confirms most self-scores, lowers some with a
  reason, and completes the appraisal in February;
- the reform office imports the survey points (a CSV built in memory), records a few bonus
  and penalty points with their reasons, finalises every assessment, computes and publishes
  the results in March (publication refreshes PAR_INDEX_COVERAGE after the commit).

The officer's self-scores and the appraiser's scores go in as one sheet per assessment
(`self_scores_save`, `appraisals_save`): the checks, versions and history
rows of `score_save` and `appraisal_save`, criterion by criterion, in a few statements.

Computed criteria keep what the indicators give for the year (the service pre-fills them
when opening); with no data they stay empty and count 0 points — nothing is invented.

The people are accounts the generator creates, inactive and without a password (they cannot
log in), named `mophong.<…>` and "Tài khoản mô phỏng — …": the reform office, one officer
per agency and the second appraiser. The demo appraiser `thamdinh` (from `seed_demo`) must
exist.

Same seed and year → same scores: every agency draws from its own random stream (seed, year,
framework, agency code), so the figures of an agency do not depend on which other agencies
are generated. The timestamps the services take (`now`) lie in January–March of the next
year; creation and history times are the real clock. A second run finds the published
synthetic assessments of a framework and skips it: nothing is written."""

from __future__ import annotations

import csv
import io
import random
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django_stubs_ext import StrOrPromise

from cchc.core.selectors import working_calendar
from cchc.core.tabular.cells import VN
from cchc.organizations.models import Agency, AgencyLevel, Membership, Role
from cchc.parindex import frameworks, selectors
from cchc.parindex.models import (
    AdjustmentKind,
    Assessment,
    AssessmentStatus,
    CriterionScore,
    Framework,
    FrameworkGroup,
    Result,
    ScoringType,
)
from cchc.parindex.services.appraisal import Appraisal, appraisal_complete, appraisals_save
from cchc.parindex.services.publication import assessment_finalise, results_publish
from cchc.parindex.services.results import adjustment_add, results_compute, survey_import
from cchc.parindex.services.rounds import appraiser_assign, assessment_open
from cchc.parindex.services.self_assessment import SelfScore, assessment_submit, self_scores_save

Progress = Callable[[int, str], None]

DEFAULT_YEAR = frameworks.DEFAULT_YEAR - 1  # the PAR INDEX of the year before the plan's
DEFAULT_SEED = 2022
DEMO_APPRAISER = "thamdinh"  # created by seed_demo, at Sở Nội vụ
PREFIX = "mophong."
OFFICE_USERNAME = f"{PREFIX}vanphong"
SECOND_APPRAISER = f"{PREFIX}thamdinh2"
OFFICE_AGENCY = "12-SNV"
SECOND_APPRAISER_AGENCIES = ("12-VPUB", "12-SNV")  # the first one not the demo appraiser's
GROUP_ORDER = (FrameworkGroup.DEPARTMENT, FrameworkGroup.DISTRICT, FrameworkGroup.COMMUNE)

# An agency's habits: how often it claims full points on a criterion (diligence, by level),
# how often the appraiser finds a claim too high (strictness), and the share of satisfied
# answers in its survey (higher where the agency works better, with some noise).
DILIGENCE = {
    AgencyLevel.DEPARTMENT: (0.5, 0.98),
    AgencyLevel.DISTRICT: (0.45, 0.97),
    AgencyLevel.COMMUNE: (0.25, 0.95),
}
STRICTNESS = (0.03, 0.18)
BONUS_CHANCE, PENALTY_CHANCE = 0.10, 0.12

EXPLANATION = "Dữ liệu mô phỏng: chưa có tài liệu kiểm chứng (phiếu tự chấm sinh tự động)."
LOWERED_REASONS = (
    "Dữ liệu mô phỏng: tài liệu kiểm chứng chưa chứng minh đủ mức điểm tự chấm.",
    "Dữ liệu mô phỏng: nhiệm vụ hoàn thành chậm so với kế hoạch.",
    "Dữ liệu mô phỏng: thực hiện chưa đầy đủ nội dung theo quy định.",
    "Dữ liệu mô phỏng: số liệu báo cáo chưa khớp với số liệu của cơ quan chuyên môn.",
)
BONUS_REASONS = (
    "Dữ liệu mô phỏng: sáng kiến CCHC được UBND tỉnh công nhận.",
    "Dữ liệu mô phỏng: mô hình mới trong giải quyết TTHC được nhân rộng.",
)
PENALTY_REASONS = (
    "Dữ liệu mô phỏng: chậm gửi báo cáo CCHC quý.",
    "Dữ liệu mô phỏng: có hồ sơ TTHC quá hạn chưa gửi thư xin lỗi.",
    "Dữ liệu mô phỏng: bị phản ánh, kiến nghị về thái độ phục vụ.",
)
CENT = Decimal("0.01")


@dataclass
class GroupResult:
    """One framework of the year: how many agencies it assessed, and whether this run
    generated them (`created`) or found them there (`note` says why it skipped)."""

    framework: str
    group: str
    title: StrOrPromise
    assessed: int = 0
    created: bool = False
    note: str = ""
    classes: dict[str, int] = field(default_factory=dict)


@dataclass
class Summary:
    seed: int
    year: int
    groups: list[GroupResult] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def written(self) -> bool:
        return any(g.created for g in self.groups)

    @property
    def assessed(self) -> int:
        return sum(g.assessed for g in self.groups if g.created)


def generate(
    *,
    seed: int = DEFAULT_SEED,
    year: int = DEFAULT_YEAR,
    agencies: Iterable[str] | None = None,
    progress: Progress | None = None,
) -> Summary:
    """Generate (or, when already there, leave alone) one synthetic PAR INDEX year. `agencies`
    (codes) limits it to those agencies, for tests; by default every agency of each group
    active at the year's end."""
    return _Generator(seed=seed, year=year, agencies=agencies, progress=progress).run()


def results_of(year: int) -> list[tuple]:
    """The stored results of `year`'s illustrative frameworks as comparable tuples."""
    rows = Result.objects.filter(
        assessment__framework__year=year, assessment__framework__illustrative=True
    ).order_by("assessment__framework__code", "assessment__agency__code")
    return list(
        rows.values_list(
            "assessment__framework__code", "assessment__agency__code", "self_total",
            "appraised_total", "survey_total", "bonus", "penalty", "total", "maximum", "index",
            "rank", "classification",
        )
    )  # fmt: skip


def _units(max_points: Decimal, step: Decimal | None) -> tuple[Decimal, int]:
    """The unit a score is a multiple of, and how many units the maximum is."""
    unit = step or (Decimal("0.25") if max_points % Decimal("0.25") == 0 else CENT)
    return unit, int(max_points / unit)


class _Generator:
    def __init__(self, *, seed, year, agencies, progress):
        now = timezone.now()
        if year >= timezone.localdate(now).year:
            raise ValueError(
                f"Chỉ số CCHC năm {year} chỉ công bố sau khi hết năm; chỉ sinh dữ liệu mô phỏng "
                "cho năm đã qua."
            )
        self.seed, self.year, self.now = seed, year, now
        self.codes = None if agencies is None else set(agencies)
        self.report = progress or (lambda percent, stage: None)
        self.summary = Summary(seed=seed, year=year)
        self.calendar = working_calendar()
        self._accounts: dict[str, object] = {}

    # --- time ------------------------------------------------------------------------------
    def moment(self, month: int, day: int, hour: int, minute: int = 0) -> datetime:
        """The last working day of the next year on or before (month, day), at the hour;
        never after the real clock."""
        moment = date(self.year + 1, month, day)
        while not self.calendar.is_working_day(moment):
            moment -= timedelta(days=1)
        at = datetime(moment.year, moment.month, moment.day, hour, minute, tzinfo=VN)
        return min(at, self.now)

    # --- accounts --------------------------------------------------------------------------
    def account(self, username: str, agency: Agency, role: str, name: str):
        """A synthetic account: inactive, no password; created once."""
        if username in self._accounts:
            return self._accounts[username]
        User = get_user_model()
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username, first_name=f"Tài khoản mô phỏng — {name}",
                        is_active=False)  # fmt: skip
            user.set_unusable_password()
            user.save()
            Membership.objects.create(user=user, agency=agency, role=role)
        membership = Membership.objects.filter(user=user).first()
        if membership is None or membership.agency_id != agency.pk or membership.role != role:
            raise RuntimeError(
                f"Tài khoản {username} đã có nhưng không phải {Role(role).label} của {agency}."
            )
        self._accounts[username] = user
        return user

    def office(self):
        agency = Agency.objects.get(code=OFFICE_AGENCY)
        return self.account(OFFICE_USERNAME, agency, Role.REFORM_OFFICE,
                            "Văn phòng CCHC, Sở Nội vụ")  # fmt: skip

    def officer(self, agency: Agency):
        return self.account(f"{PREFIX}{agency.code.lower()}", agency, Role.AGENCY_OFFICER,
                            f"cán bộ đầu mối CCHC, {agency.name}")  # fmt: skip

    def appraisers(self):
        """The demo appraiser, and a second (synthetic) one for the demo appraiser's own
        agency."""
        if SECOND_APPRAISER in self._accounts:
            return self._appraisers
        demo = get_user_model().objects.filter(username=DEMO_APPRAISER).first()
        membership = Membership.objects.filter(user=demo).first() if demo else None
        if membership is None or membership.role != Role.APPRAISER:
            raise RuntimeError(
                f"Chưa có tài khoản thẩm định “{DEMO_APPRAISER}”; hãy chạy `manage.py seed_demo` "
                "trước."
            )
        code = next(c for c in SECOND_APPRAISER_AGENCIES if c != membership.agency.code)
        second = self.account(SECOND_APPRAISER, Agency.objects.get(code=code), Role.APPRAISER,
                              "thành viên tổ thẩm định thứ hai")  # fmt: skip
        self._appraisers = (demo, membership.agency_id, second)
        return self._appraisers

    # --- the run ---------------------------------------------------------------------------
    def run(self) -> Summary:
        started = time.perf_counter()
        self.report(0, "Bộ tiêu chí ví dụ minh họa")
        with transaction.atomic():
            loads = frameworks.load_bundled(year=self.year, only=lambda spec: spec.illustrative)
        found = {load.framework.group: load.framework for load in loads}
        todo = []
        for group in GROUP_ORDER:
            framework = found.get(group)
            if framework is None:
                continue
            result = GroupResult(framework.code, group, FrameworkGroup(group).label)
            self.summary.groups.append(result)
            existing = framework.assessments.all()
            if existing.filter(synthetic=False).exists():
                result.assessed = existing.count()
                result.note = "đã có phiếu đánh giá thật, không sinh dữ liệu mô phỏng"
            elif existing.exists():
                result.assessed = existing.filter(status=AssessmentStatus.PUBLISHED).count()
                result.note = "đã có từ lần chạy trước"
            else:
                targets = self.targets(framework)
                if targets:
                    todo.append((framework, targets, result))
                else:
                    result.note = "không có cơ quan nào"
        if todo:
            self.appraisers()  # refuse before writing anything when `thamdinh` is missing
        # Work units: each agency twice (self-assessment, appraisal), each framework once more.
        self.total = sum(2 * len(targets) + 1 for _, targets, _ in todo) or 1
        self.done = 0
        for framework, targets, result in todo:
            with transaction.atomic():
                self.assess(framework, targets, result)
        self.report(100, "Xong")
        self.summary.seconds = time.perf_counter() - started
        return self.summary

    def targets(self, framework: Framework) -> list[Agency]:
        qs = Agency.objects.filter(level__in=framework.levels).active_on(
            date(framework.year, 12, 31)
        )
        if self.codes is not None:
            qs = qs.filter(code__in=self.codes)
        return list(qs.order_by("code"))

    def tick(self, stage: str) -> None:
        self.done += 1
        self.report(min(99, 1 + 98 * self.done // self.total), stage)

    def assess(self, framework: Framework, targets: list[Agency], result: GroupResult) -> None:
        office = self.office()
        demo, demo_agency_id, second = self.appraisers()
        label = result.title

        created = assessment_open(
            actor=office, framework=framework, deadline=date(self.year + 1, 1, 31),
            agencies=targets, on=date(self.year + 1, 1, 2),  # opened as the year's round is
        )  # fmt: skip
        Assessment.objects.filter(pk__in=[a.pk for a in created]).update(synthetic=True)
        streams = {
            a.agency_id: random.Random(f"{self.seed}:{self.year}:{framework.code}:{a.agency.code}")  # noqa: S311 — reproducible demo data
            for a in created
        }
        scores: dict[int, list[CriterionScore]] = {a.pk: [] for a in created}
        rows = CriterionScore.objects.filter(assessment__in=created).select_related(
            "criterion", "assessment"
        )
        for score in rows.order_by("assessment_id", "criterion__order"):
            scores[score.assessment_id].append(score)

        # Self-assessment and submission, by each agency's officer.
        habits = {}
        for assessment in created:
            agency = assessment.agency
            rng = streams[agency.pk]
            level = AgencyLevel(agency.level)
            diligence = rng.uniform(*DILIGENCE[level])
            satisfaction = min(0.98, 0.6 + 0.35 * diligence + rng.uniform(-0.05, 0.05))
            habits[agency.pk] = (diligence, rng.uniform(*STRICTNESS), satisfaction)
            submitted = self.moment(1, rng.randint(4, 27), rng.randint(8, 16), rng.randrange(60))
            officer = self.officer(agency)
            sheet = {}
            for score in scores[assessment.pk]:
                criterion = score.criterion
                if criterion.scoring_type != ScoringType.SELF_ASSESSED:
                    continue
                assert criterion.max_points is not None  # a score's criterion is scorable
                unit, units = _units(criterion.max_points, criterion.step)
                if rng.random() < diligence or units == 0:
                    claimed = units
                else:
                    claimed = rng.randint(units // 3, units - 1)
                explanation = EXPLANATION if criterion.evidence_required else ""
                sheet[criterion.code] = SelfScore(unit * claimed, explanation,
                                                  version=score.version)  # fmt: skip
            saved = self_scores_save(actor=officer, assessment=assessment, values=sheet,
                                     now=submitted)  # fmt: skip
            scores[assessment.pk] = saved
            assessment_submit(actor=officer, assessment=assessment, now=submitted)
            self.tick(f"{label}: tự chấm {agency.code}")

        # Appraisal: most self-scores confirmed, some lowered with a reason.
        for assessment in created:
            agency = assessment.agency
            rng = streams[agency.pk]
            strictness = habits[agency.pk][1]
            appraiser = second if agency.pk == demo_agency_id else demo
            appraiser_assign(actor=office, appraiser=appraiser, agency=agency,
                             framework=framework)  # fmt: skip
            lowered = {}
            for score in scores[assessment.pk]:
                criterion = score.criterion
                if criterion.scoring_type != ScoringType.SELF_ASSESSED:
                    continue
                assert score.self_score is not None  # each was given a self-score above
                assert criterion.max_points is not None  # a score's criterion is scorable
                if score.self_score == 0 or rng.random() >= strictness:
                    continue  # accepted: a self-score the appraiser leaves alone counts
                unit, _ = _units(criterion.max_points, criterion.step)
                points = max(Decimal(0), score.self_score - unit * rng.choice((1, 1, 2)))
                lowered[criterion.code] = Appraisal(
                    points, score.version, reason=rng.choice(LOWERED_REASONS)
                )
            if lowered:
                appraisals_save(actor=appraiser, assessment=assessment, values=lowered)
            appraised_at = self.moment(2, rng.randint(10, 26), rng.randint(8, 16),
                                       rng.randrange(60))  # fmt: skip
            appraisal_complete(actor=appraiser, assessment=assessment, now=appraised_at)
            self.tick(f"{label}: thẩm định {agency.code}")

        # Survey points, bonus and penalty, by the reform office.
        survey = [c for c in selectors.scorable_criteria(framework)
                  if c.scoring_type == ScoringType.SURVEY]  # fmt: skip
        if survey:
            survey_file = io.StringIO()
            writer = csv.writer(survey_file)
            writer.writerow(["Mã cơ quan", "Mã tiêu chí", "Điểm"])
            for assessment in created:
                rng = streams[assessment.agency_id]
                satisfaction = habits[assessment.agency_id][2]
                for criterion in survey:
                    assert criterion.max_points is not None  # scorable criteria have one
                    share = min(1.0, max(0.0, satisfaction + rng.uniform(-0.06, 0.06)))
                    points = (criterion.max_points * Decimal(str(share))).quantize(
                        CENT, rounding=ROUND_HALF_UP
                    )
                    writer.writerow([assessment.agency.code, criterion.code, str(points)])
            survey_import(
                actor=office, framework=framework, content=survey_file.getvalue().encode(),
                file_name=f"dieu-tra-xa-hoi-hoc-mo-phong-{self.year}.csv",
                note=f"Điều tra xã hội học mô phỏng (seed {self.seed}, năm {self.year})",
            )  # fmt: skip
        for assessment in created:
            rng = streams[assessment.agency_id]
            if rng.random() < BONUS_CHANCE:
                adjustment_add(
           actor=office, assessment=assessment, kind=AdjustmentKind.BONUS,
           points=rng.choice((Decimal("0.5"), Decimal(1), Decimal("1.5"), Decimal(2))),
           reason=rng.choice(BONUS_REASONS),
                )  # fmt: skip
            if rng.random() < PENALTY_CHANCE:
                adjustment_add(
           actor=office, assessment=assessment, kind=AdjustmentKind.PENALTY,
           points=rng.choice((Decimal("0.5"), Decimal(1), Decimal("1.5"))),
           reason=rng.choice(PENALTY_REASONS),
                )  # fmt: skip

        # Finalise, compute, publish.
        finalised = self.moment(3, 9, 9)
        for assessment in created:
            assessment_finalise(actor=office, assessment=assessment, now=finalised)
        results_compute(actor=office, framework=framework)
        results = results_publish(actor=office, framework=framework,
                                  now=self.moment(3, 20, 15))  # fmt: skip
        self.tick(f"{label}: đã công bố kết quả")
        result.assessed, result.created = len(created), True
        for item in results:
            name = item.classification or "chưa xếp loại"
            result.classes[name] = result.classes.get(name, 0) + 1

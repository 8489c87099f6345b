"""Layer 1 of the indicator engine: one declaration per indicator — stable code, Vietnamese
title, unit, how it aggregates, its extractor and the document that defines it
(docs/kpi/<CODE>.md). Plans link their targets to these codes (Target.indicator_code)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import Literal

from django.db.models import Q

from cchc.indicators import extraction as x
from cchc.indicators.applicability import ALL as ALL_LEVELS
from cchc.inspections.planning import TARGET_LEVELS
from cchc.operations.models import ImportKind

Aggregation = Literal["flow", "stock"]


# What the on-time rates leave out (ADR 0014), as the pages name it.
UNKNOWN_DEADLINE = "hồ sơ không xác định được hạn, không tính vào tỷ lệ"


@dataclass(frozen=True)
class NationalMapping:
    """How an indicator of ours stands beside one of Decision 766's (Bộ chỉ số chỉ đạo, điều
    hành và đánh giá chất lượng phục vụ người dân, doanh nghiệp), whose monthly results the
    national portal publishes (`national` app: the published figures and the comparison page).
    `code`: the national indicator's code in `data/frameworks/qd766_2022_service_quality.csv`;
    `differences`: what the two definitions count differently (numerator, denominator, scope),
    each a likely reason why the figures differ, shown beside a difference. The whole mapping
    is explained in the indicator's docs/kpi page ("So với số liệu Quyết định 766")."""

    code: str
    differences: tuple[str, ...]


# Every dossier figure of Decision 766 is computed from the dossiers the one-stop system
# synchronised to the national portal; ours from every dossier loaded here.
NOT_SYNCED = (
    "Hồ sơ có trong dữ liệu của tỉnh nhưng chưa đồng bộ (hoặc đồng bộ muộn, sai mã) lên Cổng "
    "Dịch vụ công quốc gia thì không được Quyết định 766 tính."
)


@dataclass(frozen=True)
class Indicator:
    code: str
    title: str
    numerator_label: str
    denominator_label: str
    aggregation: Aggregation
    extract: Callable[[x.Window], Iterable[x.Row]] | None
    per_agency: bool = True  # False: stored on the province only (catalogue)
    growth: bool = False  # value = growth of the numerator against a baseline year
    # Year-end projection, one method per kind of target (docs/kpi/projections.md):
    # "running_rate" for ratios of what happens each month (projected by the year-to-date
    # value, with an interval), "planned" for a count towards a share that has a plan
    # recorded (target 1: the inspection plan), "current" where nothing supports a
    # projection beyond the state now (catalogue, registers): none is made.
    projection: Literal["running_rate", "planned", "current"] = "current"
    # Why "current" makes no projection, shown in its place.
    projection_note: str = ""
    # The last month of a year for which the indicator's source holds data (one function per
    # kind of source, in extraction); snapshots stop there. None: the extractor writes only
    # months with data itself.
    data_through: x.Through | None = None
    # "planned": of the agencies a reader's scope holds, how many will be counted at the
    # year's end if the plan is carried out (None without a plan for the year).
    planned: x.Planned | None = None
    note: str = ""
    drill: str = ""  # which records lie behind the number: "dossiers", "work_records", …
    # For dossiers: the roll-up counters of the numerator and the denominator (keys of
    # operations.rollups.COUNTED, which also select their records), and whether only
    # procedures offering online payment count.
    drill_counters: tuple[str, str] | None = None
    drill_online_payment: bool = False
    # Records left out of both numerator and denominator, shown beside the value: what they
    # are, and for dossiers the roll-up counter that selects them.
    excluded_label: str = ""
    excluded_counter: str = ""
    # A flow that adds the state at the period's end (IndicatorSnapshot.end_*).
    end_state: bool = False
    # The legal definition the figure follows, named on the page, and another indicator
    # measuring the same thing by another definition, shown beside it.
    basis: str = ""
    variant: str = ""
    # For other records: the numerator's and the denominator's records of an agency (and
    # tier) over a period, selected as the extractor counts them (indicators.records).
    records: x.Records | None = None
    # The agency levels a figure counts when its target names none (`Target.scope_levels`
    # narrows or sets them; indicators.applicability). The extractor stores rows for every
    # level it can measure; the figure reads those of its levels.
    applies_to: frozenset[str] = ALL_LEVELS
    # The indicator of Decision 766 that measures the same thing, for the comparison of our
    # figures with the published national ones (None: no counterpart).
    national_766: NationalMapping | None = None
    # The import kinds whose data it reads (`operations.models.ImportKind` values): an import
    # of one of them refreshes this indicator (`receivers.refresh_after_import`). Empty: no
    # import feeds it (PAR INDEX coverage is refreshed by the PAR INDEX services).
    fed_by: frozenset[str] = frozenset()

    @property
    def doc_path(self) -> str:
        return f"docs/kpi/{self.code}.md"


# Dossier ratios read the monthly roll-up, written by both dossier lists and statistics.
DOSSIER_KINDS = frozenset({ImportKind.DOSSIERS, ImportKind.DOSSIER_STATS})


def _dossiers(
    numerator: str,
    denominator: str,
    *,
    only_online_payment: bool = False,
    excluded: str = "",
    end: tuple[str, str, str] | None = None,
) -> dict:
    """A dossier ratio: two roll-up counters, read from the roll-up and drilled into with the
    same names; `excluded`, the counter of the dossiers left out of both; `end`, the counters
    of the state at the period's end it adds."""
    extract = x.dossier_monthly(
        numerator, denominator, only_online_payment=only_online_payment, excluded=excluded,
        end=end,
    )  # fmt: skip
    return {
        "extract": extract,
        "drill": "dossiers",
        "drill_counters": (numerator, denominator),
        "drill_online_payment": only_online_payment,
        "data_through": x.dossiers_through,
        "excluded_counter": excluded,
        "fed_by": DOSSIER_KINDS,
    }


def _catalogue(numerator: Q, denominator: Q) -> dict:
    """A ratio over the procedure catalogue of the year, per authority tier."""
    return {
        "extract": x.catalogue(numerator, denominator),
        "drill": "catalogue",
        "records": x.catalogue_records(numerator, denominator),
        "data_through": x.catalogue_through,
        "projection_note": CATALOGUE_NOTE,
        "fed_by": frozenset({ImportKind.PROCEDURES}),
    }


CATALOGUE_NOTE = (
    "Số liệu là danh mục thủ tục hành chính tại lần cập nhật gần nhất; không dự báo vượt quá "
    "danh mục hiện có."
)
NO_PLAN_NOTE = "Tỷ lệ đếm dồn, chưa có kế hoạch nào được ghi nhận để dự báo: không dự báo cuối năm."


INDICATORS: dict[str, Indicator] = {
    i.code: i
    for i in [
        Indicator(
            "INSPECTION_COVERAGE", "Tỷ lệ cơ quan, đơn vị được kiểm tra CCHC",
            "cơ quan đã được kiểm tra", "cơ quan thuộc đối tượng kiểm tra", "stock",
            x.inspection_coverage, drill="inspections", projection="planned",
            records=x.inspection_records, data_through=x.inspections_through,
            planned=x.inspections_planned, fed_by=frozenset({ImportKind.INSPECTIONS}),
            # Target 1 of plan 4345 counts no communes (task III.1 inspects them apart).
            applies_to=TARGET_LEVELS,
        ),
        Indicator(
            "PAR_INDEX_COVERAGE", "Tỷ lệ cơ quan được đánh giá, xếp loại Chỉ số CCHC",
            "cơ quan có kết quả Chỉ số CCHC", "cơ quan thuộc đối tượng", "stock", None,
            drill="par_index", projection_note="Kết quả Chỉ số CCHC đã công bố là giá trị; không dự báo.",
            note="Kế hoạch năm N tính theo kết quả Chỉ số CCHC năm N − 1: việc đánh giá, xếp "
            "loại Chỉ số CCHC của một năm được tổ chức và công bố trong năm sau.",
            # The extractor is provided by the parindex app (which depends on this one).
        ),
        Indicator(
            "LEGAL_REVIEW_COVERAGE", "Tỷ lệ văn bản QPPL đã ban hành được kiểm tra, rà soát",
            "văn bản đã kiểm tra, rà soát", "văn bản ban hành trong năm", "stock",
            x.legal_review_coverage, drill="legal_documents", records=x.legal_document_records,
            data_through=x.legal_documents_through, projection_note=NO_PLAN_NOTE,
            fed_by=frozenset({ImportKind.LEGAL_DOCUMENTS}),
        ),
        Indicator(
            "RESULT_DIGITISATION", "Tỷ lệ kết quả giải quyết TTHC được số hóa",
            "kết quả được số hóa", "kết quả giải quyết (không gồm hồ sơ từ chối)", "flow",
            **_dossiers("results_digitized", "results_granted"),
            note="Mẫu số là kết quả giải quyết trong năm, chưa gồm kết quả còn hiệu lực của các "
            "năm trước (chưa có dữ liệu kho kết quả).",
            national_766=NationalMapping("766.3.1", (
                NOT_SYNCED,
                "Tử số khác: Quyết định 766 tính hồ sơ có đường dẫn tệp kết quả điện tử đồng bộ "
                "lên Cổng; hệ thống tính kết quả được đánh dấu số hóa trong dữ liệu nạp.",
                "Mẫu số khác: Quyết định 766 chỉ tính hồ sơ của thủ tục yêu cầu trả kết quả bằng "
                "văn bản, giấy tờ; hệ thống tính mọi kết quả giải quyết (trừ hồ sơ từ chối).",
            )),
        ),
        Indicator(
            "ONLINE_PAYMENT_PROCEDURES", "Tỷ lệ TTHC có nghĩa vụ tài chính được thanh toán trực tuyến",
            "TTHC có phí đã triển khai thanh toán trực tuyến", "TTHC có phí, lệ phí", "stock",
            **_catalogue(Q(online_payment=True), Q(has_fee=True)), per_agency=False,
        ),
        Indicator(
            "ONLINE_PAYMENT_SHARE", "Tỷ lệ giao dịch thanh toán trực tuyến",
            "hồ sơ thanh toán trực tuyến", "hồ sơ có phí của TTHC đã có thanh toán trực tuyến",
            "flow", **{**_dossiers("paid_online", "with_fee", only_online_payment=True),
                       # the catalogue says which procedures take payment online
                       "fed_by": DOSSIER_KINDS | {ImportKind.PROCEDURES}},
            national_766=NationalMapping("766.4.5", (
                NOT_SYNCED,
                "Mẫu số khác: Quyết định 766 tính hồ sơ của mọi thủ tục có phí, lệ phí (trừ hồ "
                "sơ được miễn toàn bộ phí); hệ thống chỉ tính thủ tục đã triển khai thanh toán "
                "trực tuyến.",
                "Kỳ tính khác: Quyết định 766 tính hồ sơ bắt đầu xử lý trong kỳ; hệ thống tính "
                "theo tháng tiếp nhận.",
            )),
        ),
        Indicator(
            "ONLINE_SERVICE_GROWTH", "Tăng số TTHC cung cấp dịch vụ công trực tuyến mức độ 3, 4",
            "TTHC đủ điều kiện cung cấp trực tuyến mức độ 3, 4", "TTHC đủ điều kiện", "stock",
            **_catalogue(x.ONLINE_3_4, Q(eligible_online=True)), per_agency=False, growth=True,
        ),
        Indicator(
            "PORTAL_INTEGRATION_GROWTH", "Tăng số dịch vụ công tích hợp trên Cổng DVC quốc gia",
            "dịch vụ công tích hợp trên Cổng DVC quốc gia", "TTHC trong danh mục", "stock",
            # The plan's wording sets no online level: every service on the portal counts.
            **_catalogue(Q(on_national_portal=True), Q()), per_agency=False, growth=True,
        ),
        Indicator(
            "ONLINE_DOSSIER_SHARE", "Tỷ lệ hồ sơ tiếp nhận trực tuyến",
            "hồ sơ tiếp nhận trực tuyến", "hồ sơ tiếp nhận", "flow",
            **_dossiers("received_online", "received"),
            national_766=NationalMapping("766.4.3", (
                NOT_SYNCED,
                "Tử số khác: Quyết định 766 chỉ tính hồ sơ trực tuyến có kết quả điện tử khi thủ "
                "tục yêu cầu trả kết quả bằng giấy tờ; hệ thống tính mọi hồ sơ tiếp nhận trực "
                "tuyến.",
                "Quyết định 766 nhân tỷ lệ với tỷ lệ hồ sơ đồng bộ (chỉ số 766.1.4): tỉnh đồng bộ "
                "thiếu thì tỷ lệ công bố thấp hơn.",
            )),
        ),
        Indicator(
            "SYSTEMS_CONNECTED", "Tỷ lệ hệ thống thông tin đã kết nối với hệ thống quốc gia",
            "kết nối đã thực hiện", "kết nối phải có", "stock", x.systems_connected,
            drill="systems", records=x.connection_records, data_through=x.systems_through,
            projection_note=NO_PLAN_NOTE, fed_by=frozenset({ImportKind.SYSTEMS}),
        ),
        Indicator(
            "WORK_RECORDS_ONLINE", "Tỷ lệ hồ sơ công việc xử lý trên môi trường mạng",
            "hồ sơ công việc xử lý trên mạng", "hồ sơ công việc (không gồm hồ sơ mật)", "flow",
            x.work_records, drill="work_records", records=x.work_record_records,
            data_through=x.work_records_through, fed_by=frozenset({ImportKind.WORK_RECORDS}),
        ),
        Indicator(
            "ON_TIME_RATE", "Tỷ lệ hồ sơ giải quyết đúng hạn",
            "hồ sơ giải quyết đúng hạn", "hồ sơ đã giải quyết xác định được hạn", "flow",
            **_dossiers("finished_on_time", "finished_with_deadline",
                        excluded="finished_unknown_deadline"),
            excluded_label=UNKNOWN_DEADLINE,
            basis="Theo Nghị định 61/2018, 107/2021", variant="ON_TIME_RATE_766",
            note="Theo Nghị định 61/2018, 107/2021: hồ sơ đã giải quyết đúng hạn trên hồ sơ đã "
            "giải quyết; hồ sơ không có ngày hẹn trả và thủ tục không có thời hạn giải quyết "
            "thì không xác định được hạn, không tính vào tỷ lệ.",
        ),
        Indicator(
            "ON_TIME_RATE_766", "Tỷ lệ hồ sơ xử lý trước hạn, đúng hạn (Quyết định 766/QĐ-TTg)",
            "hồ sơ giải quyết đúng hạn và hồ sơ đang giải quyết trong hạn",
            "hồ sơ đã và đang giải quyết xác định được hạn", "flow",
            x.dossier_monthly(
                "finished_on_time", "finished_with_deadline", excluded="finished_unknown_deadline",
                end=("open_on_time", "open_with_deadline", "open_unknown_deadline"),
            ),
            end_state=True, projection="current", data_through=x.dossiers_through,
            fed_by=DOSSIER_KINDS,
            projection_note="Tỷ lệ tham khảo theo Quyết định 766: không dự báo (hồ sơ đang giải "
            "quyết cuối mỗi tháng không cộng dồn được).",
            excluded_label=UNKNOWN_DEADLINE,
            basis="Theo Quyết định 766/QĐ-TTg",
            note="Theo Quyết định 766/QĐ-TTg: hồ sơ giải quyết đúng hạn trong kỳ và hồ sơ còn "
            "đang giải quyết, trong hạn vào cuối kỳ, trên hồ sơ đã giải quyết trong kỳ và hồ sơ "
            "còn đang giải quyết vào cuối kỳ.",
            national_766=NationalMapping("766.2.1", (
                NOT_SYNCED,
                "Mẫu số khác: hệ thống để riêng hồ sơ không xác định được hạn (không tính vào tỷ "
                "lệ); Quyết định 766 tính mọi hồ sơ tiếp nhận, xử lý trong kỳ.",
                "Hồ sơ công dân rút, dừng xử lý: Quyết định 766 tính là đã kết thúc; hệ thống chỉ "
                "tính hồ sơ đã giải quyết hoặc từ chối giải quyết.",
            )),
        ),
    ]
}  # fmt: skip


# Ratios of what happens each month are running rates. One that adds a state at the period's
# end (Decision 766's on-time rate) is not projected: the state of each month end does not add up.
INDICATORS = {
    code: (
        replace(i, projection="running_rate") if i.aggregation == "flow" and not i.end_state else i
    )
    for code, i in INDICATORS.items()
}


def get(code: str) -> Indicator | None:
    return INDICATORS.get(code)


def provide_extractor(
    code: str,
    extract: Callable[[x.Window], Iterable[x.Row]],
    records: x.Records | None = None,
    data_through: x.Through | None = None,
) -> None:
    """Let an app above this one supply the extractor of an indicator declared here (apps
    depend downward: parindex measures PAR_INDEX_COVERAGE from its results), and the records
    behind its numbers. Called from that app's AppConfig.ready()."""
    indicator = INDICATORS[code]
    INDICATORS[code] = replace(
        indicator, extract=extract, records=records or indicator.records,
        data_through=data_through or indicator.data_through,
    )  # fmt: skip

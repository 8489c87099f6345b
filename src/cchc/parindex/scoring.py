"""PAR INDEX scoring as pure functions: no Django, no ORM, no clock.

Definitions (docs/parindex.md explains them with examples):

- A criterion is scored when it is a leaf of the framework's tree and has a maximum.
- Its points: self-assessed and computed criteria count the appraised score, or the
  self-score where the appraiser has not set one (the appraiser accepted it), or 0 when
  neither exists; survey criteria count their survey points (0 when none were imported).
- A criterion marked not applicable (không áp dụng) counts in neither the total nor the
  maximum.
- A score has at most the framework's number of decimals (`places`, at most 3) and is a
  multiple of the criterion's step when it has one.
- total = Σ points + bonus − penalty, exactly: every term has at most 3 decimals, so the
  sum is exact and nothing is rounded.
- maximum = Σ max_points of the criteria that apply to the agency.
- index (%) = 100 × total / maximum. Ranks and classes use its exact value (`Totals.ratio`);
  `Totals.index` is that value to INDEX_PLACES decimals, for storing. None when nothing
  applies.
- Rank within a group: by total / maximum, exactly, highest first; equal values share a
  rank and the next rank skips (competition ranking 1, 2, 2, 4). When every agency has
  the same maximum this is ranking by total.
- Classification: the first band, from the top, whose minimum the exact value reaches;
  the value is the total or the index, as the framework says (`basis`).
- Rounding happens only when a figure is shown, to the framework's display decimals
  (`round_points`, half up like Excel's ROUND).

Numbers are Decimal (int accepted); floats are refused like in `indicators.formulas`.
Impossible data raises ValueError with a Vietnamese message.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from fractions import Fraction
from typing import Any, TypeVar

from cchc.indicators import formulas

SELF_ASSESSED, SURVEY, COMPUTED = "self_assessed", "survey", "computed"
SCORING_TYPES = (SELF_ASSESSED, SURVEY, COMPUTED)
BASES = ("points", "percent")
MAX_PLACES = 3  # scores, bonus and penalty are stored with at most 3 decimals
INDEX_PLACES = 4  # the index is stored with 4 decimals (shown with fewer)
HUNDRED = Decimal(100)
ZERO = Decimal(0)

Number = Decimal | int
K = TypeVar("K", bound=Hashable)


def _decimal(value: Any, name: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise TypeError(f"{name} phải là số Decimal hoặc số nguyên (nhận {value!r}).")
    result = Decimal(value)
    if not result.is_finite():
        raise ValueError(f"{name} không phải là một số hữu hạn (nhận {value!r}).")
    return result


def shown(value: Decimal) -> str:
    """A number as Vietnamese text: 0.25 → "0,25", 2.00 → "2", exactly whatever its length
    (written out, not rounded to the context's 28 digits: 29 nines used to raise)."""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",")


def round_points(value: Number, places: int) -> Decimal:
    """Half up (ties away from zero, like Excel's ROUND) to `places` decimals: for showing a
    figure, never for computing one."""
    if not 0 <= places <= INDEX_PLACES:
        raise ValueError(f"Số chữ số thập phân phải từ 0 đến {INDEX_PLACES} (nhận {places}).")
    return _decimal(value, "Điểm").quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def decimals(value: Decimal) -> int:
    """How many decimals a number needs: 1.978 → 3, 1.50 → 1, 2 → 0."""
    exponent = value.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


# --- one criterion ------------------------------------------------------------------------


def check_places(value: Decimal, places: int) -> None:
    """ValueError when `value` has more decimals than `places` (the framework's)."""
    if not 0 <= places <= MAX_PLACES:
        raise ValueError(
            f"Số chữ số thập phân của điểm phải từ 0 đến {MAX_PLACES} (nhận {places})."
        )
    if decimals(value) > places:
        allowed = f"đến {places} chữ số thập phân" if places else "số nguyên"
        raise ValueError(f"Điểm {shown(value)} có {decimals(value)} chữ số thập phân; bộ tiêu "
                         f"chí này chỉ chấm {allowed}.")  # fmt: skip


def validate_score(
    value: Number, *, max_points: Number, step: Number | None = None, places: int = MAX_PLACES
) -> Decimal:
    """The score as a Decimal if 0 ≤ score ≤ max_points, with at most `places` decimals (the
    framework's precision) and a multiple of `step` (when set); ValueError in Vietnamese
    otherwise."""
    score = _decimal(value, "Điểm")
    top = _decimal(max_points, "Điểm tối đa")
    if score < 0:
        raise ValueError(f"Điểm không được âm (nhận {shown(score)}).")
    if score > top:
        raise ValueError(f"Điểm {shown(score)} vượt điểm tối đa {shown(top)} của tiêu chí.")
    check_places(score, places)
    if step is not None:
        unit = _decimal(step, "Bước điểm")
        if unit <= 0:
            raise ValueError(f"Bước điểm phải lớn hơn 0 (nhận {shown(unit)}).")
        if score % unit != 0:
            raise ValueError(
                f"Điểm phải là bội số của {shown(unit)} (0; {shown(unit)}; {shown(unit * 2)}; …), "
                f"nhận {shown(score)}."
            )
    return score


def computed_points(
    value: Number | None, *, full_at: Number, zero_at: Number | None, max_points: Number
) -> Decimal | None:
    """Points of a criterion computed from an indicator value (in %), on the linear scale of
    `formulas.linear_points`: full points at `full_at`, none at `zero_at` (0 when unset).
    None (no data) when the value is None."""
    return formulas.linear_points(
        value, full_at=full_at, zero_at=ZERO if zero_at is None else zero_at, max_points=max_points
    )


# --- one agency ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    """One scored criterion of one agency, as the scoring needs it."""

    code: str
    max_points: Decimal
    scoring_type: str = SELF_ASSESSED
    self_score: Decimal | None = None
    appraised_score: Decimal | None = None
    survey_points: Decimal | None = None
    not_applicable: bool = False

    def points(self) -> Decimal:
        """Points counted for the criterion (see the module's definitions)."""
        if self.scoring_type == SURVEY:
            value = self.survey_points
        elif self.appraised_score is not None:
            value = self.appraised_score
        else:
            value = self.self_score
        return ZERO if value is None else _decimal(value, f"Điểm tiêu chí {self.code}")


@dataclass(frozen=True)
class Totals:
    self_total: Decimal  # what the agency claimed: self-scores (computed included) + survey
    appraised_total: Decimal  # self-assessed and computed criteria after appraisal
    survey_total: Decimal
    bonus: Decimal
    penalty: Decimal
    total: Decimal
    maximum: Decimal
    index: Decimal | None  # 100 × ratio to INDEX_PLACES decimals, for storing
    applicable: int  # number of criteria that apply

    @property
    def ratio(self) -> Fraction | None:
        """total / maximum, exactly; None when nothing applies."""
        if self.maximum <= 0:
            return None
        return Fraction(self.total) / Fraction(self.maximum)

    @property
    def exact_index(self) -> Fraction | None:
        """The index (%) exactly, what classes are decided on."""
        return None if self.ratio is None else 100 * self.ratio


def _check_line(line: Line) -> None:
    if line.scoring_type not in SCORING_TYPES:
        raise ValueError(f"Cách chấm không hợp lệ ở tiêu chí {line.code}: {line.scoring_type!r}.")
    top = _decimal(line.max_points, f"Điểm tối đa tiêu chí {line.code}")
    if top < 0:
        raise ValueError(f"Điểm tối đa tiêu chí {line.code} không được âm.")
    for name, value in (
        ("tự chấm", line.self_score),
        ("thẩm định", line.appraised_score),
        ("điều tra xã hội học", line.survey_points),
    ):
        if value is None:
            continue
        number = _decimal(value, f"Điểm {name} tiêu chí {line.code}")
        if not ZERO <= number <= top:
            raise ValueError(
                f"Điểm {name} của tiêu chí {line.code} ({shown(number)}) phải từ 0 đến "
                f"{shown(top)}."
            )


def total(lines: Iterable[Line], *, bonus: Number = 0, penalty: Number = 0) -> Totals:
    """Totals of one agency, exact; see the module's definitions. Bonus and penalty are the
    sums of the agency's adjustments, both given as positive numbers."""
    plus = _decimal(bonus, "Điểm thưởng")
    minus = _decimal(penalty, "Điểm trừ")
    if plus < 0 or minus < 0:
        raise ValueError("Điểm thưởng và điểm trừ ghi bằng số dương.")
    self_sum = appraised = survey = maximum = ZERO
    applicable = 0
    for line in lines:
        _check_line(line)
        if line.not_applicable:
            continue
        applicable += 1
        maximum += line.max_points
        if line.scoring_type == SURVEY:
            survey += line.points()
        else:
            appraised += line.points()
            self_sum += line.self_score or ZERO
    total_ = appraised + survey + plus - minus
    index = None
    if maximum > 0:
        exact = Fraction(HUNDRED * total_) / Fraction(maximum)
        index = _fraction_places(exact, INDEX_PLACES)
    return Totals(
        self_total=self_sum + survey,
        appraised_total=appraised,
        survey_total=survey,
        bonus=plus,
        penalty=minus,
        total=total_,
        maximum=maximum,
        index=index,
        applicable=applicable,
    )


def _fraction_places(value: Fraction, places: int) -> Decimal:
    """An exact fraction to `places` decimals, half up (the quotient, not a float)."""
    scaled = value * 10**places
    whole, rest = divmod(abs(scaled.numerator), scaled.denominator)
    if 2 * rest >= scaled.denominator:
        whole += 1
    return Decimal(-whole if scaled < 0 else whole).scaleb(-places)


# --- classification -----------------------------------------------------------------------


@dataclass(frozen=True)
class Band:
    minimum: Decimal | None  # None: everything below the bands above
    label: str


def parse_bands(bands: Sequence[Mapping[str, Any]], basis: str = "points") -> list[Band]:
    """Bands as stored on a framework ([{"min": "15", "label": "Xuất sắc"}, …], highest
    first; an empty "min" only on the last band, for everything below). ValueError when
    the list is not well formed."""
    if basis not in BASES:
        raise ValueError(f"Cách xếp loại không hợp lệ: {basis!r} (chỉ dùng points, percent).")
    parsed: list[Band] = []
    for position, band in enumerate(bands, start=1):
        label = str(band.get("label") or "").strip()
        if not label:
            raise ValueError(f"Mức xếp loại thứ {position} chưa có tên.")
        raw = band.get("min")
        if raw is None or str(raw).strip() == "":
            if position != len(bands):
                raise ValueError(
                    f"Chỉ mức xếp loại cuối cùng được để trống điểm tối thiểu (mức “{label}”)."
                )
            parsed.append(Band(None, label))
            continue
        try:
            minimum = Decimal(str(raw).strip().replace(",", "."))
        except InvalidOperation as exc:
            raise ValueError(f"Điểm tối thiểu của mức “{label}” không phải số: {raw!r}.") from exc
        if basis == "percent" and not ZERO <= minimum <= HUNDRED:
            raise ValueError(f"Mức “{label}” xếp loại theo %: ngưỡng phải từ 0 đến 100.")
        if parsed and parsed[-1].minimum is not None and minimum >= parsed[-1].minimum:
            raise ValueError(
                "Các mức xếp loại phải xếp từ cao xuống thấp "
                f"(“{label}” ≥ {shown(minimum)} đứng sau “{parsed[-1].label}”)."
            )
        parsed.append(Band(minimum, label))
    return parsed


def classify(
    value: Number | Fraction | None, bands: Sequence[Mapping[str, Any]], basis: str = "points"
) -> str:
    """The band label for `value` (a total when basis is "points", an index in % when
    "percent"), compared exactly: the first band from the top whose minimum the value
    reaches, "" when the value is None, no band is defined or the value is below every band.
    Circular 01/2018: 15 → Xuất sắc, 14.99 → Tốt, 6 → Trung bình, 5.99 → Yếu."""
    table = parse_bands(bands, basis)
    if value is None:
        return ""
    number = value if isinstance(value, Fraction) else Fraction(_decimal(value, "Giá trị xếp loại"))
    for band in table:
        if band.minimum is None or number >= Fraction(band.minimum):
            return band.label
    return ""


# --- ranking ------------------------------------------------------------------------------


def rank(values: Mapping[K, Fraction | Decimal | int | None]) -> dict[K, int | None]:
    """Competition ranking, highest first: equal values share a rank and the next rank
    skips (1, 2, 2, 4). A None value is not ranked."""
    ordered = sorted((v for v in values.values() if v is not None), reverse=True)
    first_place: dict[Fraction | Decimal | int, int] = {}
    for position, value in enumerate(ordered, start=1):
        first_place.setdefault(value, position)
    return {key: None if value is None else first_place[value] for key, value in values.items()}


# --- a whole group ------------------------------------------------------------------------


@dataclass(frozen=True)
class AgencyInput:
    lines: tuple[Line, ...]
    bonus: Decimal = ZERO
    penalty: Decimal = ZERO
    group: str = ""  # agencies are ranked within their group (agency level)


@dataclass(frozen=True)
class AgencyResult:
    totals: Totals
    rank: int | None
    classification: str
    group: str = ""


def evaluate(
    agencies: Mapping[K, AgencyInput],
    *,
    bands: Sequence[Mapping[str, Any]] = (),
    basis: str = "points",
) -> dict[K, AgencyResult]:
    """Totals, rank within each group and classification for every agency, from the exact
    values."""
    parse_bands(bands, basis)  # a bad band list fails before anything is computed
    totals = {
        key: total(item.lines, bonus=item.bonus, penalty=item.penalty)
        for key, item in agencies.items()
    }
    ranks: dict[K, int | None] = {}
    for group in {item.group for item in agencies.values()}:
        members = {k: totals[k].ratio for k, item in agencies.items() if item.group == group}
        ranks.update(rank(members))
    results = {}
    for key, item in agencies.items():
        t = totals[key]
        value = Fraction(t.total) if basis == "points" else t.exact_index
        label = classify(value if t.maximum > 0 else None, bands, basis)
        results[key] = AgencyResult(totals=t, rank=ranks[key], classification=label,
                                    group=item.group)  # fmt: skip
    return results

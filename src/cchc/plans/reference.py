"""Bundled reform areas (Resolution 76/NQ-CP) and the Lai Châu 2022 plan (4345/KH-UBND).

The plan is loaded once: if the province already has a plan for that year it is left alone,
since the reform office may have edited it. Everything is validated before anything is
written, in one transaction."""

from __future__ import annotations

import csv
import json
from datetime import date
from decimal import Decimal
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction

from cchc.core.reference import DATA_DIR, LoadResult
from cchc.core.services import change_reason
from cchc.organizations.models import Agency, AgencyLevel
from cchc.plans.models import LegalBasis, Plan, ReformArea, Target, TargetThreshold, Task

AREAS_FILE = DATA_DIR / "reform_areas.csv"
PLAN_FILES = [DATA_DIR / "plan_laichau_2022.json"]


@transaction.atomic
def load_reform_areas(path: Path = AREAS_FILE) -> LoadResult:
    result = LoadResult(name="Lĩnh vực cải cách")
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            wanted = {"name": row["name"], "order": int(row["order"]), "source": row["source"]}
            area = ReformArea.objects.filter(code=row["code"]).first()
            if area is None:
                ReformArea.objects.create(code=row["code"], **wanted)
                result.created += 1
            elif any(getattr(area, k) != v for k, v in wanted.items()):
                ReformArea.objects.filter(pk=area.pk).update(**wanted)
                result.updated += 1
            else:
                result.unchanged += 1
    return result


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


@transaction.atomic
def load_plan(path: Path) -> LoadResult:
    data = json.loads(path.read_text(encoding="utf-8"))
    result = LoadResult(name=f"Kế hoạch {data['number']}")
    try:
        province = Agency.objects.get(code=data["province_code"], level=AgencyLevel.PROVINCE)
    except Agency.DoesNotExist as exc:
        raise ValidationError(
            f"{path.name}: chưa có tỉnh mã “{data['province_code']}”; "
            "hãy nạp danh mục cơ quan trước."
        ) from exc
    if Plan.objects.filter(province=province, year=data["year"]).exists():
        result.unchanged += 1
        return result
    areas = {a.code: a for a in ReformArea.objects.all()}
    unknown = {t["area"] for t in data["tasks"]} - set(areas)
    if unknown:
        raise ValidationError(f"{path.name}: không có lĩnh vực {', '.join(sorted(unknown))}.")
    plan = Plan(
        province=province,
        year=data["year"],
        number=data["number"],
        title=data["title"],
        issuer=data["issuer"],
        place=data["place"],
        issued_on=_date(data["issued_on"]),
        effective_on=_date(data["effective_on"]),
        signer=data["signer"],
        purposes=data["purposes"],
        requirements="\n".join(data["requirements"]),
        source=data["source"],
        source_note=data["source_note"],
    )
    change_reason(plan, "Nạp dữ liệu tham chiếu")
    plan.full_clean()
    plan.save()
    for order, basis in enumerate(data["legal_bases"], start=1):
        LegalBasis.objects.create(
            plan=plan,
            order=order,
            text=basis["text"],
            number=basis["number"],
            doc_type=basis["doc_type"],
            issued_on=_date(basis["issued_on"]),
            issuer=basis["issuer"],
            title=basis["title"],
        )
    for item in data["targets"]:
        target = Target(
            plan=plan,
            **{
                k: item[k]
                for k in (
                    "number",
                    "part",
                    "source_text",
                    "quantity",
                    "comparator",
                    "unit",
                    "kind",
                    "baseline_year",
                    "scope_levels",
                    "scope_note",
                    "indicator_code",
                )
            },
        )
        target.full_clean()
        target.save()
        for threshold in item["thresholds"]:
            TargetThreshold.objects.create(
                target=target,
                tier=threshold["tier"],
                value=Decimal(threshold["value"]),
                upper=Decimal(threshold["upper"]) if threshold.get("upper") else None,
            )
    orders: dict[str, int] = {}
    for item in data["tasks"]:
        orders[item["area"]] = orders.get(item["area"], 0) + 1
        Task.objects.create(
            plan=plan, area=areas[item["area"]], order=orders[item["area"]], text=item["text"]
        )
    result.created += 1
    return result

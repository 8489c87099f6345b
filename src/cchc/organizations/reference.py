"""Bundled agency list of Lai Châu (src/cchc/data/laichau_agencies_2022.csv), with the source
of every row. Loading is idempotent: a row is created when its code is missing. A row that
exists is left as it is (the reform office may have renamed or ended it since), unless
`update=True` asks to bring it back to the file."""

from __future__ import annotations

import csv
import unicodedata
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction

from cchc.core.reference import DATA_DIR, LoadResult
from cchc.core.services import change_reason
from cchc.organizations.models import Agency, AgencyLevel

AGENCIES_FILE = DATA_DIR / "laichau_agencies_2022.csv"
REQUIRED_COLUMNS = ("code", "name", "level", "parent_code", "source_url")


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in REQUIRED_COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise ValidationError(f"{path.name}: thiếu cột {', '.join(missing)}.")
        rows = [
            {k: unicodedata.normalize("NFC", (v or "").strip()) for k, v in row.items()}
            for row in reader
        ]
    errors = []
    codes = set()
    for line, row in enumerate(rows, start=2):
        if not row["code"] or not row["name"]:
            errors.append(f"{path.name}, dòng {line}: thiếu mã hoặc tên.")
        if row["level"] not in AgencyLevel.values:
            errors.append(
                f"{path.name}, dòng {line}, cột level: cấp “{row['level']}” không hợp lệ."
            )
        if row["code"] in codes:
            errors.append(f"{path.name}, dòng {line}, cột code: mã “{row['code']}” bị trùng.")
        codes.add(row["code"])
    known = codes | set(Agency.objects.values_list("code", flat=True))
    for line, row in enumerate(rows, start=2):
        if row["parent_code"] and row["parent_code"] not in known:
            errors.append(
                f"{path.name}, dòng {line}, cột parent_code: không có cơ quan mã "
                f"“{row['parent_code']}”."
            )
    if errors:
        raise ValidationError(errors)
    return rows


@transaction.atomic
def load_agencies(path: Path = AGENCIES_FILE, *, update: bool = False) -> LoadResult:
    rows = _read(path)
    result = LoadResult(name="Cơ quan, đơn vị")
    existing = {a.code: a for a in Agency.objects.all()}
    # Parents before children: the file lists them in that order, but do not rely on it.
    depth = {AgencyLevel.PROVINCE: 0, AgencyLevel.DEPARTMENT: 1, AgencyLevel.DISTRICT: 1,
             AgencyLevel.COMMUNE: 2}  # fmt: skip
    for row in sorted(rows, key=lambda r: depth[AgencyLevel(r["level"])]):
        wanted = {
            "name": row["name"],
            "level": row["level"],
            "parent": existing.get(row["parent_code"]) if row["parent_code"] else None,
            "source": f"{path.name} (dữ liệu tham chiếu kèm theo hệ thống)",
            "source_url": row["source_url"],
        }
        agency = existing.get(row["code"])
        if agency is None:
            agency = Agency(code=row["code"], **wanted)
            change_reason(agency, "Nạp dữ liệu tham chiếu")
            agency.full_clean()
            agency.save()
            existing[agency.code] = agency
            result.created += 1
        elif update and any(getattr(agency, k) != v for k, v in wanted.items()):
            for k, v in wanted.items():
                setattr(agency, k, v)
            change_reason(agency, "Cập nhật từ dữ liệu tham chiếu")
            agency.full_clean()
            agency.save()
            result.updated += 1
        else:
            result.unchanged += 1
    return result

"""Recompute the dossier-based targets from the open data with DuckDB alone, and compare them
with the published figures.

    python recompute_targets.py HO_SO_DIR [--so-sanh chi-tieu-theo-co-quan.parquet]

HO_SO_DIR is a year's dossier facts unpacked from /cong-khai/du-lieu-mo/<năm>/ho-so.zip (its
nam=YYYY/thang=MM/ folders and tu-dien-du-lieu.json). The computation is the SQL beside this
file (recompute_targets.sql), written from the indicators' definitions in docs/kpi/; this
runner only sets its two variables, prints the result and, with --so-sanh, the rows where the
published table (the same year's chi-tieu-theo-co-quan.parquet) says otherwise. Exit status 1
when any figure differs. Needs only `pip install duckdb`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import duckdb

SQL = Path(__file__).with_name("recompute_targets.sql").read_text(encoding="utf-8")
KEY = ("ma_chi_so", "thang", "pham_vi", "cap", "ma_co_quan")


def connect(ho_so: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute("SET VARIABLE ho_so = ?", [str(ho_so / "**" / "*.parquet")])
    con.execute("SET VARIABLE tu_dien = ?", [str(ho_so / "tu-dien-du-lieu.json")])
    return con


def recompute(ho_so: Path) -> list[tuple]:
    """(ma_chi_so, thang, pham_vi, cap, ma_co_quan, tu_so, mau_so, gia_tri) rows."""
    return connect(ho_so).sql(SQL).fetchall()


def differences(ho_so: Path, published: Path) -> list[tuple]:
    """The published rows of the recomputed indicators (denominator > 0) and the recomputed
    rows of the scopes the publication has (agencies, tiers, province) that do not match one
    another: (side, key…, tu_so, mau_so, gia_tri)."""
    con = connect(ho_so)
    con.execute(f"CREATE TEMP TABLE tinh_lai AS {SQL}")
    con.execute("SET VARIABLE cong_bo = ?", [str(published)])
    return con.sql(
        """
        WITH cong_bo AS (
            SELECT ma_chi_so, thang, pham_vi, cap, ma_co_quan, tu_so, mau_so,
                   gia_tri::DECIMAL(12, 2) AS gia_tri
            FROM read_parquet(getvariable('cong_bo'))
            WHERE ma_chi_so IN (SELECT DISTINCT ma_chi_so FROM tinh_lai) AND mau_so > 0
        )
        (SELECT 'cong_bo' AS ben, * FROM cong_bo EXCEPT SELECT 'cong_bo', * FROM tinh_lai)
        UNION ALL
        (SELECT 'tinh_lai', * FROM tinh_lai t
         WHERE EXISTS (SELECT 1 FROM cong_bo c
                       WHERE c.ma_chi_so = t.ma_chi_so AND c.pham_vi = t.pham_vi)
         EXCEPT SELECT 'tinh_lai', * FROM cong_bo)
        ORDER BY 2, 3, 4, 5, 6, 1
        """
    ).fetchall()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("ho_so", type=Path, help="thư mục dữ liệu hồ sơ của một năm")
    parser.add_argument("--so-sanh", type=Path, help="chi-tieu-theo-co-quan.parquet cùng năm")
    args = parser.parse_args(argv)
    for row in recompute(args.ho_so):
        print(*("" if v is None else v for v in row), sep="\t")
    if args.so_sanh is None:
        return 0
    diff = differences(args.ho_so, args.so_sanh)
    for row in diff:
        print("KHÁC", *("" if v is None else v for v in row), sep="\t", file=sys.stderr)
    print(f"{len(diff)} dòng khác với số liệu đã công bố.", file=sys.stderr)
    return 1 if diff else 0


if __name__ == "__main__":
    sys.exit(main())

"""Build src/cchc/data/reorg2025/laichau_reorganisation_2025.csv, the events file the product
loads (`organizations.reorganisation`), from the research files beside it in `sources/`
(one row per new commune with its predecessors; one row per former department or district).

Run again after the sources change: `python scripts/build_reorg2025.py`. What the script
decides, and why, is written into each row's note; nothing is added that the sources do not
say, except the codes of new units (NQ1670-NN: the clause of Resolution 1670 that forms them,
not a national administrative code) and the weights (the number of a district's former
communes that went to each successor)."""

from __future__ import annotations

import csv
import re
from collections import Counter
from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "src" / "cchc" / "data"
SOURCES = DATA / "reorg2025" / "sources"
OUT = DATA / "reorg2025" / "laichau_reorganisation_2025.csv"
RESOLUTION = "Nghị quyết 1670/NQ-UBTVQH15 ngày 16/06/2025"
# The resolution spells six communes otherwise than the 2022 list (sources/README.md):
# the events keep the resolution's spelling; the list knows both (laichau_name_variants.csv).
RESOLUTION_SPELLING = {
    "Xã Ma Ly Pho": "Xã Ma Li Pho", "Xã Tông Qua Lìn": "Xã Tung Qua Lìn",
    "Xã Phăng Xô Lin": "Xã Phăng Sô Lin", "Xã Pa Vệ Sử": "Xã Pa Vệ Sủ",
    "Xã Kan Hồ": "Xã Can Hồ", "Xã Lả Nhì Thàng": "Xã Lản Nhì Thàng",
}  # fmt: skip
DEPARTMENTS_ON = "01/03/2025"
DEPARTMENT_RULE = (
    "Theo mô hình chung của Nghị định 45/2025/NĐ-CP ngày 28/02/2025 (thành phần sáp nhập như "
    "các tỉnh đã công bố); chưa tìm thấy quyết định của tỉnh Lai Châu. Ngày 01/03/2025 là ngày "
    "các tỉnh khác áp dụng. Giá trị mặc định: Văn phòng CCHC đối chiếu và sửa."
)
# Former department code → (successor code, new name if the successor is new, kind, note).
DEPARTMENTS = {
    "12-SKHDT": ("12-STC", None, "Sáp nhập", ""),
    "12-SGTVT": ("12-SXD", None, "Sáp nhập", ""),
    "12-SNNPTNT": ("12-SNNMT", "Sở Nông nghiệp và Môi trường", "Sáp nhập",
                   "Sở Nông nghiệp và Môi trường của Lai Châu có trong tin bài 06/2025 và 11/2025."),
    "12-STNMT": ("12-SNNMT", "Sở Nông nghiệp và Môi trường", "Sáp nhập", ""),
    "12-STTTT": ("12-SKHCN", None, "Sáp nhập",
                 "Theo mô hình chung, mảng báo chí, xuất bản chuyển về Sở Văn hóa, Thể thao và Du lịch."),
    "12-SLDTBXH": ("12-SNV", None, "Sáp nhập",
                   "Theo mô hình chung, bảo trợ xã hội, trẻ em chuyển về Sở Y tế; giáo dục nghề "
                   "nghiệp về Sở Giáo dục và Đào tạo; giảm nghèo về Sở Nông nghiệp và Môi trường."),
    "12-BDT": ("12-SDTTG", "Sở Dân tộc và Tôn giáo", "Tổ chức lại",
               "Ngày 01/03/2025 theo tin bài về Lai Châu (Sở báo cáo đoàn công tác Bộ Dân tộc và "
               "Tôn giáo, 15/09/2025); quản lý nhà nước về tín ngưỡng, tôn giáo nhận từ Sở Nội vụ "
               "theo mô hình chung; chưa tìm thấy số quyết định."),
}  # fmt: skip
HEADER = ["Ngày hiệu lực", "Hình thức", "Cơ quan cũ", "Mã cơ quan kế thừa", "Tên cơ quan kế thừa",
          "Cấp", "Trực thuộc", "Tỷ trọng", "Căn cứ", "Nguồn", "Mức độ xác thực", "Ghi chú"]  # fmt: skip


def read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def main() -> None:
    agencies = read(DATA / "laichau_agencies_2022.csv")
    by_name = {a["name"]: a for a in agencies}
    by_code = {a["code"]: a for a in agencies}
    communes = read(SOURCES / "laichau_communes_2025.csv")
    departments = {r["old_name"]: r for r in read(SOURCES / "laichau_departments_2025.csv")}
    rows: list[list[str]] = []
    share: Counter[tuple[str, str]] = Counter()  # (district code, new unit code) → communes
    new_names: dict[str, str] = {}
    for number, unit in enumerate(communes, start=1):
        code = f"NQ1670-{number:02d}"
        name = f"{'Phường' if unit['new_type'] == 'phường' else 'Xã'} {unit['new_name']}"
        new_names[f"{unit['new_type']} {unit['new_name']}"] = code
        clause = re.search(r"Art\.1 cl\.(\d+)", unit["confidence"])
        basis = f"{RESOLUTION} (Điều 1, khoản {clause.group(1)})" if clause else RESOLUTION
        predecessors = unit["predecessors"].split(";")
        kind = "Sáp nhập" if len(predecessors) > 1 else "Tổ chức lại"
        certainty = ("Đã đối chiếu văn bản" if unit["confidence"].startswith("confirmed")
                     else "Suy ra, cần đối chiếu")  # fmt: skip
        for old in predecessors:
            share[(by_name[old]["parent_code"], code)] += 1
            note = ""
            if old in RESOLUTION_SPELLING:
                note = f"Danh mục năm 2022 viết “{old}”."
            if kind == "Tổ chức lại":
                note = "Giữ nguyên địa giới; từ 01/07/2025 trực thuộc UBND tỉnh (bỏ cấp huyện)."
            rows.append(["01/07/2025", kind, RESOLUTION_SPELLING.get(old, old), code, name,
                         "UBND cấp xã", "12", "", basis, unit["source_url"], certainty, note])  # fmt: skip
    for district in (a for a in agencies if a["level"] == "district"):
        source = departments[f"UBND {district['name']}"]
        listed = source["new_name"].split("territory now under:")[1].split(";")
        successors = [new_names[item.strip()] for item in listed]
        derived = sorted(code for (parent, code) in share if parent == district["code"])
        assert sorted(successors) == derived, (district["name"], successors, derived)
        for code in successors:
            rows.append(["01/07/2025", "Giải thể", district["name"], code, "", "", "",
                         str(share[(district["code"], code)]),
                         f"{RESOLUTION} (Điều 2, khoản 2)", source["source_url"],
                         "Đã đối chiếu văn bản",
                         "Cấp huyện kết thúc từ 01/07/2025; đơn vị kế thừa suy từ Điều 1 của nghị "
                         "quyết (có đơn vị chỉ nhận một phần địa bàn). Tỷ trọng: số xã, phường, thị "
                         "trấn cũ của huyện nhập vào đơn vị này."])  # fmt: skip
    for old_code, (new_code, new_name, kind, note) in DEPARTMENTS.items():
        source = departments[by_code[old_code]["name"]]
        rows.append([DEPARTMENTS_ON, kind, by_code[old_code]["name"], new_code, new_name or "",
                     "Sở, ban, ngành" if new_name else "", "12" if new_name else "", "",
                     "Nghị định 45/2025/NĐ-CP (mô hình chung)", source["source_url"],
                     "Suy ra, cần đối chiếu", f"{DEPARTMENT_RULE} {note}".strip()])  # fmt: skip
    with OUT.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(rows)
    print(f"{OUT.relative_to(DATA.parents[2])}: {len(rows)} dòng")


if __name__ == "__main__":
    main()

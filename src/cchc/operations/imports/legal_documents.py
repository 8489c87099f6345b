"""Legal normative documents (văn bản quy phạm pháp luật) and their checks or reviews, for
target 3. One row per document (number and date of issue identify it); the review columns are
optional: a row without them records the document only, a row with them also records (or
corrects) the review of that date. Reviews loaded earlier with other dates are kept."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from cchc.core.formatting import format_date
from cchc.core.tabular import cells as f
from cchc.core.tabular.columns import Column, RowError
from cchc.operations.imports.base import Importer, WriteResult, first_of_month
from cchc.operations.models import ImportKind, LegalDocument, LegalReview, ReviewFinding

FINDING_WORDS = {
    **{finding.value: finding.value for finding in ReviewFinding},
    **{str(finding.label).lower(): finding.value for finding in ReviewFinding},
    "không phát hiện": ReviewFinding.NONE, "không": ReviewFinding.NONE,
    "phù hợp": ReviewFinding.NONE, "không có vấn đề": ReviewFinding.NONE,
    "trái luật": ReviewFinding.UNLAWFUL, "không phù hợp": ReviewFinding.UNSUITABLE,
    "không còn phù hợp với thực tế": ReviewFinding.UNSUITABLE,
}  # fmt: skip
REVIEW_KEYS = ("finding", "handling", "handled_on")


class LegalDocumentImporter(Importer):
    kind = ImportKind.LEGAL_DOCUMENTS
    title = "Văn bản QPPL và kết quả kiểm tra, rà soát"
    natural_key = ("number", "issued_on")
    columns = [
        Column("agency", "Cơ quan ban hành", f.text,
               aliases=("Mã cơ quan", "Cơ quan tham mưu", "Cơ quan ban hành / tham mưu", "MaCoQuan"),
               help="Mã (hoặc đúng tên) cơ quan ban hành hoặc tham mưu ban hành", example="12-STP"),
        Column("number", "Số, ký hiệu", f.text_for(LegalDocument, "number"), aliases=("Số ký hiệu", "Số hiệu", "SoKyHieu"),
               example="12/2022/QĐ-UBND"),
        Column("doc_type", "Loại văn bản", f.text_for(LegalDocument, "doc_type"), aliases=("Loại", "LoaiVanBan"),
               help="Nghị quyết, Quyết định, Chỉ thị…", example="Quyết định"),
        Column("title", "Trích yếu", f.text, aliases=("Tên văn bản", "Trích yếu nội dung", "TrichYeu"),
               example="Quy định chức năng, nhiệm vụ của Sở Tư pháp"),
        Column("issued_on", "Ngày ban hành", f.day, aliases=("NgayBanHanh",),
               help="dd/mm/yyyy", example="15/03/2022"),
        Column("reviewed_on", "Ngày rà soát", f.day, required=False,
               aliases=("Ngày kiểm tra, rà soát", "Ngày kiểm tra", "NgayRaSoat"),
               help="dd/mm/yyyy; trống: chưa kiểm tra, rà soát", example="20/04/2022"),
        Column("finding", "Kết quả rà soát", f.choice(FINDING_WORDS, "kết quả rà soát"),
               required=False, aliases=("Kết quả", "Kết quả kiểm tra, rà soát", "KetQua"),
               help="Không phát hiện, Chồng chéo, Mâu thuẫn, Trái pháp luật, Hết hiệu lực "
                    "hoặc Không còn phù hợp; bắt buộc khi có ngày rà soát",
               example="Không phát hiện"),
        Column("handling", "Hình thức xử lý", f.text, required=False, aliases=("Xử lý", "HinhThucXuLy"),
               help="Sửa đổi, bổ sung, thay thế, bãi bỏ…", example=""),
        Column("handled_on", "Ngày xử lý", f.day, required=False, aliases=("NgayXuLy",),
               help="dd/mm/yyyy", example=""),
    ]  # fmt: skip

    def resolve(self, rows: list[dict]) -> list[RowError]:
        titles = {c.key: c.title for c in self.columns}
        errors = self.resolve_agencies(rows)
        errors += self.outside_life(rows, "issued_on", what="văn bản ban hành ngày")
        errors += self.foreign_records(
            rows, LegalDocument, key=("number", "issued_on"), column=titles["number"]
        )
        today = timezone.localdate()
        for row in rows:
            line = row["_row"]
            row["handling"] = row.get("handling") or ""
            for key in ("issued_on", "reviewed_on", "handled_on"):
                if row.get(key) and row[key] > today:
                    errors.append(
                        RowError(line, titles[key], f"ngày {format_date(row[key])} chưa đến")
                    )
            reviewed = row.get("reviewed_on")
            if reviewed is None:
                for key in REVIEW_KEYS:
                    if row.get(key):
                        errors.append(
                            RowError(
                                line, titles[key], "có kết quả, xử lý nhưng thiếu ngày rà soát"
                            )
                        )
                        break
                continue
            if row.get("finding") is None:
                errors.append(
                    RowError(line, titles["finding"], "có ngày rà soát thì phải ghi kết quả")
                )
            if reviewed < row["issued_on"]:
                errors.append(RowError(line, titles["reviewed_on"], "trước ngày ban hành"))
            if row.get("handled_on") and row["handled_on"] < reviewed:
                errors.append(RowError(line, titles["handled_on"], "trước ngày rà soát"))
        return errors

    @transaction.atomic
    def write(self, rows: list[dict], *, run) -> WriteResult:
        result = WriteResult()
        documents = {
            (d.number, d.issued_on): d
            for d in LegalDocument.objects.select_related("agency").filter(
                number__in={r["number"] for r in rows}, issued_on__in={r["issued_on"] for r in rows}
            )
        }
        reviews = {
            (r.document_id, r.reviewed_on): r
            for r in LegalReview.objects.filter(document__in=list(documents.values()))
        }
        for row in rows:
            document = documents.get((row["number"], row["issued_on"]))
            values = {"agency": row["agency"], "doc_type": row["doc_type"], "title": row["title"]}
            created = changed = False
            if document is None:
                document = LegalDocument.objects.create(
                    number=row["number"], issued_on=row["issued_on"], import_run=run, **values
                )
                created = True
            elif any(getattr(document, k) != v for k, v in values.items()):
                result.affected.agency_ids.add(document.agency_id)  # the former agency too
                for key, value in values.items():
                    setattr(document, key, value)
                document.import_run = run
                document.save()
                changed = True
            if row.get("reviewed_on"):
                review = reviews.get((document.pk, row["reviewed_on"]))
                review_values = {key: row.get(key) for key in REVIEW_KEYS}
                if review is None:
                    LegalReview.objects.create(
                        document=document, reviewed_on=row["reviewed_on"], import_run=run,
                        **review_values,
                    )  # fmt: skip
                    changed = True
                elif any(getattr(review, k) != v for k, v in review_values.items()):
                    for key, value in review_values.items():
                        setattr(review, key, value)
                    review.import_run = run
                    review.save()
                    changed = True
            if created:
                result.created += 1
            elif changed:
                result.updated += 1
            else:
                result.unchanged += 1
                continue
            result.affected.agency_ids.add(document.agency_id)
            result.affected.months.add(first_of_month(row["issued_on"]))
            if row.get("reviewed_on"):
                result.affected.months.add(first_of_month(row["reviewed_on"]))
            result.affected.years.add(row["issued_on"].year)
        return result

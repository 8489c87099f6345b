"""Dossiers pushed by the one-stop system (issue 18): a batch of records in the national
synchronisation field names (MaHoSo, MaTTHC, KenhThucHien, NgayTiepNhan, …) or the import
template's titles, checked and written by the dossier import itself — the same engine, the
same all-or-nothing, the same roll-up and figures — and recorded in the import journal."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from cchc.api.models import TokenPurpose
from cchc.api.parsers import JSONParser, Repeated
from cchc.core.formatting import format_number, format_size
from cchc.core.services import ServiceError
from cchc.core.tabular import cells
from cchc.core.tabular.columns import column_names
from cchc.core.tabular.reading import map_header
from cchc.core.text import NOT_IN_XML
from cchc.operations.imports.dossiers import DossierImporter
from cchc.operations.models import ImportKind, ImportRun, ImportStatus
from cchc.operations.services import import_create, import_execute

MAX_RECORDS = 50_000
REFUSED = gettext_lazy("Lô hồ sơ bị từ chối, chưa ghi gì.")
FILE_NAME_MAX = ImportRun._meta.get_field("file_name").max_length or 255


def run_file_name(token_name: str) -> str:
    """The import run's file name, "API <token> <time>.csv": the token's part is cut so that
    the whole fits the run's column and keeps its ".csv" (the import reads a file by its
    extension), and a slash in it cannot make a path of it."""
    tail = f" {timezone.localtime():%Y%m%d-%H%M%S}.csv"
    head = "API " + token_name.replace("/", "-").replace("\\", "-")
    return head[: FILE_NAME_MAX - len(tail)].rstrip() + tail


class PushSerializer(serializers.Serializer):
    dossiers = serializers.ListField(
        child=serializers.DictField(), allow_empty=False, max_length=MAX_RECORDS,
        help_text="Mỗi phần tử một hồ sơ, khóa là tên trường đồng bộ quốc gia hoặc tên cột "
                  "của mẫu nạp tệp.",
    )  # fmt: skip


class PushResultSerializer(serializers.Serializer):
    run = serializers.IntegerField()
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    figures_up_to_date = serializers.BooleanField()


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, dict | list):
        raise ValueError
    return str(value)


DIGITS = re.compile(r"\s*\+?0*(\d+)\s*")


def _largest(column) -> int | None:
    """The largest value a number column of the import holds (its parser's declared limit),
    None for a column that is not a number."""
    kind, limit = getattr(column.parse, "vector", (None, None))
    if kind == "integer":  # the largest allowed; none declared: what a 64-bit column holds
        return cells.WHOLE_LIMIT - 1 if limit is None else int(limit)
    if kind == "money" and limit is not None:  # the first refused
        return int(limit) - 1
    return None


NUMBER_LIMITS = {c.key: n for c in DossierImporter.columns if (n := _largest(c)) is not None}


def _too_long(value: str, largest: int) -> str | None:
    """The refusal of a whole number with more digits than `largest` has (it is larger
    whatever its digits), else None. Said here, by its length, for a number of any size: the
    import's own message writes the number out."""
    if len(value) <= len(str(largest)):  # nearly every value, without a pattern
        return None
    digits = DIGITS.fullmatch(value)
    if digits is None or len(digits[1]) <= len(str(largest)):
        return None
    return _("quá lớn: số có %(n)s chữ số (tối đa %(max)s)") % {
        "n": format_number(len(digits[1]), 0), "max": format_number(largest, 0)}  # fmt: skip


def record_errors(records: list[dict], keys: list[str], *, values: bool = True) -> list[dict]:
    """What the API refuses before the import reads the batch, by record (1 = the first) and
    field: an empty record (the import would skip it as a blank line), a key given twice in one
    record, a number of more digits than its column holds and, with `values` (every value
    looked at: only when the batch's text shows one, `batch_csv`), a list or object as a
    value or a forbidden character."""
    positions, _repeated = map_header(keys, column_names(DossierImporter.columns))
    limits = {keys[i]: NUMBER_LIMITS[c] for c, i in positions.items() if c in NUMBER_LIMITS}
    errors = []
    for number, record in enumerate(records, start=1):
        if isinstance(record, Repeated):
            errors += [{"record": number, "field": key,
                        "message": _("trường này có hơn một lần trong hồ sơ")}
                       for key in record.repeated]  # fmt: skip
        # Stops at the first value that is not blank: the first, nearly always.
        if all(value is None or (isinstance(value, str) and not value.strip())
               for value in record.values()):  # fmt: skip
            errors.append({"record": number, "field": "",
                           "message": _("hồ sơ trống: không trường nào có giá trị")})  # fmt: skip
        for key, largest in limits.items():
            value = record.get(key)
            if value.__class__ in (int, str) and (too_long := _too_long(str(value), largest)):
                errors.append({"record": number, "field": key, "message": too_long})
        if not values:
            continue
        for key, value in record.items():
            if isinstance(value, dict | list):
                message = _("phải là một giá trị, không phải danh sách hay đối tượng")
            elif found := NOT_IN_XML.search(f"{key}{value}" if isinstance(value, str) else key):
                message = _("chứa ký tự không được phép (U+%(code)04X)") % {"code": ord(found[0])}
            else:
                continue
            errors.append({"record": number, "field": key, "message": message})
    return errors


# The import counts lines of the CSV the batch becomes (the header being line 1); the caller
# counts records.
LINE = re.compile(r"\bdòng (\d+)")


def _in_records(error: dict) -> str:
    """An import error's message in the batch's terms: records and fields, not the lines and
    columns of a file."""
    message = error["message"]
    if error["row"] <= 1 and message.startswith("thiếu cột bắt buộc"):
        return _("thiếu trường bắt buộc: không hồ sơ nào có trường này")
    if error["row"] <= 1 and message == "cột bị lặp lại":
        return _("trường có trong lô dưới hai tên")
    return LINE.sub(lambda m: _("hồ sơ thứ %(n)s") % {"n": int(m[1]) - 1}, message)


def batch_csv(records: list[dict]) -> tuple[str | None, list[str]]:
    """The batch as the CSV text the dossier import reads (header: every key, in order of first
    appearance), and the keys; no text when a value is a list or an object, or any key or value
    holds a forbidden character (`record_errors` then finds where)."""
    keys = list(dict.fromkeys(key for record in records for key in record))
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(keys)
    for record in records:
        try:
            writer.writerow([_cell(record.get(key)) for key in keys])
        except ValueError:
            return None, keys
    text = buffer.getvalue()
    return (None if NOT_IN_XML.search(text) else text), keys


def _field_names(keys: list[str]) -> dict[str, str]:
    """Each column's title → the key the batch gave it, so errors name the caller's field."""
    names = {}
    for column in DossierImporter.columns:
        for name in (column.title, column.key, *column.aliases):
            if name in keys:
                names[column.title] = name
                break
    return names


class DossierPush(APIView):
    """Push a batch of dossiers (all or nothing). The same batch again changes nothing. A
    rejected batch answers 400 with every error: the record (1 = the first of the batch), the
    field as the batch named it, the Vietnamese message."""

    purpose = TokenPurpose.PUSH_DOSSIERS
    parser_classes = [JSONParser]

    @extend_schema(
        request=PushSerializer,
        responses={200: PushResultSerializer},
        examples=[OpenApiExample("Một hồ sơ", value={"dossiers": [{
            "MaHoSo": "000.00.12.H33-250105-0001", "MaTTHC": "1.001234", "MaDonVi": "12-STP",
            "KenhThucHien": 2, "NgayTiepNhan": "20250105083000", "NgayHenTra": "20250110170000",
            "NgayKetThucXuLy": "20250109150000", "TrangThaiHoSo": "Đã giải quyết",
            "DuocThanhToanTrucTuyen": True}]})],
        extensions={"x-token-purpose": TokenPurpose.PUSH_DOSSIERS.value},
    )  # fmt: skip
    def post(self, request):
        # The batch's shape is checked by hand: a serializer would walk 10.000 dicts to
        # copy them (`PushSerializer` documents the shape); the cells are the import's.
        records = request.data.get("dossiers") if isinstance(request.data, dict) else None
        if not isinstance(records, list) or not records or len(records) > MAX_RECORDS:
            return Response({"dossiers": [_("Cần một danh sách từ 1 đến %(n)s hồ sơ.")
                                          % {"n": f"{MAX_RECORDS:,}".replace(",", ".")}]},
                            status=status.HTTP_400_BAD_REQUEST)  # fmt: skip
        if not all(isinstance(r, dict) for r in records):
            return Response({"dossiers": [_("Mỗi hồ sơ là một đối tượng JSON.")]},
                            status=status.HTTP_400_BAD_REQUEST)  # fmt: skip
        if isinstance(request.data, Repeated):
            return Response({"detail": _("Khóa “%(key)s” có hơn một lần trong nội dung.")
                             % {"key": request.data.repeated[0]}},
                            status=status.HTTP_400_BAD_REQUEST)  # fmt: skip
        text, keys = batch_csv(records)
        if errors := record_errors(records, keys, values=text is None):
            return Response({"detail": REFUSED, "errors": errors},
                            status=status.HTTP_400_BAD_REQUEST)  # fmt: skip
        assert text is not None  # a batch without text has errors
        content = text.encode()
        if len(content) > settings.IMPORT_MAX_BYTES:  # the import's limit, said of a batch
            return Response({"detail": _(
                "Lô hồ sơ quá lớn: %(n)s hồ sơ thành %(size)s dữ liệu, tối đa %(most)s; hãy "
                "chia thành các lô nhỏ hơn. Chưa ghi gì."
            ) % {"n": format_number(len(records), 0), "size": format_size(len(content)),
                 "most": format_size(settings.IMPORT_MAX_BYTES)}},
                status=status.HTTP_400_BAD_REQUEST)  # fmt: skip
        name = run_file_name(request.user.token.name)
        try:
            run = import_create(actor=request.user, kind=ImportKind.DOSSIERS, file_name=name,
                                content=content, queue=False)  # fmt: skip
        except ServiceError as exc:
            return Response({"detail": " ".join(exc.messages)}, status=status.HTTP_400_BAD_REQUEST)
        run = import_execute(run, caller=request.user)
        if run.status == ImportStatus.REJECTED:
            fields = _field_names(keys)
            errors = [
                {"record": max(e["row"] - 1, 0), "field": fields.get(e["column"], e["column"]),
                 "message": _in_records(e)}
                for e in run.errors
            ]  # fmt: skip
            return Response(
                {"detail": REFUSED, "run": run.pk, "errors": errors},
                status=status.HTTP_400_BAD_REQUEST,
            )
        if run.status != ImportStatus.DONE:
            return Response({"detail": _("Lỗi hệ thống khi ghi lô hồ sơ; chưa ghi gì."), "run": run.pk},
                            status=status.HTTP_500_INTERNAL_SERVER_ERROR)  # fmt: skip
        return Response(
            PushResultSerializer(
                {
                    "run": run.pk,
                    "created": run.rows_created,
                    "updated": run.rows_updated,
                    "unchanged": run.rows_unchanged,
                    "figures_up_to_date": run.figures_pending is None,
                }
            ).data
        )

"""Dossiers pushed by the one-stop system (issue 18): a batch of records in the national
synchronisation field names (MaHoSo, MaTTHC, KenhThucHien, NgayTiepNhan, …) or the import
template's titles, checked and written by the dossier import itself — the same engine, the
same all-or-nothing, the same roll-up and figures — and recorded in the import journal."""

from __future__ import annotations

import csv
import io
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from cchc.api.models import TokenPurpose
from cchc.core.services import ServiceError
from cchc.operations.imports.dossiers import DossierImporter
from cchc.operations.models import ImportKind, ImportStatus
from cchc.operations.services import import_create, import_execute

MAX_RECORDS = 50_000


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


def batch_csv(records: list[dict]) -> tuple[bytes, list[str]]:
    """The batch as the CSV the dossier import reads (header: every key, in order of first
    appearance), and the keys."""
    keys: list[str] = []
    seen: set[str] = set()
    for record in records:
        for key in record:
            if key not in seen:
                seen.add(key)
                keys.append(key)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(keys)
    for record in records:
        writer.writerow([_cell(record.get(key)) for key in keys])
    return buffer.getvalue().encode(), keys


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
        try:
            content, keys = batch_csv(records)
        except ValueError:
            return Response({"detail": _("Giá trị của một trường không được là danh sách hay đối tượng.")},
                            status=status.HTTP_400_BAD_REQUEST)  # fmt: skip
        token = request.user.token
        name = f"API {token.name} {timezone.localtime():%Y%m%d-%H%M%S}.csv"
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
                 "message": e["message"]}
                for e in run.errors
            ]  # fmt: skip
            return Response(
                {"detail": _("Lô hồ sơ bị từ chối, chưa ghi gì."), "run": run.pk, "errors": errors},
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

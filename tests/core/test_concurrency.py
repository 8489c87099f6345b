"""core.concurrency: the version token survives the round trip through a page and the
database to the microsecond, and `claim` is a compare-and-set."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction

from cchc.core.concurrency import VersionedForm, claim, parse_version, stale_message, version_of
from cchc.core.services import audited_save
from cchc.organizations.models import Agency

pytestmark = pytest.mark.django_db


class NameForm(VersionedForm, forms.Form):
    name = forms.CharField()


def _stp() -> Agency:
    return Agency.objects.get(code="12-STP")


def test_the_token_read_back_from_the_database_is_the_one_written():
    agency = _stp()
    agency.updated_at = datetime(2026, 12, 6, 4, 21, 34, 123456, tzinfo=UTC)
    Agency.objects.filter(pk=agency.pk).update(updated_at=agency.updated_at)
    token = version_of(_stp())
    assert token == "2026-12-06T04:21:34.123456+00:00"
    assert parse_version(token) == agency.updated_at
    assert Agency.objects.filter(pk=agency.pk, updated_at=parse_version(token)).exists()


@pytest.mark.parametrize("token", ["", "2026-12-06", "2026-12-06T04:21:34", "abc"])
def test_a_missing_naive_or_garbled_token_is_refused_by_the_form(token):
    form = NameForm({"name": "x", "version": token}, editing=_stp())
    assert not form.is_valid()
    assert form.errors["version"] == ["Trang đã cũ: hãy tải lại trang rồi nhập lại."]


def test_claim_moves_the_version_once_and_refuses_the_second_holder(reform_office):
    agency = _stp()
    read = parse_version(version_of(agency))
    with transaction.atomic():
        claim(agency, read, subject="Sở Tư pháp")
        agency.name = "Sở Tư pháp (A)"
        audited_save(agency, actor=reform_office)
    assert _stp().updated_at > read
    with pytest.raises(ValidationError) as refused:
        claim(agency, read, subject="Sở Tư pháp")
    message = refused.value.messages[0]
    assert re.fullmatch(
        r"Sở Tư pháp vừa được vp cập nhật lúc \d\d:\d\d ngày \d\d/\d\d/\d{4}, sau khi bạn mở "
        r"trang\. Thay đổi của bạn chưa được lưu: hãy tải lại trang để xem bản mới rồi nhập "
        r"lại\.",
        message,
    )
    assert _stp().name == "Sở Tư pháp (A)"


def test_claim_without_a_version_does_not_check():
    agency = _stp()
    Agency.objects.filter(pk=agency.pk).update(updated_at=agency.updated_at + timedelta(1))
    claim(agency, None, subject="x")  # a writer without a form: no refusal


def test_a_deleted_row_is_named_as_deleted(reform_office):
    agency = Agency.objects.create(
        code="T-1", name="Tạm", level="commune", parent=Agency.objects.get(code="106")
    )
    read = parse_version(version_of(agency))
    agency.delete()
    with pytest.raises(ValidationError, match="Tạm đã bị xóa sau khi bạn mở trang"):
        claim(agency, read, subject="Tạm")


def test_the_message_gives_local_time_and_the_last_writer(reform_office):
    agency = _stp()
    agency.name = "Sở Tư pháp (B)"
    audited_save(agency, actor=reform_office)
    agency.updated_at = datetime(2026, 12, 6, 2, 5, tzinfo=UTC)  # 09:05 in Hà Nội
    assert "vừa được vp cập nhật lúc 09:05 ngày 06/12/2026" in stale_message(agency, subject="Sở")


def test_queryset_update_does_not_move_the_version():
    """Why ADR 0013 asks code that writes an edited table with update() to set updated_at."""
    agency = _stp()
    Agency.objects.filter(pk=agency.pk).update(name="Không đổi phiên bản")
    assert _stp().updated_at == agency.updated_at


@pytest.mark.django_db(transaction=True)
def test_two_transactions_claiming_the_same_version_at_once_one_wins():
    """Two writers in their own transactions and connections, the second claiming while
    the first holds the row uncommitted: whatever the interleaving, exactly one writes."""
    import threading

    from django.db import connection, connections

    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers with one database lock")
    from django.core.management import call_command

    call_command("load_reference_data", verbosity=0)  # a transactional test starts empty
    agency = _stp()
    read = parse_version(version_of(agency))
    first_claimed, outcome = threading.Event(), {}

    def writer(name: str, wait: threading.Event | None) -> None:
        try:
            with transaction.atomic():
                claim(agency, read, subject="Sở Tư pháp")
                Agency.objects.filter(pk=agency.pk).update(name=name)
                if wait is None:
                    first_claimed.set()
                    second.join(timeout=2)  # let the second reach the locked row
            outcome[name] = "saved"
        except ValidationError:
            outcome[name] = "refused"
        finally:
            connections.close_all()

    second = threading.Thread(target=lambda: (first_claimed.wait(), writer("B", first_claimed)))
    first = threading.Thread(target=writer, args=("A", None))
    second.start()
    first.start()
    first.join()
    second.join()
    assert outcome == {"A": "saved", "B": "refused"}
    assert _stp().name == "A"

"""A change's reason is kept whole in every history table: it is what an official typed
(reopening an assessment, revoking a token, a note on an upload). django-simple-history's
default column is varchar(100): PostgreSQL refused any longer reason with an error page,
while SQLite, which ignores the length, never showed it."""

import pytest
from django.apps import apps

from cchc.core.services import change_reason
from cchc.organizations.models import Agency


def test_every_history_table_keeps_a_reason_of_any_length():
    reasons = {
        model._meta.label: model._meta.get_field("history_change_reason").get_internal_type()
        for model in apps.get_models()
        if any(field.name == "history_change_reason" for field in model._meta.get_fields())
    }
    assert len(reasons) >= 20  # every app's audited tables
    assert {label for label, kind in reasons.items() if kind != "TextField"} == set()


@pytest.mark.django_db
def test_a_long_reason_is_stored_whole(reform_office):
    agency = Agency.objects.get(code="12-STP")
    reason = "Thu hồi vì cán bộ được giao đã chuyển công tác sang đơn vị khác; " * 5  # 335 chars
    agency._history_user = reform_office
    change_reason(agency, reason)
    agency.save()
    assert agency.history.latest().history_change_reason == reason

"""Sessions are Django's database sessions read with one hand-written statement
(cchc.core.sessions): same answers as Django's own store, on SQLite and PostgreSQL."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from cchc.core.sessions import SessionStore

pytestmark = pytest.mark.django_db


def test_the_engine_is_ours():
    assert settings.SESSION_ENGINE == "cchc.core.sessions"


def test_a_saved_session_loads_and_an_expired_or_unknown_one_does_not():
    store = SessionStore()
    store["so_lieu"] = {"thang": 7, "ten": "Sở Tư pháp"}
    store.save()
    key = store.session_key

    again = SessionStore(key)
    assert again["so_lieu"] == {"thang": 7, "ten": "Sở Tư pháp"}
    assert again.session_key == key

    Session.objects.filter(session_key=key).update(expire_date=timezone.now() - timedelta(1))
    expired = SessionStore(key)
    assert expired.load() == {}
    assert expired.session_key is None  # a new key is made on the next save

    assert SessionStore("khong-ton-tai-" + "x" * 20).load() == {}


def test_a_session_expiring_in_a_second_still_loads():
    """The cut-off compares with the stored expiry as the ORM writes it (naive UTC text on
    SQLite): a session just short of its expiry is still read."""
    store = SessionStore()
    store["a"] = 1
    store.save()
    Session.objects.filter(session_key=store.session_key).update(
        expire_date=timezone.now() + timedelta(seconds=1)
    )
    assert SessionStore(store.session_key)["a"] == 1


def test_signing_out_ends_the_session_for_a_replayed_cookie(client, dept_officer):
    client.force_login(dept_officer)
    url = reverse("indicators:dashboard")
    assert client.get(url).status_code == 200
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    client.post(reverse("logout"))
    client.cookies[settings.SESSION_COOKIE_NAME] = cookie  # the old cookie, replayed
    response = client.get(url)
    assert response.status_code == 302 and reverse("login") in response["Location"]

"""The Content-Security-Policy (core.middleware, outside review U): every response carries it,
and no template writes what it would block — an inline script or an `on…=` handler (their
work is done by static/cchc/app.js; tests/browser checks in Chromium that nothing is blocked)."""

import re
from pathlib import Path

import pytest
from django.urls import reverse

TEMPLATES = Path(__file__).resolve().parents[2] / "src" / "cchc" / "templates"
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/(?:ld\+)?json\")")
HANDLER = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)


def test_no_template_writes_a_script_or_a_handler_into_its_page():
    found = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        text = path.read_text(encoding="utf-8")
        for pattern in (INLINE_SCRIPT, HANDLER):
            found += [
                f"{path.relative_to(TEMPLATES)}: {m.group()!r}" for m in pattern.finditer(text)
            ]
    assert found == []


def test_the_patterns_find_what_they_look_for():
    assert INLINE_SCRIPT.search("<script>alert(1)</script>")
    assert not INLINE_SCRIPT.search('<script src="/static/cchc/app.js"></script>')
    assert not INLINE_SCRIPT.search('<script type="application/ld+json">{}</script>')
    assert HANDLER.search('<button onclick="x()">') and HANDLER.search("<form onSubmit='y'>")
    assert not HANDLER.search('<button data-confirm="Xóa?">')


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path", ["/cong-khai/", "/tai-khoan/dang-nhap/", "/api/v1/docs/", "/khong-co/"]
)
def test_every_response_carries_the_policy(client, path, settings):
    response = client.get(path)
    policy = response["Content-Security-Policy"]
    assert policy == settings.CONTENT_SECURITY_POLICY
    assert "script-src 'self';" in policy and "'unsafe-inline'" not in policy.split("style-src")[0]


@pytest.mark.django_db
def test_signed_in_pages_carry_it_too(client, reform_office):
    client.force_login(reform_office)
    for name in ("home", "plans:plan_create", "indicators:dashboard"):
        assert "script-src 'self'" in client.get(reverse(name))["Content-Security-Policy"]

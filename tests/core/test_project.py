"""Checks on the project as a whole: migrations, production settings."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_models_and_migrations_agree():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def test_production_settings_pass_the_deploy_check():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.prod",
        "CCHC_SECRET_KEY": "x" * 20 + "-production-like-secret-key-0123456789-abcdefghij",
        "CCHC_ALLOWED_HOSTS": "cchc.example.vn",
        "CCHC_DATABASE_URL": "sqlite:///:memory:",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_settings_refuse_a_missing_secret_key():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.prod"}
    env.pop("CCHC_SECRET_KEY", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode != 0
    assert "CCHC_SECRET_KEY" in result.stderr


def test_sqlite_lets_pages_read_while_an_import_writes(db):
    """The embedded database keeps a write-ahead log, so that a long import's transaction does
    not lock readers (the import page, the dashboard) out until it commits."""
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL readers never wait for writers")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"


def test_the_user_type_is_the_user_model():
    """`core.users.User`, the type services take for `actor`, is the model AUTH_USER_MODEL
    names: a custom user model must change that one line too (issue 21)."""
    from django.contrib.auth import get_user_model

    from cchc.core.users import User

    assert get_user_model() is User

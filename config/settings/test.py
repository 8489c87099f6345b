"""Test settings: fast hashing, plain static storage; the database comes from
CCHC_DATABASE_URL (SQLite file by default, PostgreSQL in CI's second pass)."""

import os

from .base import *  # noqa: F403
from .base import BASE_DIR, DATABASES, env

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if env("DATABASE_URL") is None:
    DATABASES["default"]["NAME"] = str(BASE_DIR / "var" / "test.sqlite3")
    # One file per run, so that runs side by side do not share (and break) one database.
    DATABASES["default"]["TEST"] = {
        "NAME": str(BASE_DIR / "var" / f"test-db-{os.getpid()}.sqlite3")
    }
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STATIC_ROOT = None  # nothing collected in tests; WhiteNoise would warn about a missing dir
# Cached page figures are keyed by a generation counter that each test's rollback resets:
# a cache kept across tests could serve one test's figures to another. The cache itself is
# tested with its own LocMem cache (tests/indicators/test_figures_cache.py).
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"},
    "progress": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                 "LOCATION": "import-progress"},
}  # fmt: skip
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

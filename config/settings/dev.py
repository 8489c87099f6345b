"""The embedded demo: SQLite, console e-mail, and DEBUG off unless told otherwise
(`CCHC_DEBUG=1`), so that a user of the demo meets the product's Vietnamese 404 and 500 pages,
not Django's English debug pages. Static files are served by WhiteNoise straight from the
source folders, so the demo needs no `collectstatic`."""

from .base import *  # noqa: F403
from .base import STORAGES, env_bool

DEBUG = env_bool("DEBUG", False)
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

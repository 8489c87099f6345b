"""Production settings without a cache: the uncached baseline of `public_page.py` (the same
pages, rendered at every request, by the same server)."""

from config.settings.prod import *  # noqa: F403

CACHES = {
    **CACHES,  # noqa: F405
    "default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"},
}

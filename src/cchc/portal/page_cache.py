"""The public pages are cached whole, as rendered, under a key made of the page's address and
the public stamp (`selectors.stamp()`, read once per request in one statement). The stamp
changes whenever a release is created or withdrawn, or anything a public page shows is edited,
so a page is never served from the cache after a withdrawal: the next request reads a new
stamp and renders again (the pattern of ADR 0005, whose counter this stamp plays the part of).
Each process may keep its own cache (the default memory cache): every process reads the same
stamp from the database."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import wraps

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.template.response import SimpleTemplateResponse

from cchc.portal import selectors

TIMEOUT = 3600  # seconds; entries of older stamps expire unread


# The query parameters a public page reads (the target page's month). Others are left out of
# the key: an address with made-up parameters is the same page, served from the same entry, so
# random query strings neither cost a render each nor fill the cache.
PARAMETERS = ("thang",)


def _key(request: HttpRequest, stamp: str) -> str:
    query = "&".join(f"{name}={request.GET.get(name, '')}" for name in PARAMETERS)
    # The host too: the Atom feed's links are absolute.
    raw = f"{request.get_host()}{request.path}?{query}|{stamp}"
    return f"cchc:public:{hashlib.sha256(raw.encode()).hexdigest()}"


def cached_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Serve the view's 200 answer to a GET from the cache; render and keep it on a miss.
    Other answers (404) are not kept."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.method not in ("GET", "HEAD"):
            return view(request, *args, **kwargs)
        key = _key(request, selectors.stamp())
        hit = cache.get(key)
        if hit is not None:
            content, content_type = hit
            response = HttpResponse(content, content_type=content_type)
            response["X-Cache"] = "hit"
            return response
        response = view(request, *args, **kwargs)
        if response.status_code == 200 and not response.streaming:
            if isinstance(response, SimpleTemplateResponse) and not response.is_rendered:
                response.render()
            cache.set(key, (response.content, response["Content-Type"]), TIMEOUT)
            response["X-Cache"] = "miss"
        return response

    return wrapper

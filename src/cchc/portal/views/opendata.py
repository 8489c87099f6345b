"""Open data (dữ liệu mở): the catalogue page, its DCAT JSON-LD, each table of a year in each
format at a stable address, the data dictionaries and the dossier facts zipped per year.
Anonymous: everything here reads only what the reform office has published
(`portal.opendata`); a year or a table nothing was published for answers 404."""

from __future__ import annotations

import json
from typing import TypeVar, cast

from django.core.cache import cache
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from cchc.portal.opendata import catalogue as cat
from cchc.portal.opendata import dossiers, files
from cchc.portal.opendata.tables import TABLES, build, state
from cchc.portal.opendata.tasks import build_dossier_zip

# Built files and the catalogue are kept under the state of what they read (`tables.state`),
# so they are rebuilt as soon as anything published changes.
CACHE_SECONDS = 24 * 3600
# Public and the same for everyone: shared caches may keep a file for a few minutes (a
# withdrawn release disappears from them within that time).
CACHE_CONTROL = "public, max-age=300"

_Response = TypeVar("_Response", bound=HttpResponseBase)  # a file or a streamed one


def _licensed(response: _Response) -> _Response:
    response["Link"] = f'<{files.LICENCE["url"]}>; rel="license"'
    response["Cache-Control"] = CACHE_CONTROL
    return response


def _catalogue(request) -> tuple[list[cat.Dataset], dict]:
    url = request.build_absolute_uri(reverse("portal:opendata_catalogue"))

    def compute():
        items = cat.datasets(request.build_absolute_uri)
        return items, cat.jsonld(items, catalogue_url=url)

    # What the cache holds under the key is what compute() built.
    found = cache.get_or_set(f"opendata:catalogue:{state()}:{url}", compute, CACHE_SECONDS)
    return cast(tuple[list[cat.Dataset], dict], found)


@require_safe
def catalogue(request):
    items, document = _catalogue(request)
    publisher = document["dct:publisher"]["foaf:name"]
    years: dict[int, list[cat.Dataset]] = {}
    for item in items:
        years.setdefault(item.year, []).append(item)
    dictionaries = [
        {"slug": t.slug, "title": t.title, "columns": t.dictionary()} for t in TABLES.values()
    ]
    dictionaries.append(
        {"slug": dossiers.SLUG, "title": dossiers.TITLE, "columns": dossiers.dictionary()}
    )
    return render(request, "portal/opendata/catalogue.html", {
        "years": years, "licence": files.LICENCE, "publisher": publisher,
        "attribution": files.attribution(publisher), "dictionaries": dictionaries,
        # Inside <script>: a text holding "</script>" must not end the element.
        "jsonld": json.dumps(document, ensure_ascii=False, indent=1).replace("</", "<\\/"),
    })  # fmt: skip


@require_safe
def catalogue_jsonld(request):
    _, document = _catalogue(request)
    response = JsonResponse(
        document, content_type="application/ld+json", json_dumps_params={"ensure_ascii": False}
    )
    return _licensed(response)


@require_safe
def table_file(request, year: int, table: str, fmt: str):
    if table not in TABLES or fmt not in files.FORMATS:
        raise Http404
    # The address without its query string: a query must not make a new cache entry.
    url = request.build_absolute_uri(request.path)

    def compute() -> bytes | None:
        built = build(TABLES[table], year)
        return None if built is None else files.render(TABLES[table], year, built, fmt, url)

    content = cache.get_or_set(f"opendata:file:{state()}:{url}", compute, CACHE_SECONDS)
    if content is None:
        raise Http404
    response = HttpResponse(content, content_type=files.FORMATS[fmt].media_type)
    response["Content-Disposition"] = f'attachment; filename="{table}-{year}.{fmt}"'
    return _licensed(response)


@require_safe
def dictionary(request, table: str):
    if table in TABLES:
        t = TABLES[table]
        title, description, columns = t.title, t.description, t.dictionary()
    elif table == dossiers.SLUG:
        title, description, columns = dossiers.TITLE, dossiers.DESCRIPTION, dossiers.dictionary()
    else:
        raise Http404
    document = {
        "bang": table, "tieu_de": title, "mo_ta": description,
        "giay_phep": files.LICENCE["name"], "giay_phep_url": files.LICENCE["url"],
        "don_vi_cong_bo": files.publisher(), "tu_dien_du_lieu": columns,
    }  # fmt: skip
    return _licensed(JsonResponse(document, json_dumps_params={"ensure_ascii": False}))


@require_safe
def dossiers_zip(request, year: int):
    """The year's dossier zip; while it is being built for the current data (by the
    background worker), 503 with Retry-After and a Vietnamese note."""
    path = dossiers.expected_zip(year)
    if path is None:
        raise Http404
    if not path.exists() and cache.add(f"opendata:building:{path.name}", True, 600):
        build_dossier_zip.enqueue(year, request.build_absolute_uri(request.path))
    if not path.exists():
        waiting = HttpResponse(
            "Tệp dữ liệu hồ sơ đang được chuẩn bị; vui lòng tải lại sau ít phút.",
            status=503, content_type="text/plain; charset=utf-8",
        )  # fmt: skip
        waiting["Retry-After"] = "60"
        return waiting
    response = FileResponse(
        path.open("rb"), as_attachment=True, filename=f"{dossiers.SLUG}-{year}.zip",
        content_type="application/zip",
    )  # fmt: skip
    return _licensed(response)

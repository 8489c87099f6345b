"""Cached figures of the target pages. The dashboard and a target's page read only stored
snapshots, yet computing them costs tens of queries; under many users that dominates. Their
rendered figures are kept in Django's cache under a key made of what they depend on: the
page, the plan or target, the month, the user's scope (the exact set of agencies, so no user
is ever served figures of a scope other than their own) and the generation counter stored in
the database, which grows whenever snapshots are refreshed or a plan, target, threshold or
agency changes. A stale entry is never read again; it simply expires."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache
from django.db import connections, router
from django.db.models import F

from cchc.indicators.models import FiguresGeneration
from cchc.organizations.scope import AgencyScope

TIMEOUT = 3600  # seconds; entries of older generations expire unread
_MISSING = object()
T = TypeVar("T")


def generation() -> int:
    """The counter, read on every page: one statement written once (the ORM's query costs
    more to build than to run; docs/benchmarks.md, dashboard)."""
    connection = connections[router.db_for_read(FiguresGeneration)]
    qn = connection.ops.quote_name
    table = qn(FiguresGeneration._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {qn('value')} FROM {table} ORDER BY {qn('id')} LIMIT 1")  # noqa: S608
        row = cursor.fetchone()
    return (row[0] if row else 0) or 0


def generation_bump() -> None:
    """Part of the caller's transaction: a rolled-back change bumps nothing."""
    if not FiguresGeneration.objects.update(value=F("value") + 1):
        FiguresGeneration.objects.create(value=1)


def scope_key(scope: AgencyScope) -> str:
    if scope.agency_ids is None:  # sees all
        return "all"
    ids = ",".join(str(i) for i in sorted(scope.agency_ids))
    return hashlib.sha256(ids.encode()).hexdigest()[:32]


def _key(kind: str, gen: int, scope: str, parts: tuple) -> str:
    raw = ":".join(str(p) for p in parts)
    return f"cchc:{kind}:{gen}:{scope}:{hashlib.sha256(raw.encode()).hexdigest()[:32]}"


def cached(
    parts: tuple, scope: AgencyScope, compute: Callable[[], T], *, gen: int | None = None
) -> T:
    """`compute()` (a rendered fragment, or any picklable value but None) for this scope, from
    the cache when this generation has it. `gen`: the generation the request read (read here
    when not given)."""
    gen = generation() if gen is None else gen
    key = _key("figures", gen, scope_key(scope), parts)
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, TIMEOUT)
    return value


def remembered(parts: tuple, compute: Callable[[], T], *, gen: int) -> T:
    """`compute()` — a value the same for every user, such as a plan or a target with its
    thresholds (picklable; None is kept too) — from the cache when generation `gen` has it.
    Only for values whose every change bumps the generation."""
    key = _key("shared", gen, "-", parts)
    value = cache.get(key, _MISSING)
    if value is _MISSING:
        value = compute()
        cache.set(key, value, TIMEOUT)
    return value

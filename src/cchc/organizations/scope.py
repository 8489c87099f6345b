"""Tenancy: the one place that says which agencies' data a user may see.

Every queryset of agency-owned data is filtered with `.visible_to(scope)`, where the scope
comes from `cchc.organizations.selectors.scope_for(user)`. Views look objects up through it,
so an object outside the scope answers 404 exactly like a missing one."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Self

from django.db import models


@dataclass(frozen=True)
class AgencyScope:
    """The agencies a user may see. `agency_ids is None` means every agency.

    `appraiser_id`, set for an appraiser, widens only what PAR INDEX querysets show: the
    assessments assigned to that user in the rounds it appraises (`parindex.models`), never
    the rest of those agencies' data."""

    agency_ids: frozenset[int] | None
    appraiser_id: int | None = None

    @classmethod
    def everything(cls) -> AgencyScope:
        return cls(agency_ids=None)

    @classmethod
    def nothing(cls) -> AgencyScope:
        return cls(agency_ids=frozenset())

    @classmethod
    def of(cls, ids: Iterable[int], *, appraiser_id: int | None = None) -> AgencyScope:
        return cls(agency_ids=frozenset(ids), appraiser_id=appraiser_id)

    @property
    def sees_all(self) -> bool:
        return self.agency_ids is None

    def contains(self, agency_id: int | None) -> bool:
        if self.agency_ids is None:
            return True
        return agency_id is not None and agency_id in self.agency_ids


class ScopedQuerySet(models.QuerySet):
    """Queryset of rows owned by an agency. Subclasses name the path to the owning agency
    in `agency_field` ("agency", "lead_agency", "assessment__agency", "pk" for Agency)."""

    agency_field = "agency"

    def visible_to(self, scope: AgencyScope) -> Self:
        if scope.sees_all:
            return self.all()
        return self.filter(**{f"{self.agency_field}__in": scope.agency_ids})

from __future__ import annotations

from datetime import date

from django.db.models import Count, Prefetch, Q

from cchc.core.users import AnyUser, User
from cchc.organizations.models import Agency, AgencyLevel, AgencySuccession, Membership, Role
from cchc.organizations.scope import AgencyScope
from cchc.organizations.succession import inherited_ids

# Roles that read the whole province. Only the reform office also writes.
PROVINCE_WIDE_ROLES = {Role.REFORM_OFFICE, Role.LEADER}

# The request's membership, remembered on its user object: an attribute of ours that Django's
# user class does not declare (hence getattr / setattr).
_MEMBERSHIP = "_cchc_membership"


def membership_of(user: AnyUser) -> Membership | None:
    """The user's membership with its agency, fetched once per request (cached on `user`;
    `backends.MembershipBackend` loads it with the user of the session)."""
    if not user.is_authenticated:
        return None
    if not hasattr(user, _MEMBERSHIP) and isinstance(user, User):
        # An account's is read once; a token's principal (an authenticated AnonymousUser) is
        # given its own when it is made.
        membership_remember(
            user, Membership.objects.select_related("agency").filter(user=user).first()
        )
    return getattr(user, _MEMBERSHIP)


def membership_remember(user: AnyUser, membership: Membership | None) -> None:
    """What `membership_of(user)` returns for the rest of the request."""
    setattr(user, _MEMBERSHIP, membership)


def scope_for(user: AnyUser) -> AgencyScope:
    """Agencies whose data `user` may see (what each may write: `access`).

    - reform office and leaders: every agency;
    - an agency officer: its agency, and for a district UBND also its communes; with the
      agencies it succeeded as their only successor (`succession.inherited_ids`: a commune
      formed in 2025 reads the records of the communes merged into it);
    - an appraiser: its own agency; and, in PAR INDEX querysets only, the assessments assigned
      to it in the rounds it appraises (`appraiser_id`) — not the rest of those agencies' data;
    - anyone without a membership (even a superuser): nothing — access comes from a role.
    """
    return _scope_and_inherited(user)[0]


def _scope_and_inherited(user) -> tuple[AgencyScope, frozenset[int]]:
    """`scope_for(user)` and the agencies it includes by succession, worked out once per
    membership (remembered on `user` for the request, like the membership itself): a page
    asks for the scope several times, and an officer's takes a query or two."""
    membership = membership_of(user)
    if membership is None:
        return AgencyScope.nothing(), frozenset()
    if membership.role in PROVINCE_WIDE_ROLES:
        return AgencyScope.everything(), frozenset()
    remembered = getattr(user, "_cchc_scope", None)
    if remembered is not None and remembered[0] is membership:
        return remembered[1], remembered[2]
    agency = membership.agency
    ids = {agency.pk}
    inherited: set[int] = set()
    if membership.role == Role.AGENCY_OFFICER and agency.level == AgencyLevel.DISTRICT:
        ids.update(Agency.objects.filter(parent=agency).values_list("pk", flat=True))
    if membership.role == Role.AGENCY_OFFICER:
        inherited = inherited_ids(ids)
        ids.update(inherited)
    if membership.role == Role.APPRAISER:
        scope = AgencyScope.of(ids, appraiser_id=user.pk)
    else:
        scope = AgencyScope.of(ids)
    user._cchc_scope = (membership, scope, frozenset(inherited))  # type: ignore[union-attr]
    return scope, frozenset(inherited)


def inherited_agencies(user: AnyUser) -> list[Agency]:
    """The agencies whose records an agency officer reads as their only successor (a new
    commune's merged predecessors), so that a page can say its figures include them."""
    inherited = _scope_and_inherited(user)[1]
    return list(Agency.objects.filter(pk__in=inherited).order_by("name")) if inherited else []


def is_reform_office(user: AnyUser) -> bool:
    membership = membership_of(user)
    return membership is not None and membership.role == Role.REFORM_OFFICE


def agency_tree(*, scope: AgencyScope, on: date | None = None) -> list[Agency]:
    """Agencies in scope ordered as a tree (province, its departments and districts, each
    district's communes), with `depth` and `child_count` set. `on` keeps only those active
    that day; None keeps all, ended ones included."""
    if on is None:
        qs = Agency.objects.visible_to(scope).annotate(child_count=Count("children"))
    else:
        active_child = (Q(children__valid_from__isnull=True) | Q(children__valid_from__lte=on)) & (
            Q(children__valid_to__isnull=True) | Q(children__valid_to__gte=on)
        )
        qs = (
            Agency.objects.visible_to(scope)
            .active_on(on)
            .annotate(child_count=Count("children", filter=active_child))
        )
    agencies = list(qs.select_related("parent"))
    by_parent: dict[int | None, list[Agency]] = {}
    present = {a.pk for a in agencies}
    for agency in agencies:
        # A root here is an agency whose parent is outside the visible set.
        key = agency.parent_id if agency.parent_id in present else None
        by_parent.setdefault(key, []).append(agency)
    level_order = {level: i for i, level in enumerate(AgencyLevel.values)}
    for children in by_parent.values():
        children.sort(key=lambda a: (level_order[a.level], a.code))
    ordered: list[Agency] = []

    def walk(parent_id: int | None, depth: int) -> None:
        for agency in by_parent.get(parent_id, []):
            agency.depth = depth  # type: ignore[attr-defined]
            ordered.append(agency)
            walk(agency.pk, depth + 1)

    walk(None, 0)
    return ordered


def agency_detail(*, scope: AgencyScope, pk: int) -> Agency:
    """One agency in scope, with its relations; raises Agency.DoesNotExist otherwise.
    Children are filtered by the same scope, so a page never lists what it cannot open."""
    return (
        Agency.objects.visible_to(scope)
        .select_related("parent")
        .prefetch_related(
            Prefetch("children", queryset=Agency.objects.visible_to(scope).order_by("code")),
            Prefetch("successions", queryset=AgencySuccession.objects.select_related("successor")),
            Prefetch(
                "predecessions", queryset=AgencySuccession.objects.select_related("predecessor")
            ),
            Prefetch("memberships", queryset=Membership.objects.select_related("user")),
        )
        .get(pk=pk)
    )


def province_of(agency: Agency | None = None) -> Agency | None:
    """The province an agency belongs to (walking up its parents); the province of the data
    when no agency is given; None when there is none."""
    if agency is None:
        return Agency.objects.filter(level=AgencyLevel.PROVINCE, parent__isnull=True).first()
    province: Agency | None = agency
    while province is not None and province.level != AgencyLevel.PROVINCE:
        province = province.parent
    return province


def province_place(agency: Agency | None = None) -> str:
    """The province's name as a document writes its place ("Lai Châu, ngày …") and its
    letterhead ("UBND TỈNH LAI CHÂU"): "Lai Châu" of "Tỉnh Lai Châu (UBND tỉnh)". The province
    of `agency` (walking up its parents), or the province of the data when none is given; ""
    when there is none. Never a constant: the product serves any province (issue 21)."""
    province = province_of(agency)
    if province is None:
        return ""
    name = province.name.split("(")[0].strip()
    for word in ("Tỉnh ", "tỉnh ", "Thành phố ", "thành phố "):
        name = name.removeprefix(word)
    return name.strip()

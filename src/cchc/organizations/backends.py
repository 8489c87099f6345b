"""Authentication backend: Django's ModelBackend, but the user of a session comes with its
membership and agency in the same query. Every page reads the user's scope from the
membership (`selectors.membership_of`), so this saves a query on every request.

The query is written once per process from the models' own fields and read with
`Model.from_db`, as the ORM does: building it with the ORM on every request cost ~1 ms of a
page's ~5 ms (compiling a three-table `select_related`), which under 50 concurrent users is
throughput the dashboard needs (docs/benchmarks.md)."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError
from django.db import connections, router

from cchc.organizations.models import Agency, Membership
from cchc.organizations.selectors import membership_remember


@lru_cache(maxsize=32)
def _user_query(
    connection,
) -> tuple[str, list[tuple[type, list[str], int]], Callable[[tuple], list]]:
    """For one database connection: SQL reading a user, its membership and the membership's
    agency (LEFT JOINs: a user without a membership still signs in and sees nothing); for each
    model the attribute names of its columns in the order selected and the position of its
    primary key among them; a function applying the database converters the ORM would
    (SQLite returns dates as text, booleans as 0/1)."""
    user_model = get_user_model()
    qn = connection.ops.quote_name
    parts = []
    cols = []
    for model, alias in ((user_model, "u"), (Membership, "m"), (Agency, "a")):
        fields = model._meta.concrete_fields
        names = [f.attname for f in fields]
        parts.append((model, names, names.index(model._meta.pk.attname)))
        cols += [f.get_col(alias) for f in fields]
    user_pk = qn(user_model._meta.pk.column)
    membership_user = qn(Membership._meta.get_field("user").column)
    membership_agency = qn(Membership._meta.get_field("agency").column)
    select = ", ".join(f"{c.alias}.{qn(c.target.column)}" for c in cols)
    tables = (
        f"{qn(user_model._meta.db_table)} u "
        f"LEFT JOIN {qn(Membership._meta.db_table)} m ON m.{membership_user} = u.{user_pk} "
        f"LEFT JOIN {qn(Agency._meta.db_table)} a "
        f"ON a.{qn(Agency._meta.pk.column)} = m.{membership_agency}"
    )
    # Names from the models' metadata, quoted; the one value is a parameter.
    sql = f"SELECT {select} FROM {tables} WHERE u.{user_pk} = %s"  # noqa: S608
    compiler = user_model._default_manager.none().query.get_compiler(connection=connection)
    converters = compiler.get_converters(cols)

    def convert(row: tuple) -> list:
        return next(compiler.apply_converters([row], converters))

    return sql, parts, convert


class MembershipBackend(ModelBackend):
    def get_user(self, user_id):
        user_model = get_user_model()
        try:
            user_id = user_model._meta.pk.to_python(user_id)
        except ValidationError:  # a session naming no valid key has no user
            return None
        alias = router.db_for_read(user_model)
        connection = connections[alias]
        sql, parts, convert = _user_query(connection)
        with connection.cursor() as cursor:
            cursor.execute(sql, [user_id])
            row = cursor.fetchone()
        if row is None:
            return None
        row = convert(row)
        instances = []
        start = 0
        for model, names, pk_at in parts:
            values = row[start : start + len(names)]
            start += len(names)
            present = values[pk_at] is not None  # LEFT JOIN
            instances.append(model.from_db(alias, names, values) if present else None)
        user, membership, agency = instances
        if not self.user_can_authenticate(user):
            return None
        # What select_related("membership__agency") would have cached on each side.
        user_model._meta.get_field("membership").set_cached_value(user, membership)
        if membership is not None:
            Membership._meta.get_field("user").set_cached_value(membership, user)
            Membership._meta.get_field("agency").set_cached_value(membership, agency)
        membership_remember(user, membership)
        return user

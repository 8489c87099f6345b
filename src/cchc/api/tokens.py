"""Issuing, checking and revoking API tokens, and the principal a token stands for."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cchc.api.models import ApiToken, TokenPurpose
from cchc.core.services import ServiceError, audited_save
from cchc.core.users import User
from cchc.organizations.access import DataKind, require_write
from cchc.organizations.models import Agency, AgencyLevel, Membership, Role
from cchc.organizations.selectors import membership_of, membership_remember

PREFIX_BYTES = 6
SECRET_BYTES = 32
# A used token's "last used" is written at most this often (seconds): not a write per request.
LAST_USED_EVERY = 60


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def token_issue(
    *, actor: User, agency: Agency, purpose: str, name: str, expires_at: datetime
) -> tuple[ApiToken, str]:
    """A new token and its text, which is shown once and never stored."""
    require_write(actor, DataKind.AGENCIES, action=_("cấp mã truy cập API"))
    if expires_at <= timezone.now():
        raise ServiceError(_("Ngày hết hạn phải sau hôm nay."))
    if not agency.is_active_on(timezone.localdate()):
        raise ServiceError(_("“%(name)s” không còn hoạt động.") % {"name": agency})
    prefix = secrets.token_hex(PREFIX_BYTES)
    text = f"cchc_{prefix}_{secrets.token_urlsafe(SECRET_BYTES)}"
    name = " ".join(name.split())
    token = ApiToken(
        agency=agency, purpose=purpose, name=name, prefix=prefix, key_hash=_hash(text),
        expires_at=expires_at, created_by=actor,
    )  # fmt: skip
    if purpose in WRITES_AS_ACCOUNT:
        token.account = _account(prefix=prefix, name=name, agency=agency)
    audited_save(token, actor=actor, reason=_("Cấp mã truy cập"))
    return token, text


# Purposes whose writes name their author (a progress report's reporter): such a token writes
# as an account of its own (ADR 0026).
WRITES_AS_ACCOUNT = {TokenPurpose.REPORT_PROGRESS}


def _account(*, prefix: str, name: str, agency: Agency) -> User:
    """The account a writing token's records name: inactive and without a password (nobody
    signs in with it), and without a membership row — its role is the token's, remembered for
    each request (`token_account`)."""
    user = get_user_model()(
        username=f"api-{prefix}", first_name=f"Mã API “{name}”"[:150],
        last_name=f"({agency.code})"[:150], is_active=False,
    )  # fmt: skip
    user.set_unusable_password()
    user.save()
    return user


def token_account(user: TokenUser) -> User:
    """The account a writing token's request writes as, holding the token's role for this
    request: what the pages' services take as their actor."""
    account = user.token.account
    if account is None:
        raise PermissionDenied(_("Mã truy cập này không được cấp cho thao tác này."))
    membership_remember(account, membership_of(user))
    return account


@transaction.atomic
def token_revoke(*, actor: User, token: ApiToken, reason: str) -> ApiToken:
    require_write(actor, DataKind.AGENCIES, action=_("thu hồi mã truy cập API"))
    reason = " ".join(reason.split())
    if not reason:
        raise ServiceError(_("Hãy ghi lý do thu hồi."))
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is not None:
        raise ServiceError(_("Mã này đã bị thu hồi."))
    token.revoked_at, token.revoke_reason = timezone.now(), reason
    audited_save(token, actor=actor, reason=_("Thu hồi: %(r)s") % {"r": reason})
    return token


def token_find(text: str) -> ApiToken | None:
    """The usable token whose text this is, else None (unknown, wrong secret, revoked or
    expired — one answer for all, so that nothing is learnt by trying)."""
    parts = text.split("_", 2)  # the secret may hold "_" itself
    if len(parts) != 3 or parts[0] != "cchc":
        return None
    token = ApiToken.objects.select_related("agency", "account").filter(prefix=parts[1]).first()
    if token is None or not hmac.compare_digest(token.key_hash, _hash(text)):
        return None
    if not token.is_usable():
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > LAST_USED_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


class TokenUser(AnonymousUser):
    """Who a token's request is: authenticated, with no password or session, holding the
    role an agency's token has — an officer of that agency; for the province's own agency, a
    read-only leader of the province (reading), the province's one-stop system writing
    every agency's dossiers (pushing: the reform office's authority, which `auth.
    PurposeMatches` confines to the push endpoint), or an officer of the province's agency
    (reporting progress on the tasks it leads or coordinates, like such an officer on the
    task's page). `scope_for` and `access.write_scope` read it like any account."""

    # "api:<prefix>": the stubs type the anonymous user's as the literal "" it always is.
    username: str  # type: ignore[assignment]

    def __init__(self, token: ApiToken):
        super().__init__()
        self.token = token
        self.username = f"api:{token.prefix}"
        if token.agency.level != AgencyLevel.PROVINCE or token.purpose in WRITES_AS_ACCOUNT:
            role = Role.AGENCY_OFFICER
        elif token.purpose == TokenPurpose.PUSH_DOSSIERS:
            role = Role.REFORM_OFFICE
        else:
            role = Role.LEADER
        membership_remember(self, Membership(agency=token.agency, role=role))

    @property
    def is_anonymous(self) -> bool:  # type: ignore[override]
        return False

    @property
    def is_authenticated(self) -> bool:  # type: ignore[override]
        return True

    def __str__(self) -> str:
        return self.username

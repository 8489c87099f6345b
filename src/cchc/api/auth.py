"""How the API knows who calls: a token in `Authorization: Bearer cchc_…`, or the signed-in
session of the pages (the browsable API). Either way the reader's scope comes from
`organizations.selectors.scope_for` — the one choke point of every page."""

from __future__ import annotations

import math

from django.utils.translation import gettext as _
from drf_spectacular import authentication as drf_spectacular_authentication
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions, permissions, throttling

from cchc.api.models import TokenPurpose
from cchc.api.tokens import TokenUser, token_find
from cchc.organizations.selectors import membership_of


class TokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1").split()
        if not header or header[0] != self.keyword:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Tiêu đề Authorization không đúng dạng."))
        token = token_find(header[1])
        if token is None:
            raise exceptions.AuthenticationFailed(
                _("Mã truy cập không hợp lệ, đã hết hạn hoặc đã bị thu hồi.")
            )
        return TokenUser(token), token

    def authenticate_header(self, request) -> str:
        return self.keyword


class SessionAuthentication(authentication.SessionAuthentication):
    """A signed-in browser's session, as DRF reads it, with the refusal of a write that
    carries no CSRF token in Vietnamese (DRF's is "CSRF Failed: …", the reason in English
    and part of the text, so no catalogue reaches it)."""

    def enforce_csrf(self, request):
        try:
            super().enforce_csrf(request)
        except exceptions.PermissionDenied:
            raise exceptions.PermissionDenied(
                _(
                    "Yêu cầu ghi từ phiên đăng nhập trên trình duyệt thiếu mã chống giả mạo "
                    "(CSRF): hãy gửi kèm tiêu đề X-CSRFToken, hoặc dùng mã truy cập API."
                )
            ) from None


class HasRole(permissions.BasePermission):
    """A caller with a role: a token, or an account with a membership (a superuser without
    one reads nothing, as on the pages)."""

    message = _("Tài khoản chưa được gán cơ quan và vai trò.")

    def has_permission(self, request, view) -> bool:
        return membership_of(request.user) is not None


class PurposeMatches(permissions.BasePermission):
    """A token serves the purpose it was issued for only: a reading token reads, a pushing
    token pushes (the view's `purpose`, reading by default). The pages' session reads."""

    message = _("Mã truy cập này không được cấp cho thao tác này.")

    def has_permission(self, request, view) -> bool:
        wanted = getattr(view, "purpose", TokenPurpose.READ)
        if isinstance(request.user, TokenUser):
            return request.user.token.purpose == wanted
        if wanted != TokenPurpose.READ:  # a signed-in browser: it has no token to blame
            self.message = _(
                "Phiên đăng nhập trên trình duyệt chỉ đọc được qua API; thao tác này cần mã "
                "truy cập API được cấp cho việc đó (trang “Mã truy cập API”)."
            )
            return False
        return True


class TooManyRequests(exceptions.Throttled):
    """429 in Vietnamese: DRF's `Throttled` appends "Expected available in N seconds.",
    formatted before it is translated (no catalogue can)."""

    def __init__(self, wait: float | None):
        seconds = math.ceil(wait) if wait is not None else None
        detail = _("Quá số yêu cầu được phép trong một phút.")
        if seconds is not None:
            detail += " " + _("Hãy thử lại sau %(n)s giây.") % {"n": seconds}
        super().__init__(detail=detail)
        self.wait = seconds  # the Retry-After header


class PerCaller(throttling.SimpleRateThrottle):
    """Requests per token (or per account) and minute: `REST_FRAMEWORK["DEFAULT_THROTTLE_
    RATES"]["caller"]`; over it, 429 (`TooManyRequests`)."""

    scope = "caller"

    def allow_request(self, request, view) -> bool:
        if not super().allow_request(request, view):
            raise TooManyRequests(self.wait())
        return True

    def get_cache_key(self, request, view):
        user = request.user
        if isinstance(user, TokenUser):
            ident = f"token:{user.token.pk}"
        elif user.is_authenticated:
            ident = f"user:{user.pk}"
        else:
            ident = f"ip:{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}


class TokenScheme(OpenApiAuthenticationExtension):
    """How the OpenAPI schema describes the token (its documentation page's "Authorize")."""

    target_class = "cchc.api.auth.TokenAuthentication"
    name = "maTruyCap"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "Mã truy cập do Văn phòng CCHC cấp: cchc_<tiền tố>_<bí mật>.",
        }


class SessionScheme(drf_spectacular_authentication.SessionScheme):
    """The session, described as drf-spectacular describes DRF's own."""

    target_class = "cchc.api.auth.SessionAuthentication"

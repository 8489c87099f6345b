"""The reform office's pages for API tokens: issue (the token is shown once), list, revoke."""

from __future__ import annotations

from datetime import datetime, time

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from cchc.api import tokens
from cchc.api.forms import TokenIssueForm, TokenRevokeForm
from cchc.api.models import ApiToken
from cchc.core.views import call_service
from cchc.organizations.access import require_office

ISSUED_KEY = "cchc_api_token_issued"


@login_required
def token_list(request: HttpRequest) -> HttpResponse:
    require_office(request.user, _("quản lý mã truy cập API"))
    form = TokenIssueForm(request.POST or None)
    # A new token is shown once, on the page the issue redirects to (so that reloading it
    # issues nothing): it waits in the server-side session for that one page, then is gone.
    issued = request.session.pop(ISSUED_KEY, None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        expires = timezone.make_aware(datetime.combine(data["expires_on"], time(23, 59, 59)))
        result = call_service(
            form, tokens.token_issue, actor=request.user, agency=data["agency"],
            purpose=data["purpose"], name=data["name"], expires_at=expires,
        )  # fmt: skip
        if result:
            request.session[ISSUED_KEY] = result[1]
            return redirect("api:token_list")
    return render(
        request,
        "api/token_list.html",
        {
            "form": form,
            "issued": issued,
            "tokens": ApiToken.objects.select_related("agency", "created_by")[:200],
            "now": timezone.now(),
        },
    )


@login_required
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    require_office(request.user, _("quản lý mã truy cập API"))
    token = get_object_or_404(ApiToken, pk=pk)
    form = TokenRevokeForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and call_service(
            form,
            tokens.token_revoke,
            actor=request.user,
            token=token,
            reason=form.cleaned_data["reason"],
        )
    ):
        messages.success(request, _("Đã thu hồi mã truy cập."))
        return redirect("api:token_list")
    return render(request, "api/token_revoke.html", {"form": form, "token": token})

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def call_service(form, service, **kwargs):
    """Run a service with a bound form's data. A business-rule error (ValidationError)
    becomes a non-field error on the form and the result is None, so the page re-renders
    with the user's input intact and the service's Vietnamese message."""
    try:
        return service(**kwargs)
    except ValidationError as exc:
        form.add_error(None, exc)
        return None


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: a form posted after the session ended (or from a page left open
    too long) is refused with what to do, in Vietnamese — Django's page is English."""
    return render(request, "403_csrf.html", status=403)

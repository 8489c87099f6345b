from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from cchc.core.formatting import format_number, format_size


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


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """handler400: a request Django refuses before any view reads it — more files, form
    fields or form text than its limits (DATA_UPLOAD_MAX_NUMBER_FILES, …) — said in
    Vietnamese with the limits, instead of Django's bare English "Bad Request (400)". An API
    caller gets the same in JSON."""
    limits = {
        "max_files": format_number(settings.DATA_UPLOAD_MAX_NUMBER_FILES, 0),
        "max_fields": format_number(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS, 0),
        "max_text": format_size(settings.DATA_UPLOAD_MAX_MEMORY_SIZE),
    }
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": (
            "Yêu cầu không nhận được, chưa ghi gì: tối đa {max_files} tệp, {max_fields} trường "
            "và {max_text} dữ liệu ngoài tệp trong một lần gửi."
        ).format(**limits)}, status=400)  # fmt: skip
    return render(request, "400.html", limits, status=400)

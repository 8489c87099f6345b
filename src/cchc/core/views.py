from django.core.exceptions import ValidationError


def call_service(form, service, **kwargs):
    """Run a service with a bound form's data. A business-rule error (ValidationError)
    becomes a non-field error on the form and the result is None, so the page re-renders
    with the user's input intact and the service's Vietnamese message."""
    try:
        return service(**kwargs)
    except ValidationError as exc:
        form.add_error(None, exc)
        return None

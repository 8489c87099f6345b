from cchc.core.calendar import WorkingCalendar
from cchc.core.models import CalendarOverride


def working_calendar() -> WorkingCalendar:
    """The working-day calendar with the reform office's day swaps applied."""
    return WorkingCalendar(
        overrides=dict(CalendarOverride.objects.values_list("day", "is_working_day"))
    )

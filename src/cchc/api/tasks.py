"""A plan's tasks and their progress reports (issue 18): read as the task board and the task's
page read them, and a progress report written by the task page's own form and service.

Every read goes through `scope_for(request.user)`: the list is the task board's
(`plans.selectors.task_board`: the tasks the scope leads or coordinates, all for a
province-wide reader), a task opens as on its page (`selectors.task_for`: another agency's own
task answers 404 like a missing one) and its reports are those the page lists
(`selectors.task_reports`: `ProgressReport.objects.visible_to(scope)`)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import NotFound
from rest_framework.request import is_form_media_type
from rest_framework.response import Response

from cchc.api import serializers as s
from cchc.api.models import TokenPurpose
from cchc.api.parsers import FormParser, JSONParser, MultiPartParser
from cchc.api.tokens import token_account
from cchc.api.views import plan_or_404
from cchc.core.text import NOT_IN_XML
from cchc.organizations.access import member
from cchc.organizations.models import Role
from cchc.organizations.selectors import scope_for
from cchc.plans import selectors, services
from cchc.plans.forms import ProgressForm
from cchc.plans.models import Task

REFUSED = gettext_lazy("Báo cáo tiến độ bị từ chối, chưa ghi gì.")


def _json_errors(data) -> dict[str, list[str]]:
    """What a JSON report holds that its form would misread, by field: a list, an object or
    true/false where a text, a number or a date goes (a list was stored as its Python text
    "['a']", true as a date was an error page); a character no file can hold (ADR 0034: the
    API refuses it, a form typed by a person cleans it); files, which only multipart
    carries."""
    errors: dict[str, list[str]] = {}
    for key, value in data.items():
        if key == "files":
            errors[key] = [_("Tệp chỉ gửi được bằng biểu mẫu multipart/form-data.")]
        elif isinstance(value, bool | list | dict):
            errors[key] = [_("Phải là chữ, số hoặc ngày, không phải danh sách, đối tượng hay "
                             "true/false.")]  # fmt: skip
        elif isinstance(value, str) and (found := NOT_IN_XML.search(value)):
            errors[key] = [_("Chứa ký tự không được phép (U+%(code)04X).")
                           % {"code": ord(found.group())}]  # fmt: skip
    return errors


def _form_errors(form) -> dict[str, list[str]]:
    """The form's errors by field, as the page shows them (`__all__` → non_field_errors)."""
    return {
        "non_field_errors" if name == "__all__" else name: [e["message"] for e in errors]
        for name, errors in form.errors.get_json_data().items()
    }


class TaskList(generics.ListAPIView):
    """The plan's tasks as the task board gives them to the caller: the tasks its scope leads
    or coordinates (every task for the province's token), each with its status today."""

    serializer_class = s.TaskSerializer

    def get_queryset(self):
        plan = plan_or_404(self.kwargs["year"])
        return selectors.task_board(
            plan=plan, scope=scope_for(self.request.user), today=timezone.localdate()
        )


class TaskReports(generics.ListAPIView):
    """GET: the task's progress reports the caller may read, newest first (a reading token).
    POST: a progress report with its evidence files (a token for reporting progress)."""

    serializer_class = s.ProgressReportSerializer
    parser_classes = [JSONParser, FormParser, MultiPartParser]

    @property
    def purpose(self) -> str:
        """What a token must have been issued for: reading, or reporting (`auth.
        PurposeMatches`; the pages' session only reads)."""
        request = getattr(self, "request", None)
        if request is not None and request.method == "POST":
            return TokenPurpose.REPORT_PROGRESS
        return TokenPurpose.READ

    def task(self) -> Task:
        try:
            task = selectors.task_for(pk=self.kwargs["pk"], scope=scope_for(self.request.user))
        except Task.DoesNotExist:
            task = None
        if task is None or task.plan.year != self.kwargs["year"]:
            raise NotFound(_("Không có nhiệm vụ %(pk)s trong kế hoạch năm %(year)s mà bạn đọc được.")
                           % {"pk": self.kwargs["pk"], "year": self.kwargs["year"]})  # fmt: skip
        return task

    def get_queryset(self):
        return selectors.task_reports(task=self.task(), scope=scope_for(self.request.user))

    @extend_schema(
        request={"multipart/form-data": s.ProgressReportInputSerializer,
                 "application/json": s.ProgressReportInputSerializer},
        responses={201: s.ProgressReportSerializer},
        examples=[OpenApiExample("Đang thực hiện", request_only=True, value={
            "status": "in_progress", "percent": 40,
            "text": "Đã ban hành kế hoạch rà soát; đang rà soát 12 thủ tục."})],
        extensions={"x-token-purpose": TokenPurpose.REPORT_PROGRESS.value},
    )  # fmt: skip
    def post(self, request, year: int, pk: int):
        """A progress report on the task, by an officer of an agency that leads (or, as its
        contribution, coordinates) it — the task page's rules: the page's form checks the
        fields, its service (`plans.services.task_report_progress`) checks authority and every
        file before writing anything. Refused: 400 with every error, nothing written; not the
        caller's task: 403; a task it may not open: 404."""
        task = self.task()
        # As the task's page: who may not report is refused before the form is read.
        membership = member(request)  # HasRole admitted only a caller with a role
        lead_id, coordinator_ids = services.task_parties(task)
        if membership.role != Role.AGENCY_OFFICER or membership.agency_id not in {
            lead_id,
            *coordinator_ids,
        }:
            raise PermissionDenied(_("Cơ quan của bạn không chủ trì hay phối hợp nhiệm vụ này."))
        data = request.POST if is_form_media_type(request.content_type) else request.data
        if not hasattr(data, "get"):
            return Response({"detail": REFUSED, "errors": {
                "non_field_errors": [_("Cần một đối tượng JSON hoặc biểu mẫu multipart.")]}},
                status=status.HTTP_400_BAD_REQUEST)  # fmt: skip
        if not is_form_media_type(request.content_type) and (errors := _json_errors(data)):
            return Response({"detail": REFUSED, "errors": errors},
                            status=status.HTTP_400_BAD_REQUEST)  # fmt: skip
        form = ProgressForm(data, request.FILES)
        if not form.is_valid():
            return Response({"detail": REFUSED, "errors": _form_errors(form)},
                            status=status.HTTP_400_BAD_REQUEST)  # fmt: skip
        fields = {k: v for k, v in form.cleaned_data.items() if k != "files"}
        try:
            report = services.task_report_progress(
                actor=token_account(request.user), task=task, **fields,
                files=[(f.name, f.read()) for f in form.cleaned_data["files"]],
            )  # fmt: skip
        except ValidationError as exc:
            return Response({"detail": REFUSED, "errors": {"non_field_errors": exc.messages}},
                            status=status.HTTP_400_BAD_REQUEST)  # fmt: skip
        report = selectors.task_reports(task=task, scope=scope_for(request.user)).get(pk=report.pk)
        return Response(s.ProgressReportSerializer(report).data, status=status.HTTP_201_CREATED)

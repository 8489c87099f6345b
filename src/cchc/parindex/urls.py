"""PAR INDEX pages, one view module per activity: `views.landing` — the section's landing
page; `views.frameworks` — import a framework, read its criteria; `views.rounds` — open
assessments, deadlines, computed criteria, appraiser assignments; `views.results` — survey
points, bonus and penalty, the results with computing, publishing and exports;
`views.assessment` — one agency's assessment sheet (self-assessment, evidence, appraisal, the
per-criterion conversation, submit, complete, finalise, reopen). Every action has its own
address (a POST from its form); the page's main form posts to the page itself."""

from django.urls import path

from cchc.parindex.views import assessment, frameworks, landing, results, rounds

app_name = "parindex"
urlpatterns = [
    path("", landing.index, name="index"),
    # --- views.frameworks -----------------------------------------------------------------
    path("bo-tieu-chi/nhap/", frameworks.framework_import, name="framework_import"),
    path("bo-tieu-chi/<int:pk>/", frameworks.framework_detail, name="framework_detail"),
    # --- views.rounds ---------------------------------------------------------------------
    path("bo-tieu-chi/<int:pk>/mo-dot/", rounds.assessment_open, name="assessment_open"),
    path(
        "bo-tieu-chi/<int:pk>/mo-dot/han/",
        rounds.assessment_set_deadline,
        name="assessment_set_deadline",
    ),
    path("bo-tieu-chi/<int:pk>/mo-dot/han-tat-ca/", rounds.deadlines_set, name="deadlines_set"),
    path(
        "bo-tieu-chi/<int:pk>/mo-dot/cap-nhat-diem/",
        rounds.computed_scores_refresh,
        name="computed_scores_refresh",
    ),
    path("bo-tieu-chi/<int:pk>/phan-cong/", rounds.assignments, name="assignments"),
    path(
        "bo-tieu-chi/<int:pk>/phan-cong/thoi/", rounds.appraiser_unassign, name="appraiser_unassign"
    ),
    # --- views.results --------------------------------------------------------------------
    path("bo-tieu-chi/<int:pk>/dieu-tra/", results.survey_import, name="survey_import"),
    path("bo-tieu-chi/<int:pk>/thuong-tru/", results.adjustments, name="adjustments"),
    path(
        "bo-tieu-chi/<int:pk>/thuong-tru/xoa/", results.adjustment_remove, name="adjustment_remove"
    ),
    path("bo-tieu-chi/<int:pk>/ket-qua/", results.results, name="results"),
    path("bo-tieu-chi/<int:pk>/ket-qua/tinh/", results.results_compute, name="results_compute"),
    path("bo-tieu-chi/<int:pk>/ket-qua/cong-bo/", results.results_publish, name="results_publish"),
    path("bo-tieu-chi/<int:pk>/ket-qua.<str:fmt>", results.results_export, name="results_export"),
    # --- views.assessment -----------------------------------------------------------------
    path("phieu/<int:pk>/", assessment.assessment_detail, name="assessment_detail"),
    path("phieu/<int:pk>/gui/", assessment.assessment_submit, name="assessment_submit"),
    path(
        "phieu/<int:pk>/hoan-thanh-tham-dinh/",
        assessment.appraisal_complete,
        name="appraisal_complete",
    ),
    path("phieu/<int:pk>/chot/", assessment.assessment_finalise, name="assessment_finalise"),
    path("phieu/<int:pk>/mo-lai/", assessment.assessment_reopen, name="assessment_reopen"),
    path("diem/<int:pk>/tu-cham/", assessment.score_save, name="score_save"),
    path("diem/<int:pk>/tham-dinh/", assessment.appraisal_save, name="appraisal_save"),
    path(
        "diem/<int:pk>/yeu-cau-giai-trinh/",
        assessment.return_for_explanation,
        name="return_for_explanation",
    ),
    path("diem/<int:pk>/giai-trinh/", assessment.agency_explain, name="agency_explain"),
    path("diem/<int:pk>/lich-su/", assessment.score_history, name="score_history"),
    path("diem/<int:pk>/tai-lieu/", assessment.evidence_upload, name="evidence_upload"),
    path("tai-lieu/<int:pk>/", assessment.evidence_download, name="evidence_download"),
    path("tai-lieu/<int:pk>/xoa/", assessment.evidence_delete, name="evidence_delete"),
]

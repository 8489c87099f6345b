"""PAR INDEX pages. Two view modules: `views.assessment` — one agency's assessment sheet
(self-assessment, evidence, appraisal, the per-criterion conversation, finalise/reopen);
`views.office` — the reform office's work on a framework (import, open, assign, survey,
adjustments, results, publication, exports) and the section's landing page."""

from django.urls import path

from cchc.parindex.views import assessment, office

app_name = "parindex"
urlpatterns = [
    # --- views.office ---------------------------------------------------------------------
    path("", office.index, name="index"),
    path("bo-tieu-chi/nhap/", office.framework_import, name="framework_import"),
    path("bo-tieu-chi/<int:pk>/", office.framework_detail, name="framework_detail"),
    path("bo-tieu-chi/<int:pk>/mo-dot/", office.assessment_open, name="assessment_open"),
    path("bo-tieu-chi/<int:pk>/phan-cong/", office.assignments, name="assignments"),
    path("bo-tieu-chi/<int:pk>/dieu-tra/", office.survey_import, name="survey_import"),
    path("bo-tieu-chi/<int:pk>/thuong-tru/", office.adjustments, name="adjustments"),
    path("bo-tieu-chi/<int:pk>/ket-qua/", office.results, name="results"),
    path("bo-tieu-chi/<int:pk>/ket-qua.<str:fmt>", office.results_export, name="results_export"),
    # --- views.assessment -----------------------------------------------------------------
    path("phieu/<int:pk>/", assessment.assessment_detail, name="assessment_detail"),
    path("phieu/<int:pk>/thao-tac/", assessment.assessment_action, name="assessment_action"),
    path("diem/<int:pk>/", assessment.score_update, name="score_update"),
    path("diem/<int:pk>/lich-su/", assessment.score_history, name="score_history"),
    path("diem/<int:pk>/tai-lieu/", assessment.evidence_upload, name="evidence_upload"),
    path("tai-lieu/<int:pk>/", assessment.evidence_download, name="evidence_download"),
    path("tai-lieu/<int:pk>/xoa/", assessment.evidence_delete, name="evidence_delete"),
]

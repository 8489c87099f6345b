from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from cchc.api import documents, pages, par_index, push, tasks, views

app_name = "api"
urlpatterns = [
    path("v1/agencies/", views.AgencyList.as_view(), name="agency_list"),
    path("v1/agencies/<str:code>/", views.AgencyDetail.as_view(), name="agency_detail"),
    path("v1/plans/", views.PlanList.as_view(), name="plan_list"),
    path("v1/plans/<int:year>/targets/", views.TargetList.as_view(), name="target_list"),
    path(
        "v1/plans/<int:year>/targets/<str:label>/figures/",
        views.TargetFigures.as_view(),
        name="target_figures",
    ),
    path("v1/plans/<int:year>/tasks/", tasks.TaskList.as_view(), name="task_list"),
    path(
        "v1/plans/<int:year>/tasks/<int:pk>/reports/",
        tasks.TaskReports.as_view(),
        name="task_reports",
    ),
    path(
        "v1/par-index/<int:year>/results/",
        par_index.ParIndexResults.as_view(),
        name="parindex_results",
    ),
    path("v1/documents/", documents.PublicDocumentList.as_view(), name="document_list"),
    path("v1/dossiers/", push.DossierPush.as_view(), name="dossier_push"),
    path("v1/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("v1/docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    # The reform office's pages for tokens.
    path("ma-truy-cap/", pages.token_list, name="token_list"),
    path("ma-truy-cap/<int:pk>/thu-hoi/", pages.token_revoke, name="token_revoke"),
]

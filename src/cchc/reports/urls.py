from django.urls import path

from cchc.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.report_index, name="report_index"),
    path("mo/", views.report_open, name="report_open"),
    path("theo-doi/", views.report_tracker, name="report_tracker"),
    path("<int:pk>/", views.report_detail, name="report_detail"),
    path("<int:pk>/tai/<str:fmt>/", views.report_download, name="report_download"),
    path(
        "ket-luan-kiem-tra/<int:pk>.docx",
        views.inspection_conclusion_download,
        name="inspection_conclusion",
    ),
    path("mau-van-ban/", views.template_index, name="template_index"),
    path("mau-van-ban/<str:kind>/tai-ve/", views.template_download, name="template_download"),
    path("mau-van-ban/<str:kind>/tai-len/", views.template_upload, name="template_upload"),
    path("mau-van-ban/<str:kind>/khoi-phuc/", views.template_revert, name="template_revert"),
]

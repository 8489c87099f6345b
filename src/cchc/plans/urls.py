from django.urls import path

from cchc.plans import views

app_name = "plans"
urlpatterns = [
    path("", views.plan_list, name="plan_list"),
    path("them/", views.plan_create, name="plan_create"),
    path("nhap-van-ban/", views.plan_import_upload, name="plan_import_upload"),
    path("nhap-van-ban/xem-lai/", views.plan_import_review, name="plan_import_review"),
    path("<int:pk>/", views.plan_detail, name="plan_detail"),
    path("<int:pk>/sua/", views.plan_update, name="plan_update"),
    path("<int:pk>/lich-su/", views.plan_history, name="plan_history"),
    path("<int:pk>/co-quan/", views.agency_plan, name="agency_plan"),
    path("<int:plan_pk>/chi-tieu/them/", views.target_create, name="target_create"),
    path("chi-tieu/<int:pk>/sua/", views.target_update, name="target_update"),
    path("chi-tieu/<int:pk>/xoa/", views.target_delete, name="target_delete"),
    path("chi-tieu/<int:pk>/lich-su/", views.target_history, name="target_history"),
    path("<int:plan_pk>/nhiem-vu/them/", views.task_create, name="task_create"),
    path("<int:plan_pk>/nhiem-vu/nhap/", views.task_appendix_import, name="task_appendix_import"),
    path("nhiem-vu/<int:pk>/sua/", views.task_update, name="task_update"),
    path("nhiem-vu/<int:pk>/xoa/", views.task_delete, name="task_delete"),
    path("nhiem-vu/<int:pk>/lich-su/", views.task_history, name="task_history"),
    path("nhiem-vu/", views.task_board, name="task_board"),
    path("nhiem-vu/<int:pk>/", views.task_progress, name="task_progress"),
    path("tai-lieu/<int:pk>/", views.evidence_download, name="evidence_download"),
]

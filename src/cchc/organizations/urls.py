from django.urls import path

from cchc.organizations import views

app_name = "organizations"
urlpatterns = [
    path("", views.agency_list, name="agency_list"),
    path("them/", views.agency_create, name="agency_create"),
    path("ke-thua/", views.agency_succession, name="agency_succession"),
    path("ke-thua/<int:pk>/dieu-chinh/", views.succession_correct, name="succession_correct"),
    path("tai-khoan/<int:pk>/chuyen/", views.membership_move, name="membership_move"),
    path("<int:pk>/", views.agency_detail, name="agency_detail"),
    path("<int:pk>/doi-ten/", views.agency_rename, name="agency_rename"),
    path("<int:pk>/ket-thuc/", views.agency_end, name="agency_end"),
]

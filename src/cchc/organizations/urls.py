from django.urls import path

from cchc.organizations import views

app_name = "organizations"
urlpatterns = [
    path("", views.agency_list, name="agency_list"),
    path("them/", views.agency_create, name="agency_create"),
    path("ke-thua/", views.agency_succession, name="agency_succession"),
    path("<int:pk>/", views.agency_detail, name="agency_detail"),
    path("<int:pk>/doi-ten/", views.agency_rename, name="agency_rename"),
    path("<int:pk>/ket-thuc/", views.agency_end, name="agency_end"),
]

from django.urls import path

from cchc.operations import views

app_name = "operations"
urlpatterns = [
    path("nap/", views.import_list, name="import_list"),
    path("nap/<int:pk>/", views.import_detail, name="import_detail"),
    path("ho-so/", views.dossier_list, name="dossier_list"),
    path("mau/<str:kind>.<str:fmt>", views.import_template, name="import_template"),
]

from django.urls import path

from cchc.portal.views import opendata

app_name = "portal"

# Open data (dữ liệu mở): stable addresses, one per table, year and format.
urlpatterns = [
    path("du-lieu-mo/", opendata.catalogue, name="opendata_catalogue"),
    path("du-lieu-mo/catalog.jsonld", opendata.catalogue_jsonld, name="opendata_catalogue_jsonld"),
    path("du-lieu-mo/tu-dien/<slug:table>.json", opendata.dictionary, name="opendata_dictionary"),
    path("du-lieu-mo/<int:year>/ho-so.zip", opendata.dossiers_zip, name="opendata_dossiers"),
    path(
        "du-lieu-mo/<int:year>/<slug:table>.<slug:fmt>", opendata.table_file, name="opendata_table"
    ),
]

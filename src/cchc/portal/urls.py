"""The public CCHC information page (issue 18). Two view modules: `views.public` — the pages
anyone reads without logging in; `views.office` — the reform office's management pages under
`quan-ly/` (names prefixed `office_`), where it publishes and withdraws."""

from django.urls import path

from cchc.portal.views import office, opendata, public

app_name = "portal"
urlpatterns = [
    # --- views.public: read by anyone, no login --------------------------------------------
    path("", public.home, name="public_home"),
    path("ke-hoach/", public.plan_text, name="public_plan"),
    path("chi-tieu/<str:label>/", public.target, name="public_target"),
    path("nhiem-vu/", public.tasks, name="public_tasks"),
    path("chi-so-cchc/<int:pk>/", public.ranking, name="public_ranking"),
    path("kiem-tra/", public.inspections, name="public_inspections"),
    path("van-ban/", public.documents, name="public_documents"),
    path("van-ban/<int:pk>/tai-ve/", public.document_download, name="public_document_download"),
    path("tin-bai/", public.news_list, name="public_news_list"),
    path("tin-bai/atom.xml", public.news_feed, name="public_news_feed"),
    path("tin-bai/<int:pk>/", public.news_detail, name="public_news_detail"),
    # --- views.opendata: open data, stable addresses (one per table, year and format) ------
    path("du-lieu-mo/", opendata.catalogue, name="opendata_catalogue"),
    path("du-lieu-mo/catalog.jsonld", opendata.catalogue_jsonld, name="opendata_catalogue_jsonld"),
    path("du-lieu-mo/tu-dien/<slug:table>.json", opendata.dictionary, name="opendata_dictionary"),
    path("du-lieu-mo/<int:year>/ho-so.zip", opendata.dossiers_zip, name="opendata_dossiers"),
    path(
        "du-lieu-mo/<int:year>/<slug:table>.<slug:fmt>", opendata.table_file, name="opendata_table"
    ),
    # --- views.office: the reform office, logged in ---------------------------------------
    path("quan-ly/", office.overview, name="office_overview"),
    path("quan-ly/go/<int:pk>/", office.withdraw, name="office_withdraw"),
    path("quan-ly/ke-hoach/", office.plans, name="office_plans"),
    path("quan-ly/ke-hoach/<int:pk>/", office.plan, name="office_plan"),
    path("quan-ly/chi-so-cchc/", office.rankings, name="office_rankings"),
    path("quan-ly/kiem-tra/", office.inspections, name="office_inspections"),
    path("quan-ly/kiem-tra/<int:pk>/", office.inspection, name="office_inspection"),
    path("quan-ly/van-ban/", office.documents, name="office_documents"),
    path("quan-ly/van-ban/them/", office.document_create, name="office_document_create"),
    path("quan-ly/van-ban/<int:pk>/", office.document, name="office_document"),
    path("quan-ly/van-ban/<int:pk>/tep/", office.document_file, name="office_document_file"),
    path(
        "quan-ly/van-ban/<int:pk>/cong-bo/", office.document_publish, name="office_document_publish"
    ),
    path("quan-ly/tin-bai/", office.news_list, name="office_news_list"),
    path("quan-ly/tin-bai/them/", office.news_create, name="office_news_create"),
    path("quan-ly/tin-bai/<int:pk>/", office.news, name="office_news"),
    path("quan-ly/tin-bai/<int:pk>/cong-bo/", office.news_publish, name="office_news_publish"),
]

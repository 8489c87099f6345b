from django.urls import path

from cchc.portal.views import public

app_name = "portal"

# --- the public page (views.public): read by anyone, no login -------------------------------
urlpatterns = [
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
]

from django.contrib.auth import views as auth_views
from django.urls import include, path

from cchc.core.forms import LoginForm, PasswordChangeForm
from cchc.plans.views import home

urlpatterns = [
    path("", home, name="home"),
    path(
        "tai-khoan/dang-nhap/",
        auth_views.LoginView.as_view(
            authentication_form=LoginForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("tai-khoan/dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "tai-khoan/doi-mat-khau/",
        auth_views.PasswordChangeView.as_view(form_class=PasswordChangeForm),
        name="password_change",
    ),
    path(
        "tai-khoan/doi-mat-khau/xong/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("co-quan/", include("cchc.organizations.urls")),
    path("ke-hoach/", include("cchc.plans.urls")),
    path("chi-tieu/", include("cchc.indicators.urls")),
    path("doi-chieu-766/", include("cchc.national.urls")),
    path("du-lieu/", include("cchc.operations.urls")),
    path("bao-cao/", include("cchc.reports.urls")),
    path("kiem-tra/", include("cchc.inspections.urls")),
    path("chi-so-cchc/", include("cchc.parindex.urls")),
    path("api/", include("cchc.api.urls")),
    path("cong-khai/", include("cchc.portal.urls")),
]

handler400 = "cchc.core.views.bad_request"

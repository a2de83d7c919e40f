from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from panel import help_views, sso_views
from panel import views as panel_views
from panel.forms import AdminSignInForm, ChangePasswordForm

urlpatterns = [
    path("", include("actions.urls")),
    path("participation/", include("participation.urls")),
    path("panel/", include("panel.urls")),
    path("healthz", panel_views.healthz, name="healthz"),
    path("accessibility/", panel_views.accessibility, name="accessibility"),
    path("help/", help_views.help_index, name="help"),
    path("help/<slug:slug>/", help_views.help_guide, name="help_guide"),
    path("young-people/", panel_views.young_people, name="young_people"),
    path("young-people/sent/", panel_views.young_people_sent, name="young_people_sent"),
    path("accounts/login/", panel_views.SignInView.as_view(), name="login"),
    path("accounts/", include("accounts.urls")),
    # Single sign-on (404 unless OIDC_RP_CLIENT_ID is set); the provider's redirect URI is /oidc/callback/.
    path("oidc/authenticate/", sso_views.SingleSignOnStartView.as_view(), name="oidc_authentication_init"),
    path("oidc/callback/", sso_views.SingleSignOnCallbackView.as_view(), name="oidc_authentication_callback"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password/",
        auth_views.PasswordChangeView.as_view(form_class=ChangePasswordForm),
        name="password_change",
    ),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("admin/", admin.site.urls),
]

admin.site.login_form = AdminSignInForm
admin.site.site_header = "Havering Corporate Parenting Panel — administration"
admin.site.site_title = "Corporate Parenting Panel admin"

from django.urls import path

from . import views

urlpatterns = [
    path("mfa/", views.mfa_verify, name="mfa_verify"),
    path("mfa/set-up/", views.mfa_setup, name="mfa_setup"),
    path("mfa/backup-codes/", views.backup_codes, name="mfa_backup_codes"),
]

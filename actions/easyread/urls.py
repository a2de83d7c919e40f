from django.urls import path

from . import views

urlpatterns = [
    path("", views.easy_read_list, name="easy_read_list"),
    path("<str:kind>/<int:pk>/", views.easy_read_edit, name="easy_read_edit"),
    path("<str:kind>/<int:pk>/approve/", views.easy_read_approve, name="easy_read_approve"),
    path("<str:kind>/<int:pk>/withdraw/", views.easy_read_withdraw, name="easy_read_withdraw"),
]

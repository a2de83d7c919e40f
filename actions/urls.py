from django.urls import include, path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("plan/", views.action_plan, name="action_plan"),
    path("plan/export.<str:fmt>", views.action_plan_export, name="action_plan_export"),
    path("plan/mine/", views.my_actions, name="my_actions"),
    path("plan/new/", views.action_create, name="action_create"),
    path("plan/import/", views.action_plan_import, name="action_plan_import"),
    path("plan/import/confirm/", views.action_plan_import_confirm, name="action_plan_import_confirm"),
    path("plan/import/template.xlsx", views.action_plan_import_template, name="action_plan_import_template"),
    path("plan/actions/<int:pk>/", views.action_detail, name="action_detail"),
    path("plan/actions/<int:pk>/edit/", views.action_edit, name="action_edit"),
    path("plan/actions/<int:pk>/update/", views.action_add_update, name="action_add_update"),
    path("plan/actions/<int:pk>/milestones/", views.action_milestones, name="action_milestones"),
    path("plan/actions/<int:pk>/milestones/add/", views.action_milestone_add, name="action_milestone_add"),
    path("kpis/", include("actions.kpis.urls")),
    path("easy-read/", include("actions.easyread.urls")),
]

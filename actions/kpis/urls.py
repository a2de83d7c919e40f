from django.urls import path

from . import views

# Included at kpis/ by actions/urls.py. Fixed paths come before <code>.
urlpatterns = [
    path("", views.kpi_list, name="kpi_list"),
    path("export/", views.kpi_export, name="kpi_export"),
    path("framework/", views.kpi_framework, name="kpi_framework"),
    path("figures.csv", views.kpi_figures_export, name="kpi_figures_export"),
    path("imports/", views.kpi_import_list, name="kpi_import_list"),
    path("imports/new/", views.kpi_import_new, name="kpi_import_new"),
    path("imports/template.xlsx", views.kpi_import_template, name="kpi_import_template"),
    path("imports/<int:pk>/", views.kpi_import_detail, name="kpi_import_detail"),
    path("imports/<int:pk>/confirm/", views.kpi_import_confirm, name="kpi_import_confirm"),
    path("imports/<int:pk>/status/", views.kpi_import_status, name="kpi_import_status"),
    path("neighbours/", views.neighbour_model_list, name="neighbour_model_list"),
    path("neighbours/uploads/<int:pk>/", views.neighbour_model_preview, name="neighbour_model_preview"),
    path("<str:code>/", views.kpi_detail, name="kpi_detail"),
    path("<str:code>/commentary/", views.kpi_commentary, name="kpi_commentary"),
]

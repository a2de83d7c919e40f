from django.urls import path

from . import views

app_name = "panel"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("meetings/", views.meeting_list, name="meeting_list"),
    path("meetings/new/", views.meeting_create, name="meeting_create"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>/edit/", views.meeting_edit, name="meeting_edit"),
    path("meetings/<int:pk>/agenda/", views.agenda_item_add, name="agenda_item_add"),
    path("meetings/<int:pk>/questions/", views.panel_action_add, name="panel_action_add"),
    path("papers/<int:pk>/", views.paper_download, name="paper_download"),
    path("questions/<int:pk>/", views.panel_action_edit, name="panel_action_edit"),
    path("reports/", views.report_list, name="report_list"),
    path("reports/generate/", views.report_generate, name="report_generate"),
    path("reports/<int:pk>/", views.report_detail, name="report_detail"),
    path("reports/<int:pk>/progress/", views.report_progress, name="report_progress"),
    path("reports/<int:pk>/download.xlsx", views.report_xlsx, name="report_xlsx"),
    path("reports/<int:pk>/download.pdf", views.report_pdf, name="report_pdf"),
]

from django.urls import include, path

from . import views

app_name = "participation"
urlpatterns = [
    path("", views.groups, name="groups"),
    path("groups/<slug:slug>/", views.group, name="group"),
    path("sessions/new/", views.session_new, name="session_new"),
    path("sessions/<int:pk>/", views.session, name="session"),
    path("sessions/<int:pk>/edit/", views.session_edit, name="session_edit"),
    path("sessions/<int:pk>/feedback/new/", views.feedback_new, name="feedback_new"),
    path("feedback/", views.feedback, name="feedback"),
    path("feedback/<int:pk>/edit/", views.feedback_edit, name="feedback_edit"),
    path("feedback/<int:pk>/share/", views.feedback_share, name="feedback_share"),
    path("feedback/<int:pk>/unshare/", views.feedback_unshare, name="feedback_unshare"),
    path("messages/", views.message_queue, name="messages"),
    path("messages/<int:pk>/", views.message, name="message"),
    path("messages/<int:pk>/you-said/", views.message_to_feedback, name="message_to_feedback"),
    path("messages/<int:pk>/close/", views.message_close, name="message_close"),
    path("figures/", views.figures, name="figures"),
    path("iv/", include("participation.iv.urls")),
]

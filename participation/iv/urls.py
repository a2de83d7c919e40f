"""Independent Visitor pages: participation:iv:… (IV coordinators and administrators)."""

from django.urls import path

from . import views

app_name = "iv"
urlpatterns = [
    path("", views.home, name="home"),
    path("referrals/", views.referrals, name="referrals"),
    path("referrals/new/", views.referral_new, name="referral_new"),
    path("referrals/<int:pk>/", views.referral, name="referral"),
    path("referrals/<int:pk>/edit/", views.referral_edit, name="referral_edit"),
    path("referrals/<int:pk>/move/<slug:to_state>/", views.referral_move, name="referral_move"),
    path("referrals/<int:pk>/visits/new/", views.visit_new, name="visit_new"),
    path("referrals/<int:pk>/reviews/new/", views.review_new, name="review_new"),
    path("matches/", views.matches, name="matches"),
    path("volunteers/", views.volunteers, name="volunteers"),
    path("volunteers/new/", views.volunteer_new, name="volunteer_new"),
    path("volunteers/<int:pk>/", views.volunteer, name="volunteer"),
    path("volunteers/<int:pk>/edit/", views.volunteer_edit, name="volunteer_edit"),
]

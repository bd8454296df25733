"""Staff pages for recruitment; included from koppel/staff/urls.py under the staff: namespace."""

from django.urls import path

from koppel.staff.views import recruitment as views

urlpatterns = [
    path("campaigns/", views.campaign_list, name="campaign_list"),
    path("campaigns/new/", views.campaign_create, name="campaign_create"),
    path("campaigns/<int:pk>/", views.campaign_detail, name="campaign_detail"),
    path("campaigns/<int:pk>/edit/", views.campaign_edit, name="campaign_edit"),
    path("mentors/applications/<int:pk>/", views.repeat_application, name="repeat_application"),
    path("youth/register/", views.youth_register, name="youth_register"),
]

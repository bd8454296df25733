"""Portal page for the mentor's calendar feed."""

from django.urls import path

from koppel.portal.views import calendar as views_calendar

urlpatterns = [
    path("calendar/", views_calendar.calendar_page, name="calendar"),
]

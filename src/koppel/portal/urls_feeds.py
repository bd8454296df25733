"""Calendar feeds: public, opened by a calendar app through a personal signed URL."""

from django.urls import path

from koppel.portal.views import calendar as views_calendar

app_name = "feeds"
urlpatterns = [
    path("<str:token>.ics", views_calendar.calendar_feed_view, name="calendar"),
]

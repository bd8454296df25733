"""Staff pages for reminders."""

from django.urls import path

from koppel.staff.views import reminders as views

urlpatterns = [
    path("reminders/", views.reminder_list, name="reminders"),
    path("reminders/<int:pk>/retry/", views.reminder_retry, name="reminder_retry"),
    path("reminders/mail/<int:pk>/retry/", views.mail_retry, name="mail_retry"),
]

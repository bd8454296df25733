"""Staff pages for survey instruments: the list, one instrument, loading a definition file; and
marking a relationship-quality alert handled (OUT-4)."""

from django.urls import path

from koppel.staff.views import instruments as views

urlpatterns = [
    path("instruments/", views.instrument_list, name="instruments"),
    path("instruments/load/", views.instrument_load, name="instrument_load"),
    path("instruments/<int:pk>/", views.instrument_detail, name="instrument_detail"),
    path("instruments/<int:pk>/active/", views.instrument_set_active, name="instrument_set_active"),
    path("quality-alerts/<int:pk>/handled/", views.quality_alert_handle, name="quality_alert_handle"),
]

"""Staff pages for closure (CLS-1, OUT-2); included from koppel/staff/urls.py under staff:."""

from django.urls import path

from koppel.staff.views import closure as views

urlpatterns = [
    path("matches/<int:pk>/closure/", views.match_closure, name="match_closure"),
    path(
        "matches/<int:pk>/closure/conversation/",
        views.closure_conversation_add,
        name="closure_conversation_add",
    ),
    path("matches/<int:pk>/closure/close/", views.match_close, name="match_close"),
    path("matches/<int:pk>/closure/rematch/", views.match_rematch, name="match_rematch"),
    path("matches/<int:pk>/cancel/", views.match_cancel, name="match_cancel"),
]

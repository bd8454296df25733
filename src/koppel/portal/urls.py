from django.urls import path

from koppel.portal import views, views_natural

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("youth/<int:pk>/", views.youth_detail, name="youth_detail"),
    path("propose-mentor/", views_natural.propose_mentor, name="propose_mentor"),
]

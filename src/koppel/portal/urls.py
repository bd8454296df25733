from django.urls import path

from koppel.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("youth/<int:pk>/", views.youth_detail, name="youth_detail"),
]

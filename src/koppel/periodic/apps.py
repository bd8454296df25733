from django.apps import AppConfig


class PeriodicConfig(AppConfig):
    name = "koppel.periodic"

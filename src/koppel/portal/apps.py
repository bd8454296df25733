from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "koppel.portal"

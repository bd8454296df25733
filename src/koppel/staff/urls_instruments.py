"""Staff pages for survey instruments: the list, one instrument, loading a definition file."""

urlpatterns: list = []

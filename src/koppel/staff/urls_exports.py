"""Staff pages for exports run in the background: request, progress, download."""

urlpatterns: list = []

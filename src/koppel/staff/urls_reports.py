"""Staff pages for the programme dashboard and the outcomes report."""

urlpatterns: list = []

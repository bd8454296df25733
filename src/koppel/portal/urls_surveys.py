"""Portal pages where a youth, mentor or guardian answers their surveys."""

urlpatterns: list = []

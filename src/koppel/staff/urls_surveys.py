"""Staff pages for survey schedules, surveys sent and their answers (OUT-1, OUT-2, OUT-4)."""

urlpatterns: list = []

"""Staff page for the outcomes report (OUT-1..4)."""

urlpatterns: list = []

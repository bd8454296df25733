"""Role-matrix rows for the retention schedule's pages: administrators only."""

from tests.matrix import LOGIN, NOT_STAFF, Redirect, Row, expect, url

# How long the organisation keeps personal data is the administrators' decision: coordinators 403.
ADMIN_ONLY = expect(anonymous=LOGIN, admin=200, coordinator=403, other_coordinator=403, **NOT_STAFF)


def _rule_url(name: str, rule: str):
    def build(cast) -> str:
        from django.urls import reverse

        return reverse(name, args=[rule])

    return build


ROWS: dict[str, Row] = {
    "staff:privacy_retention": Row(url("staff:privacy_retention"), ADMIN_ONLY),
    "staff:privacy_retention_items": Row(_rule_url("staff:privacy_retention_items", "vog_facts"), ADMIN_ONLY),
    "staff:privacy_retention_edit": Row(_rule_url("staff:privacy_retention_edit", "vog_facts"), ADMIN_ONLY),
    "staff:privacy_retention_preview": Row(
        url("staff:privacy_retention_preview"),
        expect(
            anonymous=LOGIN,
            admin=Redirect("staff:privacy_retention"),
            coordinator=403,
            other_coordinator=403,
            **NOT_STAFF,
        ),
        method="post",
    ),
}

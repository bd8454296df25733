"""Role-matrix rows for the privacy officer's page (administrators only, like the access logs) and
the public privacy and accessibility statements (everyone, logged in or not)."""

from django.urls import reverse

from tests.matrix import LOGIN, NOT_STAFF, ROLES, Row, expect, url

# The register of processing is the administrators' (the privacy officer's): coordinators 403.
ADMIN_ONLY = expect(anonymous=LOGIN, admin=200, coordinator=403, other_coordinator=403, **NOT_STAFF)
PUBLIC = expect(**dict.fromkeys(ROLES, 200))


def _of_organisation(name: str):
    def build(cast) -> str:
        return reverse(name, args=[cast.programme.organisation.slug])

    return build


ROWS: dict[str, Row] = {
    "staff:privacy": Row(url("staff:privacy"), ADMIN_ONLY),
    "staff:privacy_register_csv": Row(url("staff:privacy_register_csv"), ADMIN_ONLY),
    "staff:privacy_register_pdf": Row(url("staff:privacy_register_pdf"), ADMIN_ONLY),
    "statements:privacy": Row(url("statements:privacy"), PUBLIC),
    "statements:privacy_organisation": Row(_of_organisation("statements:privacy_organisation"), PUBLIC),
    "statements:accessibility": Row(url("statements:accessibility"), PUBLIC),
    "statements:accessibility_organisation": Row(
        _of_organisation("statements:accessibility_organisation"), PUBLIC
    ),
}

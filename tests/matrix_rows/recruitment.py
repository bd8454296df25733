"""Role-matrix rows for recruitment (REC-1..3): campaigns, public application, youth registration,
the natural-mentor proposal."""

from django.urls import reverse

from tests.factories.recruitment import CampaignFactory
from tests.matrix import LOGIN, NO_PORTAL_ROLE, ROLES, STAFF_OBJECT, STAFF_PAGE, Row, expect, url

# Public pages: everyone, logged in or not, gets the page.
PUBLIC = expect(**dict.fromkeys(ROLES, 200))


def _campaign(name: str):
    def build(cast) -> str:
        return reverse(name, args=[CampaignFactory(programme=cast.programme).pk])

    return build


def _public(name: str):
    def build(cast) -> str:
        return reverse(name, args=[CampaignFactory(programme=cast.programme).token])

    return build


def _repeat_application(cast) -> str:
    from koppel.people.models import RepeatApplication

    application = RepeatApplication.objects.create(mentor=cast.mentor_row, route="campaign", values={})
    return reverse("staff:repeat_application", args=[application.pk])


ROWS: dict[str, Row] = {
    "staff:campaign_list": Row(url("staff:campaign_list"), STAFF_PAGE),
    "staff:campaign_create": Row(url("staff:campaign_create"), STAFF_PAGE),
    "staff:campaign_detail": Row(_campaign("staff:campaign_detail"), STAFF_OBJECT),
    "staff:campaign_edit": Row(_campaign("staff:campaign_edit"), STAFF_OBJECT),
    "staff:youth_register": Row(url("staff:youth_register"), STAFF_PAGE),
    # A second application shows what was submitted with a mentor's address: the programme's staff only.
    "staff:repeat_application": Row(_repeat_application, STAFF_OBJECT),
    "public:apply": Row(_public("public:apply"), PUBLIC),
    "public:apply_thanks": Row(_public("public:apply_thanks"), PUBLIC),
    # A youth proposes for themselves, a parent for their child; mentors and staff may not.
    "portal:propose_mentor": Row(
        url("portal:propose_mentor"),
        expect(anonymous=LOGIN, **NO_PORTAL_ROLE, mentor=403, other_mentor=403, youth=200, guardian=200),
    ),
}

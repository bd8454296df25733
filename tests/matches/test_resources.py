"""The resource library (SUP-3): kept by staff, shown in the portals to the people each item is for."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from koppel.common.domain.errors import ConflictError, DomainError
from koppel.common.models import ActivityLog
from koppel.matches.domain.resources import (
    create_resource,
    delete_resource,
    portal_resources,
    update_resource,
)
from koppel.matches.models import Resource
from tests import factories as f
from tests.factories.concern import ResourceFactory

pytestmark = pytest.mark.django_db


def _titles(user) -> set[str]:
    return set(portal_resources(user).values_list("title", flat=True))


@pytest.fixture
def library(cast):
    org = cast.programme.organisation
    ResourceFactory(organisation=org, title="Mentors only", for_mentors=True)
    ResourceFactory(organisation=org, title="Youth only", for_mentors=False, for_youth=True)
    ResourceFactory(organisation=org, title="Parents only", for_mentors=False, for_guardians=True)
    ResourceFactory(organisation=org, title="Everyone", for_youth=True, for_guardians=True)
    ResourceFactory(programme=cast.programme, title="Zuid mentors", for_mentors=True)
    ResourceFactory(programme=cast.programme, title="Zuid youth", for_mentors=False, for_youth=True)
    ResourceFactory(programme=cast.other_programme, title="School mentors and youth", for_youth=True)
    stranger = f.ProgrammeFactory(name="Elders")
    ResourceFactory(organisation=stranger.organisation, title="Other org", for_youth=True, for_guardians=True)
    ResourceFactory(programme=stranger, title="Other org programme", for_youth=True, for_guardians=True)


def test_each_role_sees_the_items_for_them_in_their_programme__SUP_3(cast, library):
    assert _titles(cast.mentor) == {"Mentors only", "Everyone", "Zuid mentors"}
    assert _titles(cast.youth) == {"Youth only", "Everyone", "Zuid youth"}
    assert _titles(cast.guardian) == {"Parents only", "Everyone"}
    assert _titles(cast.coordinator) == set()  # staff have no portal role


def test_a_youth_never_sees_mentor_only_items_nor_another_organisations__SUP_3(cast, library, client_for):
    page = client_for(cast.youth).get(reverse("portal:resources")).text
    assert "Zuid youth" in page
    for hidden in ("Mentors only", "Zuid mentors", "Parents only", "Other org", "School mentors"):
        assert hidden not in page


def test_portal_page_groups_by_topic_and_opens_links_safely(cast, client_for):
    ResourceFactory(programme=cast.programme, title="B", topic="safety", url="https://a.example/b")
    ResourceFactory(programme=cast.programme, title="A", topic="safety", url="https://a.example/a")
    ResourceFactory(programme=cast.programme, title="C", topic="starting", url="")
    response = client_for(cast.mentor).get(reverse("portal:resources"))
    groups = [(topic, [r.title for r in items]) for topic, items in response.context["groups"]]
    # ResourceTopic's order: getting started before safety; titles alphabetical within a topic.
    assert [items for _, items in groups] == [["C"], ["A", "B"]]
    assert 'href="https://a.example/a" rel="noopener noreferrer"' in response.text


def test_portal_page_runs_a_constant_number_of_queries(cast, client_for):
    client = client_for(cast.guardian)
    ResourceFactory(programme=cast.programme, for_guardians=True)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("portal:resources")).status_code == 200
        return len(ctx.captured_queries)

    one = count()
    for i in range(19):
        ResourceFactory(programme=cast.programme, for_guardians=True, topic=["safety", "family"][i % 2])
    assert count() == one


# --- Domain ---------------------------------------------------------------------------------------


def _values(**overrides):
    values = {
        "programme": None,
        "title": "Veilig Thuis",
        "kind": "agency",
        "topic": "safety",
        "url": "https://www.veiligthuis.nl",
        "description": "",
        "for_mentors": True,
        "for_youth": False,
        "for_guardians": True,
    }
    return {**values, **overrides}


def test_create_update_delete_are_audited(cast):
    org = cast.programme.organisation
    resource = create_resource(org, by=cast.admin, values=_values())
    assert resource.organisation == org and resource.programme is None
    changed = update_resource(
        resource, by=cast.admin, values=_values(for_youth=True), expected_version=resource.version
    )
    assert changed == ["for_youth"]
    pk = resource.pk
    delete_resource(resource, by=cast.admin)
    assert not Resource.objects.filter(pk=pk).exists()
    actions = list(
        ActivityLog.objects.filter(object_id=pk, action__startswith="matches.resource.")
        .order_by("id")
        .values_list("action", "fields")
    )
    assert actions[0][0] == "matches.resource.created"
    assert actions[1] == ("matches.resource.changed", ["for_youth"])
    assert actions[2][0] == "matches.resource.deleted"


def test_an_item_is_for_someone(cast):
    with pytest.raises(DomainError, match="Choose who the item is for"):
        create_resource(
            cast.programme.organisation,
            by=cast.admin,
            values=_values(for_mentors=False, for_youth=False, for_guardians=False),
        )


def test_a_programme_of_another_organisation_is_refused(cast):
    stranger = f.ProgrammeFactory()
    with pytest.raises(DomainError, match="not part of this organisation"):
        create_resource(cast.programme.organisation, by=cast.admin, values=_values(programme=stranger))


def test_a_stale_edit_is_refused(cast):
    resource = ResourceFactory(programme=cast.programme)
    update_resource(
        resource, by=cast.coordinator, values=_values(programme=cast.programme), expected_version=1
    )
    with pytest.raises(ConflictError):
        update_resource(
            resource,
            by=cast.coordinator,
            values=_values(programme=cast.programme, title="x"),
            expected_version=1,
        )


# --- Staff pages ----------------------------------------------------------------------------------


def _form(**overrides):
    data = {k: ("" if v is None else v) for k, v in _values(**overrides).items()}
    return {k: v for k, v in data.items() if v is not False}


def test_coordinator_adds_an_item_for_their_programme(cast, client_for):
    client = client_for(cast.coordinator)
    response = client.post(reverse("staff:resource_create"), _form(programme=cast.programme.pk))
    assert response.status_code == 302
    resource = Resource.objects.get()
    assert (resource.programme, resource.organisation) == (cast.programme, cast.programme.organisation)


def test_only_an_administrator_adds_an_organisation_wide_item(cast, client_for):
    response = client_for(cast.coordinator).post(reverse("staff:resource_create"), _form())
    assert response.status_code == 200
    assert response.context["form"].errors["programme"]
    response = client_for(cast.admin).post(reverse("staff:resource_create"), _form())
    assert response.status_code == 302
    assert Resource.objects.get().programme is None


def test_coordinator_cannot_add_to_another_programme(cast, client_for):
    response = client_for(cast.coordinator).post(
        reverse("staff:resource_create"), _form(programme=cast.other_programme.pk)
    )
    assert response.status_code == 200
    assert not Resource.objects.exists()


def test_edit_form_keeps_the_users_input_on_error(cast, client_for):
    resource = ResourceFactory(programme=cast.programme)
    response = client_for(cast.coordinator).post(
        reverse("staff:resource_edit", args=[resource.pk]),
        _form(programme=cast.programme.pk, title="Nieuwe titel", for_mentors=False, for_guardians=False),
    )
    assert response.status_code == 200
    assert 'value="Nieuwe titel"' in response.text
    resource.refresh_from_db()
    assert resource.title != "Nieuwe titel"


def test_coordinators_see_but_do_not_change_organisation_wide_items(cast, client_for):
    shared = ResourceFactory(organisation=cast.programme.organisation, title="Gedeeld")
    theirs = ResourceFactory(programme=cast.other_programme, title="Van School")
    client = client_for(cast.coordinator)
    response = client.get(reverse("staff:resource_list"))
    assert [r.title for r in response.context["page"]] == ["Gedeeld"]
    assert response.context["editable"] == set()
    assert client.get(reverse("staff:resource_edit", args=[shared.pk])).status_code == 404
    assert client.post(reverse("staff:resource_delete", args=[shared.pk])).status_code == 404
    assert client.get(reverse("staff:resource_edit", args=[theirs.pk])).status_code == 404
    assert client_for(cast.admin).get(reverse("staff:resource_edit", args=[shared.pk])).status_code == 200


def test_delete_through_the_page(cast, client_for):
    resource = ResourceFactory(programme=cast.programme)
    response = client_for(cast.coordinator).post(reverse("staff:resource_delete", args=[resource.pk]))
    assert response.status_code == 302
    assert not Resource.objects.filter(pk=resource.pk).exists()


def test_staff_list_runs_a_constant_number_of_queries(cast, client_for):
    client = client_for(cast.admin)
    ResourceFactory(programme=cast.programme)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("staff:resource_list")).status_code == 200
        return len(ctx.captured_queries)

    one = count()
    for i in range(19):
        ResourceFactory(programme=[cast.programme, cast.other_programme][i % 2])
    assert count() == one

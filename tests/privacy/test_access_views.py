"""The staff pages (administrators only) and the portal pages of subject access requests: asking,
following, downloading (only by the organisation's administrators or the requester), the audit."""

import io
import re
import zipfile

import pytest
from django.conf import settings
from django.urls import reverse

from koppel.common.domain.audit import access_log_of, history_of
from koppel.privacy.domain.access import request_access_archive, run_access_request
from koppel.privacy.models import AccessRequest
from tests import factories as f
from tests.conftest import enrol_mfa
from tests.privacy.test_access_rules import set_birth, sixteenth_birthday_in
from tests.staff.test_query_counts import MANY, assert_constant_queries

pytestmark = pytest.mark.django_db


def ready(person, *, by, **kwargs) -> AccessRequest:
    return run_access_request(request_access_archive(person, by=by, **kwargs).pk)


# --- Staff ----------------------------------------------------------------------------------------


def test_an_administrator_produces_an_archive_from_a_youths_page(
    cast, client_for, django_capture_on_commit_callbacks
):
    client = client_for(cast.admin)
    detail = client.get(reverse("staff:youth_detail", args=[cast.youth_row.pk])).content.decode()
    new_url = reverse("staff:youth_access_request", args=[cast.youth_row.pk])
    assert new_url in detail
    page = client.get(new_url).content.decode()
    assert cast.guardian_row.full_name in page  # the parent with authority who may have asked
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(new_url, {"on_behalf": cast.guardian_row.pk})
    access = AccessRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("staff:access_request_detail", args=[access.pk])
    assert access.youth == cast.youth_row and access.on_behalf == cast.guardian_row
    assert access.requested_by == cast.admin and not access.from_portal
    shown = client.get(response["Location"]).content.decode()
    assert reverse("staff:access_request_download", args=[access.pk]) in shown


def test_a_coordinator_sees_no_link_and_gets_403(cast, client_for):
    client = client_for(cast.coordinator)
    detail = client.get(reverse("staff:mentor_detail", args=[cast.mentor_row.pk])).content.decode()
    assert reverse("staff:mentor_access_request", args=[cast.mentor_row.pk]) not in detail
    access = ready(cast.mentor_row, by=cast.admin)
    for name in ("staff:access_request_detail", "staff:access_request_download"):
        assert client.get(reverse(name, args=[access.pk])).status_code == 403
    assert client.post(reverse("staff:mentor_access_request", args=[cast.mentor_row.pk])).status_code == 403
    assert not AccessRequest.objects.exclude(pk=access.pk).exists()


def test_a_refused_request_re_renders_the_form_with_the_reason(cast, client_for):
    set_birth(cast.youth_row, sixteenth_birthday_in(-1))  # 16: a parent no longer asks
    response = client_for(cast.admin).post(
        reverse("staff:youth_access_request", args=[cast.youth_row.pk]), {"on_behalf": cast.guardian_row.pk}
    )
    assert response.status_code == 200
    assert "16 of ouder" in response.content.decode()  # Dutch: the users' language
    assert not AccessRequest.objects.exists()


def test_an_administrator_downloads_and_it_is_audited(cast, client_for):
    access = ready(cast.mentor_row, by=cast.mentor, from_portal=True)
    response = client_for(cast.admin).get(reverse("staff:access_request_download", args=[access.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Cache-Control"] == "no-store"
    assert "summary.html" in zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    access.refresh_from_db()
    assert access.downloaded_at is not None
    download = history_of(access).get(action="privacy.access.downloaded")
    assert download.actor == cast.admin and download.data == {"staff": True}
    assert (
        access_log_of(cast.mentor_row)
        .filter(viewer=cast.admin, page="staff:access_request_download")
        .exists()
    )


def test_an_administrator_of_another_organisation_gets_404(cast, client_for):
    stranger = f.AdministratorFactory().user
    enrol_mfa(stranger)
    access = ready(cast.mentor_row, by=cast.admin)
    client = client_for(stranger)
    assert client.get(reverse("staff:access_request_download", args=[access.pk])).status_code == 404
    assert client.get(reverse("staff:mentor_access_request", args=[cast.mentor_row.pk])).status_code == 404


def test_a_request_not_ready_has_nothing_to_download(cast, client_for):
    access = request_access_archive(cast.mentor_row, by=cast.admin)
    response = client_for(cast.admin).get(reverse("staff:access_request_download", args=[access.pk]))
    assert response.status_code == 404
    assert not history_of(access).filter(action="privacy.access.downloaded").exists()


def test_the_detail_page_polls_while_the_archive_is_being_made(cast, client_for):
    access = request_access_archive(cast.mentor_row, by=cast.admin)
    url = reverse("staff:access_request_detail", args=[access.pk])
    client = client_for(cast.admin)
    page = client.get(url).content.decode()
    assert 'hx-trigger="every 1s"' in page
    fragment = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert fragment.lstrip().startswith('<div id="access-status"') and "<html" not in fragment
    run_access_request(access.pk)
    fragment = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert (
        "hx-trigger" not in fragment
        and reverse("staff:access_request_download", args=[access.pk]) in fragment
    )


def test_the_list_shows_the_organisations_requests_in_constant_queries(cast, client_for):
    client = client_for(cast.admin)
    ready(cast.mentor_row, by=cast.mentor, from_portal=True)

    def more():
        for _n in range(MANY - 1):
            youth = f.YouthFactory(programme=cast.programme)
            guardian = f.GuardianshipFactory(youth=youth).guardian
            AccessRequest.objects.create(
                organisation=cast.programme.organisation,
                youth=youth,
                requested_by=cast.admin,
                on_behalf=guardian,
                status="done",
            )

    def shows(response, n):
        rows = re.findall(r'href="/[^"]*/privacy/access/\d+/"', response.content.decode())
        assert len(rows) == min(n, settings.PAGE_SIZE)

    assert_constant_queries(client, reverse("staff:access_request_list"), more, shows)


# --- Portal ---------------------------------------------------------------------------------------


def test_a_mentor_asks_follows_and_downloads_in_the_portal(
    cast, client_for, django_capture_on_commit_callbacks
):
    client = client_for(cast.mentor)
    home = client.get(reverse("portal:home")).content.decode()
    assert reverse("portal:my_data") in home
    page = client.get(reverse("portal:my_data")).content.decode()
    assert f'value="mentor:{cast.mentor_row.pk}"' in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("portal:access_request_new"), {"subject": f"mentor:{cast.mentor_row.pk}"}
        )
    access = AccessRequest.objects.get()
    assert response["Location"] == reverse("portal:access_request_detail", args=[access.pk])
    assert access.from_portal and access.requested_by == cast.mentor
    download_url = reverse("portal:access_request_download", args=[access.pk])
    assert download_url in client.get(response["Location"]).content.decode()
    assert client.get(download_url).status_code == 200
    download = history_of(access).get(action="privacy.access.downloaded")
    assert download.actor == cast.mentor and download.data == {"staff": False}
    # A download by the person themself is not a staff read of their file.
    assert not access_log_of(cast.mentor_row).filter(page="staff:access_request_download").exists()


def test_only_the_requester_downloads_in_the_portal(cast, client_for):
    access = ready(cast.guardian_row, by=cast.guardian, from_portal=True)
    url = reverse("portal:access_request_download", args=[access.pk])
    assert client_for(cast.mentor).get(url).status_code == 404
    assert client_for(cast.admin).get(url).status_code == 403
    assert client_for(cast.guardian).get(url).status_code == 200
    # An archive an administrator made is not in the person's portal.
    by_staff = ready(cast.guardian_row, by=cast.admin)
    assert (
        client_for(cast.guardian)
        .get(reverse("portal:access_request_download", args=[by_staff.pk]))
        .status_code
        == 404
    )


def test_a_youth_under_16_is_told_a_parent_can_ask(cast, client_for):
    set_birth(cast.youth_row, sixteenth_birthday_in(10))
    client = client_for(cast.youth)
    page = client.get(reverse("portal:my_data")).content.decode()
    assert "kan je ouder of verzorger ze voor je opvragen" in page
    assert f'value="youth:{cast.youth_row.pk}"' not in page
    response = client.post(reverse("portal:access_request_new"), {"subject": f"youth:{cast.youth_row.pk}"})
    assert response["Location"] == reverse("portal:my_data")
    assert not AccessRequest.objects.exists()


def test_a_youth_of_16_asks_in_the_portal(cast, client_for):
    set_birth(cast.youth_row, sixteenth_birthday_in(0))
    client = client_for(cast.youth)
    assert f'value="youth:{cast.youth_row.pk}"' in client.get(reverse("portal:my_data")).content.decode()
    client.post(reverse("portal:access_request_new"), {"subject": f"youth:{cast.youth_row.pk}"})
    assert AccessRequest.objects.get().youth == cast.youth_row


def test_a_guardian_asks_for_themself_and_for_their_child_under_16_only(cast, client_for):
    client = client_for(cast.guardian)
    page = client.get(reverse("portal:my_data")).content.decode()
    assert f'value="guardian:{cast.guardian_row.pk}"' in page
    assert f'value="youth:{cast.youth_row.pk}"' in page
    client.post(reverse("portal:access_request_new"), {"subject": f"youth:{cast.youth_row.pk}"})
    access = AccessRequest.objects.get()
    assert access.youth == cast.youth_row and access.on_behalf == cast.guardian_row
    # Someone else's child: not a choice at all.
    other = client.post(reverse("portal:access_request_new"), {"subject": f"youth:{cast.other_youth_row.pk}"})
    assert other.status_code == 404
    # The child turns 16: the page says why the parent can no longer ask.
    set_birth(cast.youth_row, sixteenth_birthday_in(0))
    page = client.get(reverse("portal:my_data")).content.decode()
    assert "16 of ouder" in page and f'value="youth:{cast.youth_row.pk}"' not in page

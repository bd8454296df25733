"""The cast every view test uses: one of each role, in two programmes."""

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from allauth.mfa.models import Authenticator
from django.utils import timezone

from koppel.accounts.models import User
from tests import factories as f


@dataclass
class Cast:
    programme: object
    other_programme: object
    admin: User
    coordinator: User
    other_coordinator: User
    mentor: User
    other_mentor: User
    youth: User
    guardian: User
    mentor_row: object
    other_mentor_row: object
    youth_row: object
    other_youth_row: object
    guardian_row: object
    match: object

    def users(self) -> dict[str, User | None]:
        return {
            "anonymous": None,
            "admin": self.admin,
            "coordinator": self.coordinator,
            "other_coordinator": self.other_coordinator,
            "mentor": self.mentor,
            "other_mentor": self.other_mentor,
            "youth": self.youth,
            "guardian": self.guardian,
        }


def enrol_mfa(user: User) -> None:
    """Give a staff user a TOTP authenticator so the MFA enrolment gate lets them through."""
    from koppel.accounts.crypto import encrypt

    Authenticator.objects.create(
        user=user, type=Authenticator.Type.TOTP, data={"secret": encrypt("JBSWY3DPEHPK3PXP")}
    )


@pytest.fixture(autouse=True, scope="session")
def private_data_dir(tmp_path_factory):
    """KOPPEL_DATA_DIR of the tests is a folder of their own: a maintenance flag or an erasure-ledger
    file left in ./var by a development restore neither closes the tests' site nor gets written to."""
    from django.test import override_settings

    data = tmp_path_factory.mktemp("data")
    with override_settings(DATA_DIR=data, ERASURE_LEDGER_FILE=data / "erasure-ledger.jsonl"):
        yield data


# PBKDF2 on every test user makes the suite take minutes; MD5 is fine for test passwords.
FAST_PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Background tasks run at once in tests (the database backend needs a worker process).
IMMEDIATE_TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def default_language():
    """Every test starts in the site's language (Dutch): a request made by an earlier test in the same
    worker leaves the language it served active on the thread, and a domain message read without a
    request would otherwise come out in English or Dutch depending on which test ran before."""
    from django.conf import settings as django_settings
    from django.utils import translation

    translation.activate(django_settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = FAST_PASSWORD_HASHERS


@pytest.fixture(autouse=True)
def immediate_tasks(settings):
    settings.TASKS = IMMEDIATE_TASKS


@pytest.fixture(autouse=True)
def flushable_audit_trail(request):
    """A transactional test ends with a flush, which on SQLite deletes log rows row by row: the
    append-only triggers are lifted just for it (the flush installs them again)."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None or not marker.kwargs.get("transaction"):
        yield
        return
    request.getfixturevalue("transactional_db")
    yield
    from koppel.common.guards import GUARDS, drop_guards

    drop_guards(GUARDS)


@pytest.fixture(scope="module")
def demo_db(django_db_setup, django_db_blocker):
    """The demo organisation (`koppel demo`), loaded once for all the tests of a module that ask for
    it, in a transaction rolled back after the module's last test. Loading it takes seconds; each test
    still runs in a savepoint of its own (the `db` fixture), so what one test changes the next one
    does not see. A module that uses it has no `transaction=True` test (that would flush the demo)
    and no test that needs an empty database."""
    from django.db import transaction
    from django.test import override_settings

    from koppel.demo.load import load_demo

    # Function-scoped fixtures (and `settings`) start after this one: set what they would set.
    with override_settings(PASSWORD_HASHERS=FAST_PASSWORD_HASHERS, TASKS=IMMEDIATE_TASKS):
        outer = transaction.atomic()
        with django_db_blocker.unblock():
            outer.__enter__()
        try:
            with django_db_blocker.unblock():
                assert load_demo() is True
            yield
        finally:
            with django_db_blocker.unblock():
                transaction.set_rollback(True)
                outer.__exit__(None, None, None)


@pytest.fixture
def demo(demo_db, db) -> None:
    """The demo organisation for one test: `demo_db` (loaded once per module) plus the test's own
    savepoint."""


@pytest.fixture(scope="session")
def migrated_sqlite_template(tmp_path_factory, worker_id) -> Path:
    """One migrated SQLite file for the tests that run Koppel in processes of its own, made once per
    run (in the folder pytest-xdist's workers share) rather than once per test."""
    from tests.processes import migrate_template

    root = tmp_path_factory.getbasetemp()
    return migrate_template(root if worker_id == "master" else root.parent)


@pytest.fixture
def migrated_sqlite(tmp_path, migrated_sqlite_template) -> Path:
    """`tmp_path/koppel.sqlite3`, a migrated database for a test's `koppel` processes (what
    `koppel migrate` on a new file gives)."""
    from tests.processes import copy_database

    db = tmp_path / "koppel.sqlite3"
    copy_database(migrated_sqlite_template, db)
    return db


@pytest.fixture
def cast(db) -> Cast:
    org = f.OrganisationFactory(name="Stichting Samen Verder")
    programme = f.ProgrammeFactory(organisation=org, name="Maatjes Zuid")
    other_programme = f.ProgrammeFactory(
        organisation=org, name="Samen Sterk op School", kind="school", form="team"
    )
    admin = f.AdministratorFactory(organisation=org, user__email="admin@example.org").user
    coordinator = f.CoordinatorFactory(programme=programme, user__email="coordinator@example.org").user
    other_coordinator = f.CoordinatorFactory(
        programme=other_programme, user__email="other-coordinator@example.org"
    ).user
    for staff in (admin, coordinator, other_coordinator):
        enrol_mfa(staff)
    mentor = f.UserFactory(email="mentor@example.org")
    other_mentor = f.UserFactory(email="other-mentor@example.org")
    youth = f.UserFactory(email="youth@example.org")
    guardian = f.UserFactory(email="guardian@example.org")
    mentor_row = f.MentorFactory(programme=programme, user=mentor, coordinator=coordinator)
    other_mentor_row = f.MentorFactory(programme=programme, user=other_mentor)
    youth_row = f.YouthFactory(programme=programme, user=youth, coordinator=coordinator)
    other_youth_row = f.YouthFactory(programme=other_programme)
    guardian_row = f.GuardianFactory(organisation=org, user=guardian)
    f.GuardianshipFactory(youth=youth_row, guardian=guardian_row)
    f.GuardianshipFactory(youth=other_youth_row)
    # Started long ago, so it counts in no "recent" figure unless a test says so.
    match = f.MatchFactory(
        youth=youth_row, mentors=[mentor_row], started_on=timezone.localdate() - timedelta(days=400)
    )
    return Cast(
        programme=programme,
        other_programme=other_programme,
        admin=admin,
        coordinator=coordinator,
        other_coordinator=other_coordinator,
        mentor=mentor,
        other_mentor=other_mentor,
        youth=youth,
        guardian=guardian,
        mentor_row=mentor_row,
        other_mentor_row=other_mentor_row,
        youth_row=youth_row,
        other_youth_row=other_youth_row,
        guardian_row=guardian_row,
        match=match,
    )


@pytest.fixture
def client_for(client):
    """client_for(user) -> a test client logged in as `user` (or anonymous for None)."""

    def make(user):
        from django.test import Client

        c = Client()
        if user is not None:
            c.force_login(user)
        return c

    return make

"""Settings read from the environment, the production checks and the content security policy."""

import os
import secrets
import subprocess
import sys
from types import SimpleNamespace

import pytest
from django.core.exceptions import ImproperlyConfigured

from koppel.cli import production_problems
from koppel.settings import DEV_SECRET_KEY, env_bool, env_int, env_list

# --- Typed helpers --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("1", True), ("true", True), ("Yes", True), (" on ", True), ("0", False), ("off", False)],
)
def test_env_bool_reads_the_usual_spellings(monkeypatch, raw, expected):
    monkeypatch.setenv("KOPPEL_TEST_FLAG", raw)
    assert env_bool("KOPPEL_TEST_FLAG", not expected) is expected


def test_env_bool_falls_back_to_the_default_when_unset(monkeypatch):
    monkeypatch.delenv("KOPPEL_TEST_FLAG", raising=False)
    assert env_bool("KOPPEL_TEST_FLAG", True) is True


def test_env_bool_refuses_a_value_it_cannot_read(monkeypatch):
    monkeypatch.setenv("KOPPEL_TEST_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="KOPPEL_TEST_FLAG"):
        env_bool("KOPPEL_TEST_FLAG", False)


def test_env_int_reads_a_number_and_defaults_when_unset_or_empty(monkeypatch):
    monkeypatch.setenv("KOPPEL_TEST_NUMBER", "12")
    assert env_int("KOPPEL_TEST_NUMBER", 3) == 12
    monkeypatch.setenv("KOPPEL_TEST_NUMBER", "")
    assert env_int("KOPPEL_TEST_NUMBER", 3) == 3
    monkeypatch.delenv("KOPPEL_TEST_NUMBER")
    assert env_int("KOPPEL_TEST_NUMBER", 3) == 3


def test_env_int_refuses_a_value_it_cannot_read(monkeypatch):
    monkeypatch.setenv("KOPPEL_TEST_NUMBER", "12x")
    with pytest.raises(ImproperlyConfigured, match="KOPPEL_TEST_NUMBER"):
        env_int("KOPPEL_TEST_NUMBER", 3)


def test_env_list_splits_on_commas_and_drops_blanks(monkeypatch):
    monkeypatch.setenv("KOPPEL_TEST_LIST", "koppel.example.org, www.koppel.example.org,,")
    assert env_list("KOPPEL_TEST_LIST", []) == ["koppel.example.org", "www.koppel.example.org"]
    monkeypatch.delenv("KOPPEL_TEST_LIST")
    assert env_list("KOPPEL_TEST_LIST", ["localhost"]) == ["localhost"]


# --- Production checks ----------------------------------------------------------------------------


def production_env(tmp_path, **overrides):
    """The smallest production environment: nothing inherited but PATH. Mail must go somewhere
    (the console mailer is mail.E001), MFA secrets need their own key (koppel.W001) and backups one
    (koppel.W020)."""
    env = {
        "PATH": os.environ["PATH"],
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(45),  # 60 characters
        "SITE_URL": "https://koppel.example.org",
        "DATABASE_URL": f"sqlite:///{tmp_path}/x.sqlite3",
        "KOPPEL_DATA_DIR": str(tmp_path),
        "EMAIL_HOST": "smtp.example.org",
        "FIELD_ENCRYPTION_KEY": "x0o3wq0pQm3cJ1Kc1l9aBq1zXhQfNqkWc7n9sVq3YtE=",
        "BACKUP_ENCRYPTION_KEY": secrets.token_urlsafe(32),
    }
    env.update(overrides)
    return {name: value for name, value in env.items() if value is not None}


def check_deploy(env):
    return subprocess.run(
        [sys.executable, "-m", "koppel.cli", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_passes_for_a_production_configuration(tmp_path):
    result = check_deploy(production_env(tmp_path))
    assert result.returncode == 0, f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}"


def test_check_deploy_fails_with_debug_on(tmp_path):
    result = check_deploy(production_env(tmp_path, DEBUG="1"))
    assert result.returncode != 0, f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}"


def test_check_deploy_fails_without_a_mail_server(tmp_path):
    result = check_deploy(production_env(tmp_path, EMAIL_HOST=None))
    assert result.returncode != 0, f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}"
    assert "mail.E001" in result.stderr


def test_check_deploy_warns_without_a_backup_key(tmp_path):
    result = check_deploy(production_env(tmp_path, BACKUP_ENCRYPTION_KEY=None))
    assert result.returncode != 0, f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}"
    assert "koppel.W020" in result.stderr


def test_check_deploy_fails_with_the_development_secret_key(tmp_path):
    result = check_deploy(production_env(tmp_path, SECRET_KEY=None))
    assert result.returncode != 0, f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}"


def test_check_deploy_warns_without_a_separate_encryption_key(tmp_path):
    result = check_deploy(production_env(tmp_path, FIELD_ENCRYPTION_KEY=None))
    assert result.returncode != 0
    assert "koppel.W001" in result.stderr


def settings_like(**overrides):
    values = {
        "DEBUG": False,
        "SECRET_KEY": secrets.token_urlsafe(45),
        "DEV_SECRET_KEY": DEV_SECRET_KEY,
        "KOPPEL_DEMO": False,
    }
    values.update(overrides)
    return SimpleNamespace(**values)


def test_production_problems_none_for_a_good_configuration():
    assert production_problems(settings_like()) == []


def test_production_problems_debug_on():
    problems = production_problems(settings_like(DEBUG=True))
    assert len(problems) == 1
    assert "DEBUG" in problems[0]


def test_production_problems_development_secret_key():
    problems = production_problems(settings_like(SECRET_KEY=DEV_SECRET_KEY))
    assert len(problems) == 1
    assert "SECRET_KEY" in problems[0]


def test_production_problems_short_secret_key():
    assert len(production_problems(settings_like(SECRET_KEY="change-me"))) == 1


def test_production_problems_demo():
    problems = production_problems(settings_like(KOPPEL_DEMO=True))
    assert len(problems) == 1
    assert "KOPPEL_DEMO" in problems[0]


# --- Content security policy ----------------------------------------------------------------------


@pytest.mark.django_db
def test_login_page_sends_a_strict_content_security_policy(client):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy


# --- The SQLite file -------------------------------------------------------------------------------


MIGRATE_WITH_UMASK_022 = (
    "import os, sys; os.umask(0o022); from koppel.cli import main; "
    "sys.argv = ['koppel', 'migrate', '-v0']; main()"
)


def test_migrate_on_a_fresh_path_makes_an_owner_only_sqlite_file_and_folder(tmp_path):
    data = tmp_path / "data"
    env = production_env(tmp_path, DATABASE_URL=f"sqlite:///{data}/koppel.sqlite3", KOPPEL_DATA_DIR=str(data))
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            MIGRATE_WITH_UMASK_022,
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert (data / "koppel.sqlite3").stat().st_size > 0  # migrated
    for path in (data / "koppel.sqlite3", data / "koppel.sqlite3-wal", data / "koppel.sqlite3-shm"):
        if path.exists():
            assert path.stat().st_mode & 0o077 == 0, (
                f"{path.name} is readable by others: {oct(path.stat().st_mode)}"
            )
    assert data.stat().st_mode & 0o077 == 0


def test_an_existing_sqlite_file_readable_by_others_is_made_owner_only(tmp_path):
    path = tmp_path / "koppel.sqlite3"
    path.write_bytes(b"")
    path.chmod(0o644)
    from koppel.settings import private_sqlite_file

    private_sqlite_file(path)
    assert path.stat().st_mode & 0o777 == 0o600

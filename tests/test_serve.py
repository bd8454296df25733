"""`koppel serve` end to end: a production configuration, collected static files, a real server."""

import os
import re
import secrets
import socket
import subprocess
import sys
import time
import urllib.request

import pytest


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _env(tmp_path, **overrides):
    env = {
        "PATH": os.environ["PATH"],
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(45),
        "SITE_URL": "https://koppel.example.org",
        "TRUST_PROXY_HEADERS": "1",
        "DATABASE_URL": f"sqlite:///{tmp_path}/koppel.sqlite3",
        "KOPPEL_DATA_DIR": str(tmp_path),
        "FIELD_ENCRYPTION_KEY": "x0o3wq0pQm3cJ1Kc1l9aBq1zXhQfNqkWc7n9sVq3YtE=",
        "EMAIL_HOST": "smtp.example.org",
    }
    env.update(overrides)
    return env


def _koppel(*args, env):
    return subprocess.run(
        [sys.executable, "-m", "koppel.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


def test_serve_refuses_debug_and_the_development_key(tmp_path):
    debug = _koppel("serve", env=_env(tmp_path, DEBUG="1"))
    assert debug.returncode == 2
    assert "DEBUG is on" in debug.stderr
    dev_key = _env(tmp_path)
    del dev_key["SECRET_KEY"]
    result = _koppel("serve", env=dev_key)
    assert result.returncode == 2
    assert "SECRET_KEY" in result.stderr


@pytest.mark.slow
def test_serve_runs_a_production_server_with_static_files(tmp_path, migrated_sqlite):
    env = _env(tmp_path)
    assert _koppel("migrate", "--noinput", env=env).returncode == 0
    collected = _koppel("collectstatic", "--noinput", env=env)
    assert collected.returncode == 0, collected.stderr
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "koppel.cli", "serve", "--bind", f"127.0.0.1:{port}", "--workers", "2"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        headers = {"X-Forwarded-Proto": "https", "Host": "koppel.example.org"}
        body = None
        for _ in range(100):
            try:
                request = urllib.request.Request(f"http://127.0.0.1:{port}/accounts/login/", headers=headers)
                with urllib.request.urlopen(request, timeout=5) as response:
                    body = response.read().decode()
                    csp = response.headers["Content-Security-Policy"]
                    hsts = response.headers["Strict-Transport-Security"]
                break
            except OSError:
                time.sleep(0.2)
        assert body is not None, "the server did not answer"
        assert 'lang="nl"' in body
        assert "unsafe-inline" not in csp
        assert "max-age=" in hsts
        css = re.search(r'href="(/static/koppel/koppel\.[0-9a-f]+\.css)"', body)
        assert css, "static files are not served through the hashed manifest"
        request = urllib.request.Request(f"http://127.0.0.1:{port}{css.group(1)}", headers=headers)
        with urllib.request.urlopen(request, timeout=5) as response:
            assert response.status == 200
            assert "max-age" in response.headers["Cache-Control"]
    finally:
        server.terminate()
        server.wait(timeout=20)

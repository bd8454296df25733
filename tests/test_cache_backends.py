"""Sessions, throttling and the cache live outside the process: the database cache, or Redis."""

import json
import os
import socket
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.cache import cache


def _settings_in_subprocess(**env) -> dict:
    code = (
        "import json; from django.conf import settings; "
        "print(json.dumps({'CACHES': settings.CACHES, 'SESSION_ENGINE': settings.SESSION_ENGINE}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={"PATH": os.environ["PATH"], "DJANGO_SETTINGS_MODULE": "koppel.settings", **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout)


def test_sessions_use_the_shared_cache_and_the_cache_defaults_to_the_database():
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.cache"
    assert settings.CACHES["default"]["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"


@pytest.mark.django_db
def test_the_database_cache_table_exists_after_migrate():
    cache.set("koppel-test", 42)
    assert cache.get("koppel-test") == 42


def test_redis_url_moves_cache_and_sessions_to_redis():
    configured = _settings_in_subprocess(REDIS_URL="redis://127.0.0.1:6379/9")
    assert configured["CACHES"]["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert configured["SESSION_ENGINE"] == "django.contrib.sessions.backends.cache"


def _redis_running() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
    except OSError:
        return False
    return True


@pytest.mark.skipif(not _redis_running(), reason="no Redis server on 127.0.0.1:6379")
def test_redis_cache_round_trip():
    from django.core.cache.backends.redis import RedisCache

    redis_cache = RedisCache("redis://127.0.0.1:6379/9", {})
    redis_cache.set("koppel-test", {"a": 1}, 10)
    assert redis_cache.get("koppel-test") == {"a": 1}
    redis_cache.delete("koppel-test")

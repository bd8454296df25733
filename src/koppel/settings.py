"""Koppel settings: one file, environment variables only.

Every variable read here is listed in `.env.example`. The typed helpers below fail loudly on a
value they cannot read, so a typo in production stops the start instead of running with a default.
Development defaults just work: SQLite under ./var/, console mail, the database cache.
"""

import os
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent
DEV_SECRET_KEY = "koppel-development-secret-key-do-not-use-in-production"

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false, yes/no), got {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}") from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


# --- Core -----------------------------------------------------------------------------------------

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY", DEV_SECRET_KEY)
# Set only by `koppel demo`: switches off MFA enforcement and shows a banner on every page.
KOPPEL_DEMO = env_bool("KOPPEL_DEMO", False)

SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
_site = urlsplit(SITE_URL)
if _site.scheme not in ("http", "https") or not _site.hostname:
    raise ImproperlyConfigured(f"SITE_URL must be an http(s) URL, got {SITE_URL!r}")
HTTPS = _site.scheme == "https"
SITE_NAME = env_str("SITE_NAME", "Koppel")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [_site.hostname, "127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [SITE_URL])
DATA_DIR = Path(env_str("KOPPEL_DATA_DIR", "var")).resolve()

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rules.apps.AutodiscoverRulesConfig",
    "django_filters",
    "django_tasks_db",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    "koppel.common",
    "koppel.accounts",
    "koppel.programmes",
    "koppel.people",
    "koppel.matches",
    "koppel.training",
    "koppel.surveys",
    "koppel.reports",
    "koppel.privacy",
    "koppel.periodic",
    "koppel.staff",
    "koppel.portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "koppel.common.middleware.MaintenanceMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "koppel.common.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "allauth.usersessions.middleware.UserSessionsMiddleware",
    "koppel.common.middleware.SessionTimeoutMiddleware",
    "koppel.common.middleware.PermissionsPolicyMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "koppel.roles.StaffMFAMiddleware",
]

ROOT_URLCONF = "koppel.urls"
WSGI_APPLICATION = "koppel.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "koppel.roles.context",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------------

DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{DATA_DIR / 'koppel.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 0))}


def private_sqlite_file(path: Path) -> None:
    """The SQLite file holds everyone's personal data: its folder and the file itself are made
    readable by the owner only (0700 and 0600), whatever the umask. The file is created empty (an
    empty file is an empty SQLite database); SQLite gives its -wal and -shm files the file's mode."""
    if not path.parent.exists():
        path.parent.mkdir(parents=True, mode=0o700)
        path.parent.chmod(0o700)  # mkdir's mode is reduced by the umask
    if not path.exists():
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
    for name in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        if name.exists() and name.stat().st_uid == os.getuid() and name.stat().st_mode & 0o077:
            name.chmod(0o600)


if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    if DATABASES["default"]["NAME"] not in ("", ":memory:") and not str(
        DATABASES["default"]["NAME"]
    ).startswith("file:"):
        private_sqlite_file(Path(DATABASES["default"]["NAME"]))
    # WAL lets readers work while one writer writes; IMMEDIATE takes the write lock at the start of
    # a transaction, so two writers queue instead of failing with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # The reports' grouped queries over a few hundred thousand rows run in well under a second, but
    # PostgreSQL's JIT compiler spends seconds compiling them first (measured: 4.6 of 5.4 s on the
    # meeting-frequency query, benchmarks/reports_bench.py). Koppel has no query that JIT would help.
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].setdefault("options", "-c jit=off")

# --- Cache, sessions, throttling: nothing another process needs is kept in process memory ----------

REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "koppel_cache",
        }
    }
SESSION_ENGINE = "django.contrib.sessions.backends.cache"
# The longest a login lasts, however active (SessionTimeoutMiddleware ends it after this).
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 60 * 60 * 12)
# A login ends after this many seconds without a request (a shared or lost computer).
SESSION_IDLE_TIMEOUT = env_int("SESSION_IDLE_TIMEOUT", 60 * 30)
if not 60 <= SESSION_IDLE_TIMEOUT <= SESSION_COOKIE_AGE:
    raise ImproperlyConfigured("SESSION_IDLE_TIMEOUT must be at least 60 and at most SESSION_COOKIE_AGE.")
# Messages live in the session, never in a cookie: they can name a person ("Welcome, Sanne").
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

# --- Authentication (django-allauth: login by e-mail, reset by e-mail, throttling, TOTP MFA) ------

AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
    # allauth's log-in by e-mail, restricted to the account's own or a verified address.
    "koppel.accounts.backends.AuthenticationBackend",
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "none"
# Changing the login address: the password again, then a link to the new address verifies it; only
# then is it the login address (the old one is removed and told). Until then it opens nothing
# (koppel.accounts.domain.logins). Mails about changes (password, address, MFA) go to the account.
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_REAUTHENTICATION_REQUIRED = True
ACCOUNT_EMAIL_NOTIFICATIONS = True
ACCOUNT_FORMS = {"reset_password": "koppel.accounts.forms.ResetPasswordForm"}
ACCOUNT_ADAPTER = "koppel.accounts.adapters.AccountAdapter"
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_RATE_LIMITS = {
    "login_failed": "5/m/ip,5/5m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
}
MFA_ADAPTER = "koppel.accounts.adapters.MFAAdapter"
# Passkeys (WebAuthn, through the fido2 package) next to authenticator apps: mentors meet minors,
# and a programme can require a second factor of its mentors (ProgrammeSettings.mentor_mfa_required).
MFA_SUPPORTED_TYPES = ["totp", "webauthn", "recovery_codes"]
MFA_PASSKEY_LOGIN_ENABLED = True
# Passkeys need a secure origin; the development server on http://127.0.0.1 is one for browsers.
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = DEBUG
MFA_TOTP_ISSUER = SITE_NAME
# Encryption at rest (Fernet) of MFA secrets and of the most sensitive fields (screening notes,
# self-disclosures, intake notes, concerns, answers on alcohol, drugs and delinquency); see
# koppel/common/crypto.py and docs/privacy.md. FIELD_ENCRYPTION_KEYS lists keys, the first
# encrypts and all decrypt (rotation: put a new key first, run `koppel rotate_encryption_key`, then
# drop the old one). FIELD_ENCRYPTION_KEY is one key: the encrypting key when FIELD_ENCRYPTION_KEYS
# is empty, an older key otherwise. "derived" (or neither setting) means a key derived from
# SECRET_KEY; set keys of their own so a leaked database and SECRET_KEY alone do not reveal them.
FIELD_ENCRYPTION_KEY = env_str("FIELD_ENCRYPTION_KEY")
FIELD_ENCRYPTION_KEYS = env_list("FIELD_ENCRYPTION_KEYS", [])


def _check_fernet_key(name: str, key: str) -> None:
    from cryptography.fernet import Fernet

    if key == "derived":
        return
    try:
        Fernet(key.encode())
    except ValueError:
        raise ImproperlyConfigured(
            f"{name} must hold Fernet keys (32 url-safe base64 bytes) or the word 'derived'"
        ) from None


for _key in FIELD_ENCRYPTION_KEYS:
    _check_fernet_key("FIELD_ENCRYPTION_KEYS", _key)
if FIELD_ENCRYPTION_KEY:
    _check_fernet_key("FIELD_ENCRYPTION_KEY", FIELD_ENCRYPTION_KEY)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "koppel.accounts.validators.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Language and time ----------------------------------------------------------------------------

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", "Nederlands"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["koppel.formats"]
USE_I18N = True
TIME_ZONE = "Europe/Amsterdam"
USE_TZ = True

# --- Static files ---------------------------------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(DATA_DIR / "static")))
_MANIFEST = STATIC_ROOT / "staticfiles.json"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "koppel.common.storage.StaticStorage"},
}
# Serve straight from the app folders when nothing was collected (the demo, tests).
WHITENOISE_USE_FINDERS = env_bool("WHITENOISE_USE_FINDERS", not _MANIFEST.exists())
WHITENOISE_AUTOREFRESH = DEBUG

# --- Mail -----------------------------------------------------------------------------------------
# Every mail goes through the outbox (common/domain/mail.py): requests only queue it, the worker
# delivers it. EMAIL_TIMEOUT (seconds) bounds each step of talking to the mail server, so a server
# that hangs costs the worker seconds, and the mail is retried later.

DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Koppel <koppel@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
_email_host = env_str("EMAIL_HOST")
if _email_host:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": _email_host,
                "port": env_int("EMAIL_PORT", 587),
                "username": env_str("EMAIL_HOST_USER"),
                "password": env_str("EMAIL_HOST_PASSWORD"),
                "use_tls": env_bool("EMAIL_USE_TLS", not env_bool("EMAIL_USE_SSL", False)),
                "use_ssl": env_bool("EMAIL_USE_SSL", False),
                "timeout": env_int("EMAIL_TIMEOUT", 10),
            },
        }
    }
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}

# --- Background tasks -----------------------------------------------------------------------------
# Django's tasks framework with a persistent backend: tasks are rows in the database, and
# `koppel worker` runs them (`koppel demo` starts one beside the web server).
# TASKS_BACKEND=immediate runs each task at once in the request (tests, or a one-person install).

_tasks_backend = env_str("TASKS_BACKEND", "database")
if _tasks_backend not in ("database", "immediate"):
    raise ImproperlyConfigured("TASKS_BACKEND must be 'database' or 'immediate'.")
TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks_db.DatabaseBackend"
            if _tasks_backend == "database"
            else "django.tasks.backends.immediate.ImmediateBackend"
        ),
        "QUEUES": ["default"],
    }
}

# --- Security -------------------------------------------------------------------------------------

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", HTTPS)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", HTTPS)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", HTTPS)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", HTTPS)
# Joining the browsers' preload list is hard to undo, so it is a deliberate choice, not a default;
# Django's reminder about it (security.W021) is silenced until then.
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
# Features the browser may offer pages; Koppel uses none but passkeys (WebAuthn) on its own pages.
PERMISSIONS_POLICY = {
    "accelerometer": [],
    "camera": [],
    "geolocation": [],
    "gyroscope": [],
    "magnetometer": [],
    "microphone": [],
    "payment": [],
    "usb": [],
    "publickey-credentials-get": ["self"],
    "publickey-credentials-create": ["self"],
}
if env_bool("TRUST_PROXY_HEADERS", False):
    # Behind a reverse proxy that terminates TLS and sets X-Forwarded-Proto.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    USE_X_FORWARDED_HOST = True
    # The client's address is the one the last TRUSTED_PROXY_COUNT proxies add to X-Forwarded-For;
    # every throttle (log-in, password reset, the public application form) counts per that address.
    # Without TRUST_PROXY_HEADERS the header is ignored: a client could write anything in it.
    ALLAUTH_TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 1)
    if ALLAUTH_TRUSTED_PROXY_COUNT < 1:
        raise ImproperlyConfigured("TRUSTED_PROXY_COUNT must be at least 1 with TRUST_PROXY_HEADERS.")

# --- Logging: never personal data; names and screening results stay out of log lines --------------

# Request paths in log lines lose their query string (search terms) and secret segments (link tokens,
# reset keys): the development server's lines and "Not Found: /path" warnings through the filter
# below, gunicorn's access log through koppel.common.serverlogs.AccessLogger (`koppel serve`).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "mask_paths": {"()": "koppel.common.serverlogs.MaskPaths"},
        "short_client_errors": {"()": "koppel.common.serverlogs.ShortClientErrors"},
    },
    "formatters": {
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        }
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["mask_paths", "short_client_errors"]},
        "django.server": {
            "class": "logging.StreamHandler",
            "formatter": "django.server",
            "filters": ["mask_paths"],
        },
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        # Django's own console handler (with DEBUG) would write every line a second time beside the
        # root's: the "django" loggers hand their records to the root only.
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "django.db.backends": {"level": "WARNING"},
        # Masked where the record is made, before any handler sees it.
        "django.server": {
            "handlers": ["django.server"],
            "level": "INFO",
            "propagate": False,
            "filters": ["mask_paths"],
        },
        "django.request": {"filters": ["mask_paths", "short_client_errors"]},
        "django.security.csrf": {"filters": ["mask_paths", "short_client_errors"]},
    },
}

# --- Koppel ---------------------------------------------------------------------------------------

PAGE_SIZE = env_int("PAGE_SIZE", 25)
# Activity- and access-log rows older than this many days are purged by `koppel send_reminders`
# (common/domain/retention.py); the purge itself is logged. The retention schedule
# (privacy/domain/retention.py, rule "logs") shows this one value: there is no second one.
LOG_RETENTION_DAYS = env_int("LOG_RETENTION_DAYS", 5 * 365)
# Days an item of the retention preview waits before `koppel send_reminders` purges it, so that an
# administrator sees what goes and can lengthen a period first (privacy/domain/retention.py).
RETENTION_NOTICE_DAYS = env_int("RETENTION_NOTICE_DAYS", 14)
# The key of the erasure ledger's hashes (default: derived from SECRET_KEY). Never change it once
# people were erased: a restored backup finds them again by this key.
ERASURE_LEDGER_KEY = env_str("ERASURE_LEDGER_KEY")
# A copy of the erasure ledger outside the database, one JSON line per erasure, read by `koppel
# restore`: a backup restored after the database itself was lost still forgets the people erased
# after that backup. Keep it on storage that outlives the database (default: KOPPEL_DATA_DIR).
ERASURE_LEDGER_FILE = Path(env_str("ERASURE_LEDGER_FILE", str(DATA_DIR / "erasure-ledger.jsonl")))
# The passphrase `koppel backup` encrypts archives with and `koppel restore` opens them with (scrypt,
# then AES-256-GCM). A long random string (a Fernet key will do); keep a copy away from the backups.
# Without it `koppel backup` refuses in production; with DEBUG or the demo it derives one from
# SECRET_KEY and warns.
BACKUP_ENCRYPTION_KEY = env_str("BACKUP_ENCRYPTION_KEY")
if BACKUP_ENCRYPTION_KEY and len(BACKUP_ENCRYPTION_KEY) < 32:
    raise ImproperlyConfigured("BACKUP_ENCRYPTION_KEY must be at least 32 characters (a long random string).")

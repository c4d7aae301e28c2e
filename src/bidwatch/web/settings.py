"""Settings for the bidwatch web application, read from the environment (nothing secret in the repo).

Variables (all optional):

- ``BIDWATCH_DATA_DIR``: where the SQLite database, uploads and the generated secret live
  (default ``./var``).
- ``DATABASE_URL``: ``postgres://user:pw@host:5432/name`` selects PostgreSQL; default SQLite in the data dir.
- ``BIDWATCH_SECRET_KEY``: the Django secret; when absent one is generated on first run and kept in
  ``<data dir>/secret_key`` (mode 0600), so demo installs need no set-up and the repo holds no secret.
  ``BIDWATCH_SECRET_KEY_FALLBACKS`` (comma list): previous keys, still accepted while rotating.
- ``BIDWATCH_DEBUG`` (0/1), ``BIDWATCH_ALLOWED_HOSTS`` (comma list, default ``127.0.0.1,localhost``),
  ``BIDWATCH_CSRF_TRUSTED_ORIGINS``, ``BIDWATCH_SECURE_COOKIES`` (1 behind HTTPS),
  ``BIDWATCH_HTTPS`` (1 behind TLS: https redirect, HSTS for ``BIDWATCH_HSTS_SECONDS``, secure cookies),
  ``BIDWATCH_PROXY_SSL_HEADER`` (e.g. ``X-Forwarded-Proto`` from a TLS-terminating proxy),
  ``BIDWATCH_SESSION_IDLE_SECONDS`` (default 1800), ``BIDWATCH_NODE_MODULES`` (front-end libraries),
  ``BIDWATCH_TASKS_EAGER`` (1 runs background tasks inline: tests only),
  ``BIDWATCH_LOGIN_MAX_FAILURES`` (default 5 per user and address in 15 minutes),
  ``BIDWATCH_CLIENT_IP_HEADER`` (e.g. ``X-Forwarded-For``) and ``BIDWATCH_TRUSTED_PROXIES`` (the proxies
  whose header is believed; default 127.0.0.1 and ::1 when a header is set),
  ``BIDWATCH_SETTINGS`` (a TOML file over the packaged settings.toml; the web reads its ``[workdays]``
  section: holidays of years the bundled calendar does not cover yet; and the bid-file comparison its
  ``[documents]`` and ``[collusion]`` thresholds).
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from django.utils.translation import gettext_lazy as _

from bidwatch.web.dburl import parse_database_url

WEB_DIR = Path(__file__).resolve().parent


def _env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DATA_DIR = Path(os.environ.get("BIDWATCH_DATA_DIR") or Path.cwd() / "var").resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    key = os.environ.get("BIDWATCH_SECRET_KEY")
    if key:
        return key
    path = DATA_DIR / "secret_key"
    if not path.exists():
        # O_EXCL: two processes starting at once must not overwrite each other's key.
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w") as fh:
                fh.write(secrets.token_urlsafe(50))
    return path.read_text().strip()


SECRET_KEY = _secret_key()
# Key rotation: the new key in BIDWATCH_SECRET_KEY, the previous one(s) here until the sessions signed
# with them have expired (SESSION_COOKIE_AGE), then removed.
SECRET_KEY_FALLBACKS = _env_list("BIDWATCH_SECRET_KEY_FALLBACKS", "")
DEBUG = _env_bool("BIDWATCH_DEBUG")
ALLOWED_HOSTS = _env_list("BIDWATCH_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver")
CSRF_TRUSTED_ORIGINS = _env_list("BIDWATCH_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "bidwatch.web.core",
    "bidwatch.web.accounts",
    "bidwatch.web.audit",
    "bidwatch.web.tasks",
    "bidwatch.web.tenders",
    "bidwatch.web.alerts",
    "bidwatch.web.datasets",
    "bidwatch.web.complaints",
    "bidwatch.web.reports",
    "bidwatch.web.credit",
    "bidwatch.web.campaign",
    "bidwatch.web.bidcompare",
    "bidwatch.web.supervision",
    "bidwatch.web.tipoffs",
    "bidwatch.web.attachments",
    "bidwatch.web.interference",
    "bidwatch.web.review",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "bidwatch.web.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "bidwatch.web.audit.middleware.AuditMiddleware",
    "bidwatch.web.middleware.NoStoreMiddleware",
    "bidwatch.web.accounts.middleware.PasswordChangeRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "bidwatch.web.urls"
WSGI_APPLICATION = "bidwatch.web.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [WEB_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            # every template translates: {% translate %} and {% blocktranslate %} need no {% load i18n %}
            "builtins": ["django.templatetags.i18n"],
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "bidwatch.web.accounts.context.role_context",
            ],
        },
    }
]

DATABASES = {"default": parse_database_url(os.environ.get("DATABASE_URL", ""), sqlite_default=DATA_DIR / "bidwatch.sqlite3")}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # A file, not memory, for the test database: the worker thread of the browser tests shares it.
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test-bidwatch.sqlite3")}
BIDWATCH_ENGINE = os.environ.get("BIDWATCH_ENGINE", "")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "tenders:dashboard"
LOGOUT_REDIRECT_URL = "accounts:login"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_MAX_FAILURES = int(os.environ.get("BIDWATCH_LOGIN_MAX_FAILURES", "5"))
LOGIN_FAILURE_WINDOW_SECONDS = 15 * 60
# The client's address behind a reverse proxy: the header is believed only from these proxies.
CLIENT_IP_HEADER = os.environ.get("BIDWATCH_CLIENT_IP_HEADER", "").strip()
TRUSTED_PROXIES = _env_list("BIDWATCH_TRUSTED_PROXIES", "127.0.0.1,::1" if CLIENT_IP_HEADER else "")

# Sessions: idle expiry (sliding), gone when the browser closes.
SESSION_COOKIE_AGE = int(os.environ.get("BIDWATCH_SESSION_IDLE_SECONDS", "1800"))
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# Behind TLS (BIDWATCH_HTTPS=1): http redirected to https, HSTS, cookies sent over https only. Off by
# default: the demo and a workstation serve http://127.0.0.1, where HSTS would lock the browser out.
HTTPS = _env_bool("BIDWATCH_HTTPS")
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = int(os.environ.get("BIDWATCH_HSTS_SECONDS", "31536000")) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS and _env_bool("BIDWATCH_HSTS_SUBDOMAINS", True)
if os.environ.get("BIDWATCH_PROXY_SSL_HEADER"):
    # the TLS-terminating proxy's header saying the client used https, e.g. X-Forwarded-Proto
    SECURE_PROXY_SSL_HEADER = ("HTTP_" + os.environ["BIDWATCH_PROXY_SSL_HEADER"].upper().replace("-", "_"), "https")
if HTTPS:
    # HSTS preload is for public domains on the browsers' list; an intranet host name cannot be on it.
    SILENCED_SYSTEM_CHECKS = ["security.W021"]
SECURE_COOKIES = _env_bool("BIDWATCH_SECURE_COOKIES") or HTTPS
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Everything is served by this application: no CDN, no inline script or style.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [WEB_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Shanghai"
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [WEB_DIR / "static"]
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "bidwatch.web.finders.NodeModulesFinder",
]
NODE_MODULES_DIR = os.environ.get("BIDWATCH_NODE_MODULES", "")
# Serve straight from the finders when collectstatic has not been run (demo, tests).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

MEDIA_ROOT = DATA_DIR / "uploads"
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
MAX_UPLOAD_BYTES = int(os.environ.get("BIDWATCH_MAX_UPLOAD_MB", "500")) * 1024 * 1024
# Zip archives: checked before anything is unpacked (datasets/services.py).
MAX_UNZIPPED_BYTES = int(os.environ.get("BIDWATCH_MAX_UNZIPPED_MB", "2048")) * 1024 * 1024
ZIP_MAX_RATIO = int(os.environ.get("BIDWATCH_ZIP_MAX_RATIO", "100"))  # unpacked / packed, files over 1 MiB
ZIP_MAX_ENTRIES = 10_000
# The check and scan of an import run in a child process limited to this much address space
# (RLIMIT_AS, datasets/isolated.py), so that a bad file cannot take the site's memory; 0: in the
# worker's own process. The 1M-bid scan peaks at ~3.6 GiB resident (bench/README.md).
IMPORT_MEMORY_LIMIT_MB = int(os.environ.get("BIDWATCH_IMPORT_MEMORY_MB", "8192"))

TASKS_EAGER = _env_bool("BIDWATCH_TASKS_EAGER")

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("BIDWATCH_LOG_LEVEL", "WARNING")},
    "loggers": {"bidwatch": {"level": os.environ.get("BIDWATCH_LOG_LEVEL", "INFO")}},
}

# Labels shown in the admin header.
SITE_TITLE = _("Tender risk platform")

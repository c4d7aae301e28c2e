"""Settings for the bidwatch web application, read from the environment (nothing secret in the repo).

Variables (all optional):

- ``BIDWATCH_DATA_DIR``: where the SQLite database, uploads and the generated secret live
  (default ``./var``).
- ``DATABASE_URL``: ``postgres://user:pw@host:5432/name`` selects PostgreSQL; default SQLite in the data dir.
- ``BIDWATCH_SECRET_KEY``: the Django secret; when absent one is generated on first run and kept in
  ``<data dir>/secret_key`` (mode 0600), so demo installs need no set-up and the repo holds no secret.
- ``BIDWATCH_DEBUG`` (0/1), ``BIDWATCH_ALLOWED_HOSTS`` (comma list, default ``127.0.0.1,localhost``),
  ``BIDWATCH_CSRF_TRUSTED_ORIGINS``, ``BIDWATCH_SECURE_COOKIES`` (1 behind HTTPS),
  ``BIDWATCH_SESSION_IDLE_SECONDS`` (default 1800), ``BIDWATCH_NODE_MODULES`` (front-end libraries),
  ``BIDWATCH_TASKS_EAGER`` (1 runs background tasks inline: tests only),
  ``BIDWATCH_LOGIN_MAX_FAILURES`` (default 5 per 15 minutes),
  ``BIDWATCH_SETTINGS`` (a TOML file over the packaged settings.toml; the web reads its ``[workdays]``
  section: holidays of years the bundled calendar does not cover yet).
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

# Sessions: idle expiry (sliding), gone when the browser closes.
SESSION_COOKIE_AGE = int(os.environ.get("BIDWATCH_SESSION_IDLE_SECONDS", "1800"))
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_COOKIES = _env_bool("BIDWATCH_SECURE_COOKIES")
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

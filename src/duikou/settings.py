"""Django settings, read from the environment (and an optional .env file)."""

import os
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent
env = environ.Env()
_dotenv = Path.cwd() / ".env"
if _dotenv.exists():
    environ.Env.read_env(str(_dotenv))

DATA_DIR = Path(env.str("DUIKOU_DATA_DIR", default=str(Path.cwd() / "data"))).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)
DEBUG = env.bool("DUIKOU_DEBUG", default=False)
# A fixed development key keeps the demo one command; production sets DUIKOU_SECRET_KEY.
SECRET_KEY = env.str("DUIKOU_SECRET_KEY", default="duikou-insecure-development-key-change-me-in-production")
ALLOWED_HOSTS = env.list("DUIKOU_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver", "[::1]"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "csp",
    "duikou.core",
    "duikou.accounts",
    "duikou.organizations",
    "duikou.programs",
    "duikou.plans",
    "duikou.targets",
    "duikou.funds",
    "duikou.projects",
    "duikou.dispatches",
    "duikou.reports",
    "duikou.indicators",
    "duikou.assessments",
    "duikou.supervision",
    "duikou.web",
    "duikou.scale",
    "duikou.analytics",
    "duikou.backup",
    "duikou.exchange",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "duikou.core.middleware.SecurityAuditMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "duikou.core.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "duikou.accounts.middleware.PasswordChangeRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "duikou.core.middleware.ActorMiddleware",
]

ROOT_URLCONF = "duikou.urls"
WSGI_APPLICATION = "duikou.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
            ],
        },
    }
]

DATABASES = {
    "default": env.db_url(
        "DUIKOU_DATABASE_URL", default=f"sqlite:///{DATA_DIR / 'duikou.sqlite3'}"
    )
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # WAL and a busy timeout let the web server and the CLI share the file safely.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 30,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", 60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # Two test runs on one server would otherwise share (and drop) the same test_<name> database.
    if env.str("DUIKOU_TEST_DATABASE_NAME", default=""):
        DATABASES["default"]["TEST"] = {"NAME": env.str("DUIKOU_TEST_DATABASE_NAME")}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["duikou.accounts.backends.LockoutBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "accounts:login"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
SESSION_COOKIE_AGE = env.int("DUIKOU_SESSION_SECONDS", default=8 * 3600)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the cookie-free meta tag; keep Django's default
DUIKOU_LOCKOUT_ATTEMPTS = env.int("DUIKOU_LOCKOUT_ATTEMPTS", default=5)
DUIKOU_LOCKOUT_MINUTES = env.int("DUIKOU_LOCKOUT_MINUTES", default=15)

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
# The day every rule counts by (overdue, due soon, periods): see duikou.core.dates.today_for.
DUIKOU_TIME_ZONE = env.str("DUIKOU_TIME_ZONE", default="Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # whitenoise warns on every start when it is missing
# ECharts comes from the npm registry at setup (node_modules), served by the project itself.
NODE_MODULES_DIR = Path(env.str("DUIKOU_NODE_MODULES", default=str(BASE_DIR.parent.parent / "node_modules")))
STATICFILES_DIRS = [("vendor/echarts", NODE_MODULES_DIR / "echarts" / "dist")] if (
    NODE_MODULES_DIR / "echarts" / "dist"
).is_dir() else []
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Uploads and evidence live under the data folder, outside any served path.
# whitenoise serves static files from the app itself (no CDN, no separate web server for the demo).
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = DATA_DIR / "files"
# Files are never served from a URL: evidence goes out only through permission-checked views.
MEDIA_URL = "/files-are-not-served/"
DUIKOU_MAX_UPLOAD_BYTES = env.int("DUIKOU_MAX_UPLOAD_BYTES", default=50 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

EMAIL_BACKEND = env.str("DUIKOU_EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env.str("DUIKOU_EMAIL_HOST", default="localhost")
DEFAULT_FROM_EMAIL = env.str("DUIKOU_EMAIL_FROM", default="duikou@localhost")
DUIKOU_EMAIL_ENABLED = env.bool("DUIKOU_EMAIL_ENABLED", default=False)

# Content-Security-Policy (django-csp): scripts only from the site itself or an inline block carrying the
# request's nonce; no inline style attributes, no plugins, no framing. An injected <img onerror=…> cannot run.
from csp.constants import NONCE, NONE, SELF  # noqa: E402

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DUIKOU_LOG_LEVEL", "WARNING")},
}

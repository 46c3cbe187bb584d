"""Django settings, read from the environment (and an optional .env file)."""

import datetime as dt
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
# Production mode (behind an HTTPS proxy): secure cookies, HSTS, the proxy's scheme header, and a secret that must
# come from the environment. `duikou serve` refuses to start in production mode without one.
PRODUCTION = env.bool("DUIKOU_PRODUCTION", default=False)


def _secret_key() -> str:
    """DUIKOU_SECRET_KEY (or the file DUIKOU_SECRET_KEY_FILE names); outside production, a random key made once in
    the data folder (outside git). Never a key printed in the source: in production without one it stays empty and
    Django refuses every request that needs it."""
    if env.str("DUIKOU_SECRET_KEY", default=""):
        return env.str("DUIKOU_SECRET_KEY")
    if env.str("DUIKOU_SECRET_KEY_FILE", default=""):
        return Path(env.str("DUIKOU_SECRET_KEY_FILE")).read_text(encoding="utf-8").strip()
    if PRODUCTION:
        return ""
    from django.core.management.utils import get_random_secret_key

    path = DATA_DIR / "secret_key"
    try:
        # O_EXCL: of two processes starting at once, one writes the key and both read the same one.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text(encoding="utf-8").strip()
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(get_random_secret_key() + get_random_secret_key())
    return path.read_text(encoding="utf-8").strip()


SECRET_KEY = _secret_key()
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
    "rules.apps.AutodiscoverRulesConfig",  # each app's rules.py: who may take each workflow step
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "csp",
    "django_tasks",
    "django_tasks_db",  # the queue's table: jobs survive a restart (docs/architecture.md, "Long work")
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
    "duikou.changes",
    "duikou.scale",
    "duikou.analytics",
    "duikou.backup",
    "duikou.exchange",
    "duikou.demo",
]

MIDDLEWARE = [
    "duikou.core.middleware.RequestSizeLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "duikou.core.middleware.ContentSecurityPolicyMiddleware",
    "duikou.core.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "duikou.core.middleware.SecurityAuditMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "duikou.core.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "duikou.accounts.middleware.SessionPolicyMiddleware",
    "duikou.accounts.middleware.OTPRequiredMiddleware",
    "duikou.accounts.middleware.PasswordChangeRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "duikou.core.middleware.ActorMiddleware",
    "axes.middleware.AxesMiddleware",
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

DATABASES = {"default": env.db_url("DUIKOU_DATABASE_URL", default=f"sqlite:///{DATA_DIR / 'duikou.sqlite3'}")}
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
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # Django's backend whose health check of an idle kept connection sends no query (duikou.core.postgresql).
        DATABASES["default"]["ENGINE"] = "duikou.core.postgresql"
    # No JIT compilation: the lights' CASE over every task is costed high enough to trigger it, and compiling took
    # 2.2 s of a 2.4 s query at province scale (measured with EXPLAIN ANALYZE); pages run short queries, never
    # the long analytic ones JIT pays off on.
    options = DATABASES["default"].setdefault("OPTIONS", {})
    options["options"] = " ".join(filter(None, [options.get("options", ""), "-c jit=off"]))
    # Prepared statements (psycopg prepares a query text the connection has run before; CONN_MAX_AGE keeps them):
    # PostgreSQL then parses each text once a connection, and after five custom plans uses one generic plan where it
    # costs no more. Cold views of the load on national PostgreSQL, database CPU a request weighted by the mix: 8.9
    # -> 7.0 ms (dashboard 17.1 -> 15.0, unit page 11.4 -> 7.3, report form 5.2 -> 3.0), Python CPU unchanged. The
    # gate's subtree queries stay on custom plans (their generic plans read whole tables), planned each time; so may a
    # lookup by a list of ids, whose count the planner reads (unless hidden from it: core.compiled.AmongUncounted).
    # Needs server-side binding (psycopg's client-side binding cannot prepare); no pgbouncer in transaction mode.
    options.setdefault("server_side_binding", True)
    options.setdefault("prepare_threshold", 1)
    # Two test runs on one server would otherwise share (and drop) the same test_<name> database.
    if env.str("DUIKOU_TEST_DATABASE_NAME", default=""):
        DATABASES["default"]["TEST"] = {"NAME": env.str("DUIKOU_TEST_DATABASE_NAME")}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
# django-axes first (lockout by user name and address together), then Django's password check (PasswordBackend:
# Django's ModelBackend reading the user with its organization).
AUTHENTICATION_BACKENDS = [
    "duikou.accounts.backends.LockoutBackend",
    "duikou.accounts.backends.PasswordBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "accounts:login"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
# 等保2.0 password policy: at least 10 characters of three kinds, not like the user's names, not a common one.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "duikou.accounts.validators.CharacterClassesValidator", "OPTIONS": {"min_classes": 3}},
]
# A password older than this must be changed at the next request (0: never expires).
DUIKOU_PASSWORD_MAX_AGE_DAYS = env.int("DUIKOU_PASSWORD_MAX_AGE_DAYS", default=90)
# Sessions end after this long without a request (idle) and this long after sign-in whatever happens.
SESSION_COOKIE_AGE = env.int("DUIKOU_SESSION_IDLE_SECONDS", default=30 * 60)
DUIKOU_SESSION_MAX_SECONDS = env.int("DUIKOU_SESSION_MAX_SECONDS", default=8 * 3600)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the cookie-free meta tag; keep Django's default
DUIKOU_LOCKOUT_ATTEMPTS = env.int("DUIKOU_LOCKOUT_ATTEMPTS", default=5)
DUIKOU_LOCKOUT_MINUTES = env.int("DUIKOU_LOCKOUT_MINUTES", default=15)
AXES_FAILURE_LIMIT = DUIKOU_LOCKOUT_ATTEMPTS
AXES_COOLOFF_TIME = dt.timedelta(minutes=DUIKOU_LOCKOUT_MINUTES)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "duikou.accounts.views.locked_out"
AXES_CLIENT_IP_CALLABLE = "duikou.core.security.client_address"
AXES_VERBOSE = False
# Administrators (office, 三员, superuser) sign in with a TOTP second factor (django-otp).
DUIKOU_OTP_REQUIRED = env.bool("DUIKOU_OTP_REQUIRED", default=True)
DUIKOU_OTP_ENROL_URL = "/accounts/otp/enrol/"
DUIKOU_OTP_VERIFY_URL = "/accounts/otp/verify/"
OTP_TOTP_ISSUER = "duikou"
# API tokens expire (default 90 days, never more than a year) and carry a scope: read or write.
DUIKOU_API_TOKEN_DAYS = env.int("DUIKOU_API_TOKEN_DAYS", default=90)
DUIKOU_API_TOKEN_MAX_DAYS = 366
# The security audit: kept at least six months (a shorter setting is raised to 183 days).
DUIKOU_AUDIT_RETENTION_DAYS = env.int("DUIKOU_AUDIT_RETENTION_DAYS", default=366)
# 商用密码: SM3 for the audit chain and SM4 for stored evidence files (gmssl), off by default.
DUIKOU_COMMERCIAL_CRYPTO = env.bool("DUIKOU_COMMERCIAL_CRYPTO", default=False)
# The SM4 key for evidence files (32 hex digits); empty: derived from SECRET_KEY (keep both with the backups).
DUIKOU_SM4_KEY = env.str("DUIKOU_SM4_KEY", default="")

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
# So does swagger-ui for the API docs (never a CDN).
STATICFILES_DIRS = [
    (prefix, folder)
    for prefix, folder in (
        ("vendor/echarts", NODE_MODULES_DIR / "echarts" / "dist"),
        ("vendor/swagger-ui", NODE_MODULES_DIR / "swagger-ui-dist"),
    )
    if folder.is_dir()
]
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
# Request bodies are refused (413) from their Content-Length before a byte is read: this much for any request,
# DUIKOU_MAX_UPLOAD_BYTES (and a little for the form around it) on the views that take files.
DUIKOU_MAX_REQUEST_BYTES = env.int("DUIKOU_MAX_REQUEST_BYTES", default=DATA_UPLOAD_MAX_MEMORY_SIZE)
# One document's parse (reader, OCR) runs in a child process with this time budget.
DUIKOU_PARSE_SECONDS = env.int("DUIKOU_PARSE_SECONDS", default=60)
# A document read on the queue (OCR of a scan: seconds a page) has its own, longer budget.
DUIKOU_JOB_PARSE_SECONDS = env.int("DUIKOU_JOB_PARSE_SECONDS", default=30 * 60)
# ... and address space: the OCR engine (onnxruntime) reserves far more than the 1 GB a request's parse may map
# (measured: a scan fails with std::bad_alloc under 1 GB, reads under 4 GB).
DUIKOU_JOB_PARSE_MEMORY_BYTES = env.int("DUIKOU_JOB_PARSE_MEMORY_BYTES", default=4 * 1024**3)

# Long work (imports, publishing, task-table applies, exports, bulletins, OCR) runs on a task queue: django-tasks
# with its database backend (the same database, SQLite or PostgreSQL), worked by `duikou worker` (started by
# `duikou serve`). DUIKOU_TASKS_BACKEND=immediate runs each job inside the request instead (the tests do).
TASKS = {
    "default": {
        "BACKEND": {
            "database": "django_tasks_db.DatabaseBackend",
            "immediate": "django_tasks.backends.immediate.ImmediateBackend",
        }[env.str("DUIKOU_TASKS_BACKEND", default="database")],
    }
}
# A running job whose worker has not been heard of for this long is taken up again (the worker died).
DUIKOU_JOB_STALE_SECONDS = env.int("DUIKOU_JOB_STALE_SECONDS", default=120)
DUIKOU_JOB_KEEP_DAYS = env.int("DUIKOU_JOB_KEEP_DAYS", default=7)
# Where jobs keep their files (an export's workbook) and uploads wait for the worker.
DUIKOU_JOBS_DIR = Path(env.str("DUIKOU_JOBS_DIR", default=str(DATA_DIR / "jobs")))
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

EMAIL_BACKEND = env.str("DUIKOU_EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env.str("DUIKOU_EMAIL_HOST", default="localhost")
DEFAULT_FROM_EMAIL = env.str("DUIKOU_EMAIL_FROM", default="duikou@localhost")
DUIKOU_EMAIL_ENABLED = env.bool("DUIKOU_EMAIL_ENABLED", default=False)

# API rate limit per caller (duikou.core.api_throttle); counts in the cache (DUIKOU_CACHE_URL, shared by every
# process in production: redis://…, or filecache:///var/lib/duikou/cache?max_entries=… on one machine: README).
DUIKOU_API_RATE = env.str("DUIKOU_API_RATE", default="600/m")
DUIKOU_API_ANONYMOUS_RATE = env.str("DUIKOU_API_ANONYMOUS_RATE", default="60/m")
CACHES = {
    "default": env.cache_url("DUIKOU_CACHE_URL", default="locmemcache://"),
    # What each process renders alike for many requests (the navigation of a role): never shared, never stale.
    "layout": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "duikou-layout"},
}
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    CACHES["default"]["BACKEND"] = "duikou.core.redis_cache.RedisCache"
# Sessions are read from that cache and written through to the database (durable across a cache restart): one
# query a request fewer. Only when every process shares the cache: with one cache per process, a sign-out or a
# passed second factor in one worker would not be seen by the others' copies.
# Either refreshes an existing session by one UPDATE (duikou.accounts.sessions).
SESSION_ENGINE = (
    "duikou.accounts.sessions"
    if CACHES["default"]["BACKEND"].endswith(("LocMemCache", "DummyCache"))
    else "duikou.accounts.cached_sessions"
)
# Dashboard figures are cached on the data's version (core.versioned): a change shows on the next view; this bounds
# how long an answer is kept at most (it covers transactions that commit out of the order of their change-log ids).
DUIKOU_FIGURES_CACHE_SECONDS = env.int("DUIKOU_FIGURES_CACHE_SECONDS", default=120)
# A page's kept figures and bodies computed before others' changes are still served this long (never after a change by
# the viewer's own unit, which shows at once): under a stream of reports each view would otherwise compute afresh.
DUIKOU_REUSE_SECONDS = env.int("DUIKOU_REUSE_SECONDS", default=60)
# The dashboard's figures over the whole country are computed on the task queue (web.stats.refresh_snapshot) after
# the data changed, at most once in this many seconds: meanwhile the page shows the last ones and when they were made.
DUIKOU_DASHBOARD_REFRESH_SECONDS = env.int("DUIKOU_DASHBOARD_REFRESH_SECONDS", default=60)
# The client address for limits is REMOTE_ADDR, or the last X-Forwarded-For hop added by our own proxy: a client
# cannot pick its address by sending the header itself.
NINJA_NUM_PROXIES = 1 if PRODUCTION else 0

# Response headers on every page (the rest of a production deployment is in the README).
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
DUIKOU_PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=(), browsing-topics=()"
)
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("DUIKOU_HSTS_SECONDS", default=365 * 24 * 3600)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DUIKOU_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env.bool("DUIKOU_HSTS_PRELOAD", default=True)
    # The HTTPS proxy in front says the scheme; it must strip this header from what clients send.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("DUIKOU_SSL_REDIRECT", default=True)
    CSRF_TRUSTED_ORIGINS = env.list("DUIKOU_CSRF_TRUSTED_ORIGINS", default=[])

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
    "filters": {"quiet_403": {"()": "duikou.core.log_filters.QuietPermissionDenied"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"django.request": {"filters": ["quiet_403"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("DUIKOU_LOG_LEVEL", "WARNING")},
}

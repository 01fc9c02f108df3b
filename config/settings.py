"""Settings for the 三零 registry, read from the environment.

With no environment at all the site runs on the embedded default: an SQLite file under var/,
Celery tasks executed in-process, a local-memory cache. Production sets DATABASE_URL (PostgreSQL
through psycopg 3), REDIS_URL (Celery broker and Django cache), SECRET_KEY, ALLOWED_HOSTS.
"""

import os
import secrets
from pathlib import Path
from urllib.parse import unquote, urlsplit

from celery.schedules import crontab

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("SANZERO_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def _secret_key() -> str:
    """SECRET_KEY from the environment, else one generated once and kept in var/ (never in git)."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def database_from_url(url: str) -> dict:
    parts = urlsplit(url)
    if parts.scheme not in {"postgres", "postgresql", "pgsql"}:
        raise ValueError(f"DATABASE_URL: unsupported scheme {parts.scheme!r} (use postgresql://)")
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": unquote(parts.path.lstrip("/")),
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": parts.hostname or "",
        "PORT": str(parts.port or ""),
        "CONN_MAX_AGE": int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        "CONN_HEALTH_CHECKS": True,
        # behind PgBouncer in transaction mode (docs/scale.md): no server-side cursors for .iterator()
        "DISABLE_SERVER_SIDE_CURSORS": env_bool("DB_DISABLE_SERVER_SIDE_CURSORS", False),
    }


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = _secret_key()

# Personal data at rest (sanzero.crypto): Fernet keys, newest first, and the separate HMAC key of the
# search hashes. Unset → fixed development keys, which `manage.py check --deploy` refuses (sanzero.E020).
SANZERO_DATA_KEYS = env_list("SANZERO_DATA_KEY", [])
SANZERO_HASH_KEY = os.environ.get("SANZERO_HASH_KEY", "")
SANZERO_DEV_KEYS = not SANZERO_DATA_KEYS or not SANZERO_HASH_KEY
if not SANZERO_DATA_KEYS:
    from sanzero.crypto import dev_data_key

    SANZERO_DATA_KEYS = [dev_data_key()]
if not SANZERO_HASH_KEY:
    from sanzero.crypto import dev_hash_key

    SANZERO_HASH_KEY = dev_hash_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "django_tables2",
    "rest_framework",
    "drf_spectacular",
    "simple_history",
    "axes",
    "sanzero",
    "units",
    "ledger",
    "disputes",
    "hazards",
    "petitions",
    "cases",
    "places",
    "publicorder",
    "agency",
    "persons",
    "dashboards",
    "reports",
    "declarations",
    "bulletins",
    "standards",
    "atlas",
    "api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "sanzero.security.ContentSecurityPolicyMiddleware",
    "sanzero.security.ChineseErrorPagesMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "api.middleware.ApiCallLogMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "sanzero.context_processors.navigation",
            ],
        },
    },
]

if os.environ.get("DATABASE_URL"):
    DATABASES = {"default": database_from_url(os.environ["DATABASE_URL"])}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("SQLITE_PATH", str(VAR_DIR / "sanzero.sqlite3")),
            "OPTIONS": {
                # WAL lets the Celery eager path, the dev server and a shell read while one writes.
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "sanzero.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Login throttling (django-axes): five failures lock the username+address pair for 30 minutes.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.5
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_ENABLED = env_bool("AXES_ENABLED", True)

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATIC_ROOT.mkdir(exist_ok=True)
NODE_MODULES = BASE_DIR / "node_modules"
# Front-end libraries come from package.json (npm ci) and are served locally; nothing from a CDN.
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", NODE_MODULES / "bootstrap" / "dist"),
    ("vendor/bootstrap-icons", NODE_MODULES / "bootstrap-icons" / "font"),
    ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"),
    ("vendor/echarts", NODE_MODULES / "echarts" / "dist"),
    ("vendor/tom-select", NODE_MODULES / "tom-select" / "dist"),
]


def _default_storage() -> dict:
    """Uploaded files (attachments, export files): var/media by default; an S3-compatible bucket
    (MinIO, 阿里云 OSS, 华为云 OBS, AWS) through django-storages when AWS_STORAGE_BUCKET_NAME is set.
    The bucket stays private: files are only ever streamed by the scoped download views (boto3 is
    needed then, in production only; README, 附件)."""
    bucket = os.environ.get("AWS_STORAGE_BUCKET_NAME", "")
    if not bucket:
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    options = {
        "bucket_name": bucket,
        "default_acl": "private",
        "querystring_auth": True,
        "file_overwrite": False,
        "location": os.environ.get("AWS_LOCATION", ""),
    }
    for env, option in (
        ("AWS_S3_ENDPOINT_URL", "endpoint_url"),
        ("AWS_S3_REGION_NAME", "region_name"),
        ("AWS_ACCESS_KEY_ID", "access_key"),
        ("AWS_SECRET_ACCESS_KEY", "secret_key"),
        ("AWS_S3_ADDRESSING_STYLE", "addressing_style"),
    ):
        if os.environ.get(env):
            options[option] = os.environ[env]
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}


STORAGES = {
    "default": _default_storage(),
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media/"

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "sanzero.cache.TolerantRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "sanzero",
            # short timeouts: with Redis down a page waits a second, not a minute (sanzero.cache)
            "OPTIONS": {"socket_connect_timeout": 1.0, "socket_timeout": 2.0},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Celery: Redis broker in production; without REDIS_URL tasks run eagerly in-process.
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or "cache+memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = 60 * 30
CELERY_TASK_TIME_LIMIT = 60 * 35
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Broker outages: a request that sends a task must neither hang nor 500 when Redis is down. Sending
# gives up within about two seconds (connect timeouts, two quick retries) and the caller records the
# failure on the job (sanzero.jobs.dispatch); the worker, not the web, keeps retrying to reconnect.
CELERY_BROKER_CONNECTION_TIMEOUT = 1.0
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": 0.5,  # Redis on the same network answers in milliseconds
    "socket_timeout": 5.0,
    "visibility_timeout": 3600,  # a task a dead worker held is handed to another worker after an hour
}
CELERY_TASK_PUBLISH_RETRY = True
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = 1.0
CELERY_REDIS_SOCKET_TIMEOUT = 5.0
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {
    "retry_policy": {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}
}
# Retries of a task that raised: bounded, with exponential backoff and jitter (JOB_TASK_OPTIONS, the
# job tasks' own decorator arguments); the job row makes a repeated run do nothing twice.
JOB_TASK_RETRY = {"max_retries": 3, "retry_backoff": 5, "retry_backoff_max": 120, "retry_jitter": True}
# A running job's worker touches its heartbeat this often; a job whose heartbeat is older than
# JOB_HEARTBEAT_STALE seconds lost its worker: its page says 已中断 and stops polling (sanzero.jobs).
JOB_HEARTBEAT_SECONDS = int(os.environ.get("JOB_HEARTBEAT_SECONDS", "15"))
JOB_HEARTBEAT_STALE = int(os.environ.get("JOB_HEARTBEAT_STALE", "120"))
CELERY_BEAT_SCHEDULE: dict = {
    # Every morning, record the ledger entries that became overdue as notifications for their township.
    "notify-overdue-daily": {"task": "ledger.notify_overdue", "schedule": crontab(hour=6, minute=0)},
    # Every morning, an overdue 挂牌督办 of a 重大 hazard escalates to a 督办函 (hazards.services).
    "escalate-overdue-listings-daily": {
        "task": "hazards.escalate_overdue_listings",
        "schedule": crontab(hour=6, minute=10),
    },
    # Nightly the current month's snapshots; on the 1st the previous month's as well.
    "compute-snapshots-nightly": {"task": "dashboards.compute_scheduled", "schedule": crontab(hour=1, minute=30)},
    # Import, export and snapshot jobs a dead worker left queued or running are marked failed (sanzero.jobs).
    "give-up-stale-jobs": {"task": "sanzero.give_up_stale_jobs", "schedule": crontab(minute="*/10")},
    # Create-form tokens (a form posted twice registers once) are kept for a day.
    "cleanup-form-submissions-daily": {
        "task": "sanzero.cleanup_form_submissions",
        "schedule": crontab(hour=3, minute=30),
    },
    # Export files expire after 7 days.
    "cleanup-exports-daily": {"task": "exporting.cleanup_exports", "schedule": crontab(hour=3, minute=0)},
    # API call records older than API_LOG_DAYS.
    "purge-api-call-logs-daily": {"task": "api.purge_call_logs", "schedule": crontab(hour=3, minute=45)},
}

# The read API (/api/v1/, app api): token authentication only, JSON only, cursor pages, a rate per token.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["api.authentication.ApiTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.TokenRateThrottle"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.IdCursorPagination",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.exceptions.handler",
    "COERCE_DECIMAL_TO_STRING": False,
    "UNICODE_JSON": True,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "三零创建管理系统 数据接口",
    "DESCRIPTION": (
        "只读接口，供省级平台与BI工具调用。请求头 Authorization: Bearer <令牌>（令牌由系统管理员在后台创建）；"
        "数据范围与令牌所属用户在网页上看到的完全一致；分页为游标分页（next/previous）；个人信息脱敏；"
        "超过频率限制返回429；每次调用均有记录。"
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_AUTHENTICATION": ["api.authentication.ApiTokenAuthentication"],
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
}
API_THROTTLE_RATE = os.environ.get("API_THROTTLE_RATE", "120/min")  # calls per token
API_AUTH_FAILURE_RATE = os.environ.get("API_AUTH_FAILURE_RATE", "20/min")  # failed token attempts per address
API_LOG_DAYS = int(os.environ.get("API_LOG_DAYS", "180"))  # how long API call records are kept
# 一张图: the largest GeoJSON file an administrator imports, and the subjects drawn one by one
ATLAS_GEOJSON_MAX_MB = int(os.environ.get("ATLAS_GEOJSON_MAX_MB", "20"))
ATLAS_POINT_LIMIT = int(os.environ.get("ATLAS_POINT_LIMIT", "3000"))

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
# Sessions: a working day (8 hours from sign-in, SESSION_HOURS) and never longer than the browser is open.
SESSION_COOKIE_AGE = int(float(os.environ.get("SESSION_HOURS", "8")) * 60 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = env_bool("SESSION_EXPIRE_AT_BROWSER_CLOSE", True)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# Content-Security-Policy (sanzero.security): scripts from this site only, no inline script or handler.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
# Under DEBUG a 404 still shows the Chinese page (sanzero.security); set SANZERO_TECHNICAL_404=1 for Django's.
SANZERO_TECHNICAL_404 = env_bool("SANZERO_TECHNICAL_404", False)

# Production hardening: on unless DEBUG; a reverse proxy terminates TLS and sets X-Forwarded-Proto
# (README, 部署). SECURE_COOKIES, SECURE_SSL_REDIRECT and SECURE_HSTS_SECONDS override from the environment.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = False
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SILENCED_SYSTEM_CHECKS = [
    # TLS ends at the reverse proxy, which redirects http to https (README, deployment).
    "security.W008",
    # HSTS preload is a decision for the operator's domain, not for the application.
    "security.W021",
]

# 附件 (ledger attachments): the size of one file, how many a ledger entry may hold (deleted ones
# do not count) and the longest original name kept. A reverse proxy should allow a little more than
# ATTACHMENT_MAX_BYTES per request (nginx client_max_body_size 12m).
ATTACHMENT_MAX_BYTES = int(os.environ.get("ATTACHMENT_MAX_MB", "10")) * 1024 * 1024
ATTACHMENT_MAX_PER_ENTRY = int(os.environ.get("ATTACHMENT_MAX_PER_ENTRY", "20"))
ATTACHMENT_NAME_MAX_CHARS = 100

DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

PAGE_SIZE = 25
PAGE_SIZES = [25, 50, 100]
# List pages count at most this many rows exactly (PostgreSQL); longer lists show the planner's estimate (约)
LIST_EXACT_COUNT_LIMIT = int(os.environ.get("LIST_EXACT_COUNT_LIMIT", "10000"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
}

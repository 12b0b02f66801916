"""Settings of the ANPP portal.

Every value that differs between machines is read from the environment here, and only here.
Defaults suit development (`make run`): SQLite, a filesystem Celery broker, console email.
With DEBUG off (production) there is no default for secrets and the portal refuses to start
without them.
"""

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from anpp_portal.brokers import filesystem_transport_options

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("ANPP_VAR_DIR", BASE_DIR / "var"))

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    value = value.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), got {value!r}.")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, got {value!r}.") from exc


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


# --- Core ---------------------------------------------------------------------------------------

DEBUG = env_bool("DEBUG", True)

_DEV_SECRET_KEY = "django-insecure-development-only-key-never-use-in-production-0123456789"  # noqa: S105
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. With DEBUG off the ANPP portal refuses to start without a real "
            "secret key: set SECRET_KEY to at least 50 random characters, for example the output of "
            "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`."
        )
    SECRET_KEY = _DEV_SECRET_KEY
elif not DEBUG and (
    len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5 or SECRET_KEY.startswith("django-insecure-")
):
    raise ImproperlyConfigured(
        "SECRET_KEY is too weak for production: use at least 50 random characters "
        "(not starting with 'django-insecure-')."
    )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
# Absolute base of links in emails. In production, defaults to https on the first allowed host.
_default_site_url = "http://127.0.0.1:8000" if DEBUG or not ALLOWED_HOSTS else f"https://{ALLOWED_HOSTS[0]}"
SITE_URL = os.environ.get("SITE_URL", _default_site_url).rstrip("/")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [SITE_URL])

INSTALLED_APPS = [
    "anpp_portal.admin_site.AnppAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_celery_beat",
    "csp",
    "simple_history",
    "localflavor",
    "anpp_portal",
    "members",
    "events",
    "publications",
    "billing",
    "backoffice",
    "resources",
    "legal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "anpp_portal.middleware.RejectNulMiddleware",
    "anpp_portal.bodylimits.RequestBodyLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "anpp_portal.pagecache.AnonymousPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "anpp_portal.middleware.FrenchFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "anpp_portal.staffpolicy.StaffMfaMiddleware",
    "anpp_portal.middleware.ServiceErrorsMiddleware",
    "anpp_portal.middleware.PrivatePagesMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "anpp_portal.urls"
WSGI_APPLICATION = "anpp_portal.wsgi.application"
ASGI_APPLICATION = "anpp_portal.asgi.application"

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
                "django.template.context_processors.i18n",
                "anpp_portal.context_processors.portal",
            ],
            # "1er juin": Django's date filter, with the French first of the month (formats.py).
            "builtins": ["anpp_portal.templatetags.french_dates"],
        },
    },
]

# --- Database -----------------------------------------------------------------------------------

DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL,
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the web process, the worker and beat share the file.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
else:
    DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = env_int("DATABASE_CONNECT_TIMEOUT", 5)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache (allauth rate limits need a real, shared cache) --------------------------------------

REDIS_URL = os.environ.get("REDIS_URL", "")
# The page cache (anpp_portal/pagecache.py) has an alias of its own: a flood of distinct URLs can
# only evict pages, never the rate limits. In production give it its own Redis (PAGE_CACHE_URL)
# with a maxmemory and allkeys-lru.
PAGE_CACHE_URL = os.environ.get("PAGE_CACHE_URL", REDIS_URL)
if REDIS_URL:
    CACHES = {
        "default": {
            # Fails open while Redis is down: logins keep working, rate limits are not enforced.
            "BACKEND": "anpp_portal.cache.FailOpenRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "anpp"),
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        },
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "anpp-portal",
        },
    }
if PAGE_CACHE_URL:
    CACHES["pages"] = {
        "BACKEND": "anpp_portal.cache.ReusedClientRedisCache",
        "LOCATION": PAGE_CACHE_URL,
        "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "anpp") + "-pages",
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
else:
    CACHES["pages"] = {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "anpp-pages",
        "OPTIONS": {"MAX_ENTRIES": 2000},
    }

# --- Authentication (django-allauth) ------------------------------------------------------------

AUTH_USER_MODEL = "members.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "members:space"

ACCOUNT_ADAPTER = "members.adapters.AccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_SIGNUP_FORM_CLASS = "members.forms.SignupForm"
ACCOUNT_FORMS = {"signup": "members.signup.EqualWorkSignupForm"}
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = False
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_EMAIL_NOTIFICATIONS = True
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[ANPP] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if SITE_URL.startswith("https") else "http"
ACCOUNT_RATE_LIMITS = {
    # Failed logins: 5 per 5 minutes per account key, 20 per minute per IP address.
    "login_failed": os.environ.get("RATE_LIMIT_LOGIN_FAILED", "20/m/ip,5/5m/key"),
    "login": "30/m/ip",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "confirm_email": "1/3m/key",
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
}
# The portal's own rate limits (anpp_portal/ratelimit.py): "amount/period/ip" or ".../key".
ANPP_RATE_LIMITS = {
    # The newsletter form is open to anyone (and carries no CSRF token, see publications/views.py):
    # confirmation emails per client IP and per address are capped.
    "newsletter_subscribe": os.environ.get("RATE_LIMIT_NEWSLETTER", "10/h/ip,3/d/key"),
    # Join requests are anonymous and email the address typed: per client IP and per address.
    "join_request": os.environ.get("RATE_LIMIT_JOIN_REQUEST", "5/h/ip,3/d/key"),
    # The password check before deleting an account: per client IP and per account.
    "account_delete": os.environ.get("RATE_LIMIT_ACCOUNT_DELETE", "20/h/ip,5/15m/key"),
    # Event registrations per account (ANPP staff are not limited): no account can flood addresses
    # with confirmations. Counted per account, not per IP: the service has no request.
    "event_registration": os.environ.get("RATE_LIMIT_EVENT_REGISTRATION", "20/h/key"),
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "ANPP"
# Staff accounts must enable TOTP within this many days of their creation; past it, the admin and
# the staff pages send them to the TOTP setup page (members/staff.py). On by default in production;
# off with DEBUG=1, so the demo staff account of `make run` logs in with its password alone.
ANPP_STAFF_MFA_REQUIRED = env_bool("ANPP_STAFF_MFA_REQUIRED", not DEBUG)
ANPP_STAFF_MFA_GRACE_DAYS = env_int("ANPP_STAFF_MFA_GRACE_DAYS", 7)

# --- Internationalisation -----------------------------------------------------------------------

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("Français")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

# --- Static and media files ---------------------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))

AWS_STORAGE_BUCKET_NAME = os.environ.get("S3_BUCKET", "")
if AWS_STORAGE_BUCKET_NAME:
    # Several web and worker machines share stored PDFs through an S3-compatible bucket.
    _default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "endpoint_url": os.environ.get("S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("S3_REGION") or None,
            "access_key": os.environ.get("S3_ACCESS_KEY_ID") or None,
            "secret_key": os.environ.get("S3_SECRET_ACCESS_KEY") or None,
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
else:
    _default_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
# Private documents (appels, attestations, invoices): never under MEDIA_URL, served only by views that
# check the person (anpp_portal/storage.py).
PRIVATE_MEDIA_ROOT = Path(os.environ.get("PRIVATE_MEDIA_ROOT", VAR_DIR / "private"))
if AWS_STORAGE_BUCKET_NAME:
    _private_storage = {
        **_default_storage,
        "OPTIONS": {**_default_storage["OPTIONS"], "location": "private", "querystring_expire": 300},
    }
else:
    _private_storage = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_MEDIA_ROOT, "base_url": None},
    }
# Served locally by the view (streamed), or by the proxy when this names its internal location
# (nginx: `location /_prive/ { internal; alias <PRIVATE_MEDIA_ROOT>/; }`, X-Accel-Redirect).
PRIVATE_MEDIA_ACCEL_REDIRECT = os.environ.get("PRIVATE_MEDIA_ACCEL_REDIRECT", "")
# Lifetime of a presigned URL of a private document in the bucket, in seconds.
PRIVATE_MEDIA_URL_SECONDS = env_int("PRIVATE_MEDIA_URL_SECONDS", 60)
# The only folders of the default storage (MEDIA_ROOT or the bucket) served under MEDIA_URL: issue
# covers, partner logos and news images (the upload_to of their fields). Rendered issue PDFs
# (members-only ones too) are served by their view.
PUBLIC_MEDIA_PREFIXES = ("publications/covers/", "publications/partenaires/", "publications/actualites/")
STORAGES = {
    "default": _default_storage,
    "private": _private_storage,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# --- Email --------------------------------------------------------------------------------------

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "ANPP <ne-pas-repondre@anpp.fr>")
SERVER_EMAIL = os.environ.get("SERVER_EMAIL", DEFAULT_FROM_EMAIL)

# --- Celery -------------------------------------------------------------------------------------

CELERY_BROKER_DIR = VAR_DIR / "celery"
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
else:
    # kombu's filesystem transport: a broker that needs no server, for development.
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = filesystem_transport_options(CELERY_BROKER_DIR)
    CELERY_RESULT_BACKEND = f"file://{CELERY_BROKER_DIR / 'results'}"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_RESULT_EXPIRES = 3600
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 300)
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 240)
# acks_late and reject_on_worker_lost are set per task, on the tasks that are safe to run twice.
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BEAT_SCHEDULE = {
    "adhesion-reminders": {
        "task": "members.tasks.send_adhesion_reminders",
        "schedule": 3600.0,
        "options": {"expires": 3000},
    },
    "fiche-reminders": {
        "task": "members.tasks.send_fiche_reminders",
        "schedule": 3600.0,
        "options": {"expires": 3000},
    },
    "survey-reminders": {
        "task": "members.tasks.send_survey_reminders",
        "schedule": 3600.0,
        "options": {"expires": 3000},
    },
    "unconfirmed-join-requests": {
        "task": "members.tasks.purge_unconfirmed_join_requests",
        "schedule": 86400.0,
        "options": {"expires": 3600},
    },
    "adhesion-documents": {
        "task": "members.tasks.render_missing_adhesion_documents",
        "schedule": 300.0,
        "options": {"expires": 290},
    },
    "publish-due-issues": {
        "task": "publications.tasks.publish_due_issues",
        "schedule": 300.0,
        "options": {"expires": 290},
    },
    "publish-due-notes": {
        "task": "resources.tasks.publish_due_notes",
        "schedule": 300.0,
        "options": {"expires": 290},
    },
    "send-event-reminders": {
        "task": "events.tasks.send_event_reminders",
        "schedule": 900.0,
        "options": {"expires": 840},
    },
    "anonymise-past-participants": {
        "task": "events.tasks.anonymise_past_participants",
        "schedule": 86400.0,
        "options": {"expires": 80000},
    },
    "issue-due-event-invoices": {
        "task": "billing.tasks.issue_due_event_invoices",
        "schedule": 3600.0,
        "options": {"expires": 3000},
    },
    "relay-pending-emails": {
        "task": "anpp_portal.tasks.relay_pending_emails",
        "schedule": 60.0,
        # While no worker runs, relays do not pile up: each one expires before the next is due.
        "options": {"expires": 55},
    },
}

# --- Security -----------------------------------------------------------------------------------

BEHIND_PROXY = env_bool("BEHIND_PROXY", False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_PROXY else None
# Rate limits count per client IP: behind the proxy, take it from X-Forwarded-For, else every
# visitor would share the proxy's address (and one attacker would lock everyone out).
ALLAUTH_TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 1 if BEHIND_PROXY else 0)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^sante/$"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
# No inline script, no style attribute, nothing from another site (django-csp 4). A bucket that
# serves media files (covers) is allowed for images.
_media_origins = [os.environ["S3_ENDPOINT_URL"]] if os.environ.get("S3_ENDPOINT_URL") else []
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", *_media_origins],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=()"
# Form fields kept in memory (files aside): the longest article text is 200 000 characters.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# Any request body, uploads included (the largest is a cover, ANPP_COVER_MAX_BYTES): 413 beyond,
# before it is read (anpp_portal/bodylimits.py). Set the proxy's limit to the same value.
ANPP_MAX_REQUEST_BYTES = env_int("ANPP_MAX_REQUEST_BYTES", 10 * 1024 * 1024)
# The largest spreadsheet staff may import (members/imports/): refused from its size, before it is
# read. 1,000 territories with 3,000 people weigh well under 1 MB.
ANPP_IMPORT_MAX_BYTES = env_int("ANPP_IMPORT_MAX_BYTES", 5 * 1024 * 1024)

# --- Portal -------------------------------------------------------------------------------------

ANPP_INVITATION_VALID_DAYS = env_int("ANPP_INVITATION_VALID_DAYS", 14)
# How long the link confirming a join request's address works (members/services/joins.py).
ANPP_JOIN_CONFIRM_DAYS = env_int("ANPP_JOIN_CONFIRM_DAYS", 7)
ANPP_EVENTS_MAX_DELEGATION = env_int("ANPP_EVENTS_MAX_DELEGATION", 50)
# Public pages of anonymous visitors are kept this long in the shared cache (0 turns it off);
# saving content invalidates them at once, so this only bounds what time alone changes.
ANPP_PAGE_CACHE_SECONDS = env_int("ANPP_PAGE_CACHE_SECONDS", 60)
# Participants of events that ended longer ago than this are anonymised (RGPD retention).
ANPP_EVENT_RETENTION_DAYS = env_int("ANPP_EVENT_RETENTION_DAYS", 3 * 365)
# Largest cover image (bytes) staff may upload for an issue of the magazine.
ANPP_COVER_MAX_BYTES = env_int("ANPP_COVER_MAX_BYTES", 5 * 1024 * 1024)
ANPP_IDENTITY = {
    "name": "Association Nationale des Pôles territoriaux et des Pays",
    "short_name": "ANPP",
    "address": "22 rue Joubert, 75009 Paris",
    "email": os.environ.get("ANPP_CONTACT_EMAIL", "contact@anpp.fr"),
    "siret": os.environ.get("ANPP_SIRET", ""),
}
# Printed on calls for payment. Without an IBAN the call asks members to contact ANPP for it.
ANPP_PAYMENT_DETAILS = {
    "payee": os.environ.get("ANPP_PAYEE", "Association Nationale des Pôles territoriaux et des Pays"),
    "iban": os.environ.get("ANPP_IBAN", ""),
    "bic": os.environ.get("ANPP_BIC", ""),
    "bank": os.environ.get("ANPP_BANK", ""),
}
# Initial values of ANPP's billing identity (billing.models.BillingIdentity), read once when the row is
# first created; staff then edit it in the admin, which is the only place it lives.
ANPP_BILLING_INITIAL = {
    "legal_name": ANPP_IDENTITY["name"],
    "street": "22 rue Joubert",
    "postal_code": "75009",
    "city": "Paris",
    "email": ANPP_IDENTITY["email"],
    "siret": ANPP_IDENTITY["siret"],
    "iban": ANPP_PAYMENT_DETAILS["iban"],
    "bic": ANPP_PAYMENT_DETAILS["bic"],
    "bank": ANPP_PAYMENT_DETAILS["bank"],
    "account_holder": ANPP_PAYMENT_DETAILS["payee"],
    "signatory_name": os.environ.get("ANPP_SIGNATORY_NAME", ""),
    "signatory_title": os.environ.get("ANPP_SIGNATORY_TITLE", ""),
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.request": {"level": "ERROR"},
        "django.security": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        "factur-x": {"level": "WARNING"},
        # Failed logins, denied accesses, account deletions: always on the console, whatever LOG_LEVEL
        # says. Its lines name no one (see members/security_events.py).
        "anpp.security": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}

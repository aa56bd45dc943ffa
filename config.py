"""Configuration classes.

SQLite under ``instance/`` is the zero-setup default; ``DATABASE_URL`` selects
PostgreSQL (psycopg 3).  The secret key comes from ``SECRET_KEY`` or, for the
demo, is generated once into ``instance/secret_key`` so sessions survive restarts.
"""
from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("KEFU_INSTANCE_DIR", BASE_DIR / "instance"))


def normalise_database_url(url: str) -> str:
    """Make ``postgres://`` and ``postgresql://`` URLs use the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def default_database_url() -> str:
    INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{INSTANCE_DIR / 'kefu.sqlite3'}"


def load_secret_key() -> str:
    """SECRET_KEY from the environment, else one generated once for this instance."""
    env = os.environ.get("SECRET_KEY")
    if env:
        return env
    INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
    path = INSTANCE_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


class Config:
    SQLALCHEMY_DATABASE_URI = normalise_database_url(
        os.environ.get("DATABASE_URL") or default_database_url()
    )
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    SECRET_KEY = None  # filled by create_app via load_secret_key()
    BABEL_DEFAULT_LOCALE = "zh_Hans_CN"
    BABEL_DEFAULT_TIMEZONE = "Asia/Shanghai"
    SUPPORTED_LOCALES = ("zh_Hans_CN", "en")
    WTF_CSRF_TIME_LIMIT = 8 * 3600
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    PERMANENT_SESSION_LIFETIME = timedelta(hours=12)
    # Login lockout: this many failures in a row lock the account for LOCKOUT_MINUTES.
    LOGIN_MAX_FAILURES = 5
    LOGIN_LOCKOUT_MINUTES = 15
    FLASK_ADMIN_SWATCH = "default"
    FLASK_ADMIN_RAISE_ON_VIEW_EXCEPTION = False
    MAX_CONTENT_LENGTH = 16 * 1024 * 1024
    # Deposit photos uploaded before they moved into the database (copied in by the
    # migration 810b38f86810); new ones go to KEFU_BLOB_STORE (ops/blobs.py).
    KEFU_UPLOAD_DIR = str(INSTANCE_DIR / "uploads")
    KEFU_BLOB_STORE = os.environ.get("KEFU_BLOB_STORE", "db")
    KEFU_S3_BUCKET = os.environ.get("KEFU_S3_BUCKET")
    KEFU_S3_ENDPOINT = os.environ.get("KEFU_S3_ENDPOINT")
    # History anchored outside the database (audit/anchor.py): every checkpoint's
    # head is appended to this file, with an HMAC under this key (never stored in
    # the database).  Unset: no external anchor.
    KEFU_ANCHOR_FILE = os.environ.get("KEFU_ANCHOR_FILE")
    KEFU_ANCHOR_KEY = os.environ.get("KEFU_ANCHOR_KEY")
    # Backups (ops/backup.py): where, and how many daily / monthly copies to keep.
    KEFU_BACKUP_DIR = os.environ.get("KEFU_BACKUP_DIR", str(INSTANCE_DIR / "backups"))
    KEFU_BACKUP_KEEP_DAILY = int(os.environ.get("KEFU_BACKUP_KEEP_DAILY", "7"))
    KEFU_BACKUP_KEEP_MONTHLY = int(os.environ.get("KEFU_BACKUP_KEEP_MONTHLY", "12"))
    # The dashboard warns admin and auditor when the newest backup is older (hours).
    KEFU_BACKUP_MAX_AGE_HOURS = 24
    KEFU_PHOTO_MAX_BYTES = 5 * 1024 * 1024
    # Strict-Transport-Security max-age; 0 = no header (the demo and tests use HTTP).
    KEFU_HSTS_SECONDS = 0


class ProductionConfig(Config):
    """Secure cookies, short idle sessions; SECRET_KEY must come from the environment."""

    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    SESSION_COOKIE_SAMESITE = "Strict"
    PERMANENT_SESSION_LIFETIME = timedelta(minutes=30)
    SESSION_REFRESH_EACH_REQUEST = True
    PREFERRED_URL_SCHEME = "https"
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True, "pool_size": 5, "max_overflow": 5}
    # Served over HTTPS only: browsers refuse plain HTTP to this host for a year.
    KEFU_HSTS_SECONDS = 365 * 24 * 3600


class TestingConfig(Config):
    TESTING = True
    # CSRF stays ON in tests: they scrape the token like a browser would.
    WTF_CSRF_ENABLED = True
    LOGIN_MAX_FAILURES = 3


CONFIGS = {"default": Config, "production": ProductionConfig, "testing": TestingConfig}

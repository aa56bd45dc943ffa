"""operations: backup runs, photos stored in the database, checkpoint HMAC

``backup_run`` records every ``flask backup`` (the dashboard warns when the last
one is older than a day, whichever instance looks).  ``stored_blob`` holds
uploaded files, so every app instance serves the same deposit photos; photos
uploaded before are copied in from ``KEFU_UPLOAD_DIR/deposits`` (a file that is
missing stays missing: its photo answers 404 as before).  Checkpoints carry an
HMAC under a key kept out of the database.

Revision ID: 810b38f86810
Revises: 1bc4c2949367
Create Date: 2026-11-30 00:50:00.000000

"""
import os
from datetime import datetime, timezone
from pathlib import Path

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '810b38f86810'
down_revision = '1bc4c2949367'
branch_labels = None
depends_on = None

_Big = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _upload_dir() -> Path:
    try:
        from flask import current_app

        return Path(current_app.config["KEFU_UPLOAD_DIR"])
    except Exception:  # noqa: BLE001 — outside an app: the configured default
        from config import Config

        return Path(os.environ.get("KEFU_UPLOAD_DIR", Config.KEFU_UPLOAD_DIR))


def upgrade():
    op.create_table(
        'backup_run',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('finished_at', sa.DateTime(), nullable=False),
        sa.Column('ok', sa.Boolean(), nullable=False),
        sa.Column('path', sa.String(500), nullable=False),
        sa.Column('size_bytes', _Big, nullable=False),
        sa.Column('sha256', sa.String(64)),
        sa.Column('head', sa.String(100)),
        sa.Column('run_by', sa.String(120), nullable=False))
    op.create_index('ix_backup_run_finished_at', 'backup_run', ['finished_at'])
    blobs = op.create_table(
        'stored_blob',
        sa.Column('key', sa.String(80), primary_key=True),
        sa.Column('content_type', sa.String(40), nullable=False),
        sa.Column('size_bytes', _Big, nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('data', sa.LargeBinary(), nullable=False))
    with op.batch_alter_table('audit_checkpoint', schema=None) as batch_op:
        batch_op.add_column(sa.Column('hmac', sa.String(64), nullable=True))

    folder = _upload_dir() / "deposits"
    photos = op.get_bind().execute(sa.text(
        "SELECT stored_name, content_type FROM deposit_photo")).all()
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    for name, ctype in photos:
        path = folder / name
        if path.is_file():
            data = path.read_bytes()
            op.get_bind().execute(blobs.insert().values(
                key=name, content_type=ctype, size_bytes=len(data), created_at=now, data=data))


def downgrade():
    with op.batch_alter_table('audit_checkpoint', schema=None) as batch_op:
        batch_op.drop_column('hmac')
    op.drop_table('stored_blob')
    op.drop_index('ix_backup_run_finished_at', table_name='backup_run')
    op.drop_table('backup_run')

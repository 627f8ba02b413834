"""queue versions

Revision ID: 2a65eea16627
Revises: 2433ecdd3e2b
Create Date: 2026-12-03 12:32:29.998809

"""
from alembic import op
import sqlalchemy as sa

import helpdesk.models_base


# revision identifiers, used by Alembic.
revision = '2a65eea16627'
down_revision = '2433ecdd3e2b'
branch_labels = None
depends_on = None


def upgrade():
    # Empty at first: a page is kept under "no row" until the first change writes one.
    op.create_table(
        "queue_version",
        sa.Column("organisation_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("organisation_id", name=op.f("pk_queue_version")),
    )


def downgrade():
    op.drop_table("queue_version")

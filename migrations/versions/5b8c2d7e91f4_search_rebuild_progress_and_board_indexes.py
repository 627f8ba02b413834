"""search: the progress of a resumable rebuild; boards: indexes for large boards

Revision ID: 5b8c2d7e91f4
Revises: a9d4e6b7c2f1
Create Date: 2026-12-02 13:10:00

"""
from alembic import op
import sqlalchemy as sa

import helpdesk.models_base


# revision identifiers, used by Alembic.
revision = '5b8c2d7e91f4'
down_revision = 'a9d4e6b7c2f1'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('search_rebuild',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('backend', sa.String(length=16), nullable=False),
    sa.Column('build', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('last_id', sa.Integer(), nullable=False),
    sa.Column('outbox_high', sa.Integer(), nullable=False),
    sa.Column('documents', sa.Integer(), nullable=False),
    sa.Column('batches', sa.Integer(), nullable=False),
    sa.Column('started_at', helpdesk.models_base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', helpdesk.models_base.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_search_rebuild'))
    )


def downgrade():
    op.drop_table('search_rebuild')

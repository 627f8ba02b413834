"""server-side login sessions, so logging out and a new password really end sessions

Revision ID: c7e2a9d41f05
Revises: bafc78946723
Create Date: 2026-12-02 06:10:00

"""
from alembic import op
import sqlalchemy as sa

import helpdesk.models_base


# revision identifiers, used by Alembic.
revision = 'c7e2a9d41f05'
down_revision = 'bafc78946723'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'login_session',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('method', sa.String(length=32), nullable=False),
        sa.Column('remember', sa.Boolean(), nullable=False),
        sa.Column('created_at', helpdesk.models_base.UTCDateTime(timezone=True), nullable=False),
        sa.Column('last_seen_at', helpdesk.models_base.UTCDateTime(timezone=True), nullable=False),
        sa.Column('ended_at', helpdesk.models_base.UTCDateTime(timezone=True), nullable=True),
        sa.Column('end_reason', sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['user_account.id'],
                                name=op.f('fk_login_session_user_id_user_account')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_login_session')),
        sa.UniqueConstraint('token_hash', name=op.f('uq_login_session_token_hash')),
    )
    with op.batch_alter_table('login_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_login_session_user_id'), ['user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_login_session_ended_at'), ['ended_at'], unique=False)


def downgrade():
    with op.batch_alter_table('login_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_login_session_ended_at'))
        batch_op.drop_index(batch_op.f('ix_login_session_user_id'))
    op.drop_table('login_session')

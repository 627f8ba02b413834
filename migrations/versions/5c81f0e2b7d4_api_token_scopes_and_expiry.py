"""personal access tokens: scopes and an expiry

Revision ID: 5c81f0e2b7d4
Revises: a9d4e6b7c2f1
Create Date: 2026-12-02 13:00:00

"""
from alembic import op
import sqlalchemy as sa

import helpdesk.models_base


# revision identifiers, used by Alembic.
revision = '5c81f0e2b7d4'
down_revision = 'a9d4e6b7c2f1'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.add_column(sa.Column('scopes', sa.String(length=40), nullable=False, server_default='read write'))
        batch_op.add_column(sa.Column('expires_at', helpdesk.models_base.UTCDateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.drop_column('expires_at')
        batch_op.drop_column('scopes')

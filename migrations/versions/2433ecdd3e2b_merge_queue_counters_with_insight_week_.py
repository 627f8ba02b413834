"""merge queue counters with insight week level and search head

Revision ID: 2433ecdd3e2b
Revises: 8f01489dc738, d0bceb9ece02
Create Date: 2026-12-03 08:48:08.136617

"""
from alembic import op
import sqlalchemy as sa

import helpdesk.models_base


# revision identifiers, used by Alembic.
revision = '2433ecdd3e2b'
down_revision = ('8f01489dc738', 'd0bceb9ece02')
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass

"""merge boards with tickets and admin

Revision ID: bc44745ed2b4
Revises: 191d61c8bfdf, 798e1786d269
Create Date: 2026-11-23 02:34:23.121877

"""
from alembic import op
import sqlalchemy as sa

import helpdesk.models_base


# revision identifiers, used by Alembic.
revision = 'bc44745ed2b4'
down_revision = ('191d61c8bfdf', '798e1786d269')
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass

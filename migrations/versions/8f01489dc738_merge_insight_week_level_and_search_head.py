"""merge insight week level and search head

Revision ID: 8f01489dc738
Revises: 263b7e340036, 5a1d2c3e4f60
Create Date: 2026-12-03 08:45:41.671753

"""
from alembic import op
import sqlalchemy as sa

import helpdesk.models_base


# revision identifiers, used by Alembic.
revision = '8f01489dc738'
down_revision = ('263b7e340036', '5a1d2c3e4f60')
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass

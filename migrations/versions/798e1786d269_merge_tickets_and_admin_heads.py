"""merge tickets and admin heads

Revision ID: 798e1786d269
Revises: 517d0fa9cb14, 7176c03be81e
Create Date: 2026-11-23 02:05:26.579160

"""
from alembic import op
import sqlalchemy as sa

import helpdesk.models_base


# revision identifiers, used by Alembic.
revision = '798e1786d269'
down_revision = ('517d0fa9cb14', '7176c03be81e')
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass

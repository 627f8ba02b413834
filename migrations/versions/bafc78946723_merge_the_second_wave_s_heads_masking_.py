"""merge the second wave's heads: masking, privacy, audit, sync guard, support organisation, school placements

Revision ID: bafc78946723
Revises: 351072999373, 3c5e0a7d9b21, a1c3e5f7b9d2, a4d1e7c3b9f2, dc0a0b126b6e, e6ddd3da72d9
Create Date: 2026-12-02 03:33:50.616991

"""
from alembic import op
import sqlalchemy as sa

import helpdesk.models_base


# revision identifiers, used by Alembic.
revision = 'bafc78946723'
down_revision = ('351072999373', '3c5e0a7d9b21', 'a1c3e5f7b9d2', 'a4d1e7c3b9f2', 'dc0a0b126b6e', 'e6ddd3da72d9')
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass

"""merge queue indexes and insight rollup

Revision ID: 0e9191d19470
Revises: 3c7e9a1d5b20, 951cfa9d430a
Create Date: 2026-12-02 17:44:27.440897

"""
from alembic import op
import sqlalchemy as sa

import helpdesk.models_base


# revision identifiers, used by Alembic.
revision = '0e9191d19470'
down_revision = ('3c7e9a1d5b20', '951cfa9d430a')
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass

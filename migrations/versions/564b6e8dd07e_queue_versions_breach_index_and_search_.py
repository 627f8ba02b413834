"""queue versions, breach index and search indexes by class

Revision ID: 564b6e8dd07e
Revises: 2a65eea16627, 7c2e9d1a4b30, d0cc96794d35
Create Date: 2026-12-03 13:50:21.593731

"""
from alembic import op
import sqlalchemy as sa

import helpdesk.models_base


# revision identifiers, used by Alembic.
revision = '564b6e8dd07e'
down_revision = ('2a65eea16627', '7c2e9d1a4b30', 'd0cc96794d35')
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass

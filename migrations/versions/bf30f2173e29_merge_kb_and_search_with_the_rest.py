"""merge kb and search with the rest

Revision ID: bf30f2173e29
Revises: bc44745ed2b4, ede98fc92ce5
Create Date: 2026-11-23 02:50:47.561815

"""
from alembic import op
import sqlalchemy as sa

import helpdesk.models_base


# revision identifiers, used by Alembic.
revision = 'bf30f2173e29'
down_revision = ('bc44745ed2b4', 'ede98fc92ce5')
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass

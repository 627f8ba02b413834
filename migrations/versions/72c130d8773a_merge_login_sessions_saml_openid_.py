"""merge login sessions, SAML, OpenID Connect and search-log origin

Revision ID: 72c130d8773a
Revises: 5e1d9a7c3b10, 75370afffef1, c7e1a2b3d4f5, c7e2a9d41f05
Create Date: 2026-12-02 06:54:04.877243

"""
from alembic import op
import sqlalchemy as sa

import helpdesk.models_base


# revision identifiers, used by Alembic.
revision = '72c130d8773a'
down_revision = ('5e1d9a7c3b10', '75370afffef1', 'c7e1a2b3d4f5', 'c7e2a9d41f05')
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass

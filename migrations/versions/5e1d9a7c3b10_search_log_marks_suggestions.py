"""kb: the search log marks the suggestions asked while a question is written

Revision ID: 5e1d9a7c3b10
Revises: bafc78946723
Create Date: 2026-12-02 06:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5e1d9a7c3b10'
down_revision = 'bafc78946723'
branch_labels = None
depends_on = None


def upgrade():
    # Rows logged before this revision all came from the search page.
    with op.batch_alter_table('search_log', schema=None) as batch_op:
        batch_op.add_column(sa.Column('origin', sa.String(length=16), server_default='search', nullable=False))


def downgrade():
    with op.batch_alter_table('search_log', schema=None) as batch_op:
        batch_op.drop_column('origin')

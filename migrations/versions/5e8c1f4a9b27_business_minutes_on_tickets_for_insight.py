"""business minutes to first response per tier and to resolution, for the insight dashboard

Revision ID: 5e8c1f4a9b27
Revises: a9d4e6b7c2f1
Create Date: 2026-12-02 12:45:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5e8c1f4a9b27'
down_revision = 'a9d4e6b7c2f1'
branch_labels = None
depends_on = None

COLUMNS = ('local_response_minutes', 'central_response_minutes', 'vendor_response_minutes',
           'resolution_minutes')


def upgrade():
    with op.batch_alter_table('ticket', schema=None) as batch_op:
        for name in COLUMNS:
            batch_op.add_column(sa.Column(name, sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table('ticket', schema=None) as batch_op:
        for name in COLUMNS:
            batch_op.drop_column(name)

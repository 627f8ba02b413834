"""organisation: the central team's shared address, invitations, vendor-invited meetings

Revision ID: 3c5e0a7d9b21
Revises: 16fe1be2aaec
Create Date: 2026-12-02 02:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3c5e0a7d9b21'
down_revision = '16fe1be2aaec'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('support_email', sa.String(length=254), nullable=True))
    with op.batch_alter_table('password_reset', schema=None) as batch_op:
        batch_op.add_column(sa.Column('purpose', sa.String(length=16), server_default='reset', nullable=False))
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.add_column(sa.Column('invite_vendor', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade():
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.drop_column('invite_vendor')
    with op.batch_alter_table('password_reset', schema=None) as batch_op:
        batch_op.drop_column('purpose')
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.drop_column('support_email')

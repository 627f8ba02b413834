"""an organisation's own synonym groups for search, kept by its central team

Revision ID: d848653efe97
Revises: a9d4e6b7c2f1
Create Date: 2026-12-02 13:00:00

"""
from alembic import op
import sqlalchemy as sa

import helpdesk.models_base


# revision identifiers, used by Alembic.
revision = 'd848653efe97'
down_revision = 'a9d4e6b7c2f1'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'synonym_group',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('organisation_id', sa.Integer(), nullable=False),
        sa.Column('language', sa.String(length=5), nullable=False),
        sa.Column('words', sa.String(length=600), nullable=False),
        sa.Column('created_at', helpdesk.models_base.UTCDateTime(timezone=True), nullable=False),
        sa.Column('updated_at', helpdesk.models_base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('synonym_group', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_synonym_group_organisation_id'), ['organisation_id'], unique=False)


def downgrade():
    with op.batch_alter_table('synonym_group', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_synonym_group_organisation_id'))
    op.drop_table('synonym_group')

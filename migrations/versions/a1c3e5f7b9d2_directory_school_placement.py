"""directory: school placements tie a person added by hand to the school it was added for

Revision ID: a1c3e5f7b9d2
Revises: 16fe1be2aaec
Create Date: 2026-12-02 02:40:00

"""
from alembic import op
import sqlalchemy as sa

import helpdesk.models_base


# revision identifiers, used by Alembic.
revision = 'a1c3e5f7b9d2'
down_revision = '16fe1be2aaec'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('school_placement',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('deactivated_at', helpdesk.models_base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', helpdesk.models_base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', helpdesk.models_base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_school_placement_person_id_person')),
    sa.ForeignKeyConstraint(['school_id'], ['school.id'], name=op.f('fk_school_placement_school_id_school')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_school_placement'))
    )
    with op.batch_alter_table('school_placement', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_school_placement_active'), ['active'], unique=False)
        batch_op.create_index(batch_op.f('ix_school_placement_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_school_placement_school_id'), ['school_id'], unique=False)


def downgrade():
    with op.batch_alter_table('school_placement', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_school_placement_school_id'))
        batch_op.drop_index(batch_op.f('ix_school_placement_person_id'))
        batch_op.drop_index(batch_op.f('ix_school_placement_active'))

    op.drop_table('school_placement')

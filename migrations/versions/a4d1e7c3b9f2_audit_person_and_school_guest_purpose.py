"""audit entries name the person and school they are about; guest requests say their purpose

Revision ID: a4d1e7c3b9f2
Revises: 16fe1be2aaec
Create Date: 2026-12-02 02:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a4d1e7c3b9f2'
down_revision = '16fe1be2aaec'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.add_column(sa.Column('person_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('school_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_audit_entry_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_entry_school_id'), ['school_id'], unique=False)
    # Entries written before these columns: a person object is about that person.
    op.execute("UPDATE audit_entry SET person_id = object_id WHERE object_type = 'person'")
    with op.batch_alter_table('guest_request', schema=None) as batch_op:
        batch_op.add_column(sa.Column('purpose', sa.String(length=16), server_default='login', nullable=False))


def downgrade():
    with op.batch_alter_table('guest_request', schema=None) as batch_op:
        batch_op.drop_column('purpose')
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_entry_school_id'))
        batch_op.drop_index(batch_op.f('ix_audit_entry_person_id'))
        batch_op.drop_column('school_id')
        batch_op.drop_column('person_id')

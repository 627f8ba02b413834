"""insight: the overview's daily rollup

Revision ID: 951cfa9d430a
Revises: 0b1c2d3e4f50
Create Date: 2026-12-02 17:00:00

The tables start empty: `flask --app helpdesk insight rebuild` counts them from the tickets
(run it once after upgrading; the ticket service keeps them from then on).
"""
from alembic import op
import sqlalchemy as sa

revision = '951cfa9d430a'
down_revision = '0b1c2d3e4f50'
branch_labels = None
depends_on = None

_ENUM = dict(native_enum=False, length=32)


def _dimensions(table: str) -> list:
    return [
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('organisation_id', sa.Integer(), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('week', sa.Date(), nullable=False),
        sa.Column('school_id', sa.Integer(), nullable=False),
        sa.Column('category', sa.Enum('login', 'administration', 'usage', 'bug', 'feedback', 'other',
                                      name='ticketcategory', **_ENUM), nullable=False),
        sa.Column('tier', sa.Enum('local', 'central', 'vendor', name='tier', **_ENUM), nullable=False),
        sa.Column('vendor_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=f'fk_{table}_organisation_id_organisation'),
        sa.ForeignKeyConstraint(['school_id'], ['school.id'], name=f'fk_{table}_school_id_school'),
        sa.ForeignKeyConstraint(['vendor_id'], ['vendor.id'], name=f'fk_{table}_vendor_id_vendor'),
        sa.PrimaryKeyConstraint('id', name=f'pk_{table}'),
    ]


def upgrade():
    counts = ['asked', 'reached_central', 'reached_vendor', 'resolved', 'rated', 'rating_sum',
              'rating_1', 'rating_2', 'rating_3', 'rating_4', 'rating_5',
              'breached_local', 'breached_central', 'breached_vendor']
    op.create_table('insight_day', *_dimensions('insight_day'),
                    *[sa.Column(name, sa.Integer(), nullable=False) for name in counts])
    op.create_index('ix_insight_day_org_day', 'insight_day', ['organisation_id', 'day'], unique=False)
    op.create_table('insight_day_time', *_dimensions('insight_day_time'),
                    sa.Column('measure', sa.String(length=16), nullable=False),
                    sa.Column('slot', sa.Integer(), nullable=False),
                    sa.Column('count', sa.Integer(), nullable=False),
                    sa.Column('largest', sa.Integer(), nullable=False))
    op.create_index('ix_insight_day_time_org_day', 'insight_day_time',
                    ['organisation_id', 'day', 'measure', 'week', 'slot', 'school_id', 'category', 'tier',
                     'vendor_id', 'count', 'largest'], unique=False)


def downgrade():
    op.drop_index('ix_insight_day_time_org_day', table_name='insight_day_time')
    op.drop_table('insight_day_time')
    op.drop_index('ix_insight_day_org_day', table_name='insight_day')
    op.drop_table('insight_day')

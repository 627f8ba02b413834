"""business minutes to first response per tier and to resolution, for the insight dashboard;
covering indexes for the overview's queries

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
# The columns as they are in helpdesk/tickets/models.py today, written out: a migration must
# not change when the models do.
_FILTERS = ('tier', 'school_id', 'category', 'vendor_id', 'vendor_escalated_at')
INDEXES = {
    'ix_ticket_insight_created': ('organisation_id', 'created_at', *_FILTERS, 'central_responded_at',
                                  'local_response_minutes', 'central_response_minutes',
                                  'vendor_response_minutes'),
    'ix_ticket_insight_resolved': ('organisation_id', 'resolved_at', *_FILTERS, 'resolution_minutes'),
    'ix_ticket_insight_rated': ('organisation_id', 'rated_at', *_FILTERS, 'rating'),
}


def upgrade():
    with op.batch_alter_table('ticket', schema=None) as batch_op:
        for name in COLUMNS:
            batch_op.add_column(sa.Column(name, sa.Integer(), nullable=True))
    for name, columns in INDEXES.items():
        op.create_index(name, 'ticket', list(columns))
    op.create_index('ix_ticket_event_kind_created', 'ticket_event', ['kind', 'created_at', 'ticket_id', 'to_value'])


def downgrade():
    op.drop_index('ix_ticket_event_kind_created', table_name='ticket_event')
    for name in INDEXES:
        op.drop_index(name, table_name='ticket')
    with op.batch_alter_table('ticket', schema=None) as batch_op:
        for name in COLUMNS:
            batch_op.drop_column(name)

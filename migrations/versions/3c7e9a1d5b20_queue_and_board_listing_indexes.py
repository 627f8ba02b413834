"""tickets: the queue indexes carry the assignee, so the counts of "mine" and "unassigned"
are read from the index alone; boards: the listing index carries id and the filters' columns

Revision ID: 3c7e9a1d5b20
Revises: 0b1c2d3e4f50
Create Date: 2026-12-02 16:50:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '3c7e9a1d5b20'
down_revision = '0b1c2d3e4f50'
branch_labels = None
depends_on = None

_QUEUE = {"ix_ticket_queue_org": "organisation_id", "ix_ticket_queue_school": "school_id",
          "ix_ticket_queue_vendor": "vendor_id"}


_LISTING = ['board_id', 'pinned', 'last_activity_at']


def upgrade():
    for name, lead in _QUEUE.items():
        op.drop_index(name, table_name='ticket')
        op.create_index(name, 'ticket', [lead, 'tier', 'status', 'sla_due_at', 'assignee_id'], unique=False)
    op.drop_index('ix_board_thread_listing', table_name='board_thread')
    op.create_index('ix_board_thread_listing', 'board_thread', [*_LISTING, 'id', 'post_count', 'solved'],
                    unique=False)


def downgrade():
    for name, lead in _QUEUE.items():
        op.drop_index(name, table_name='ticket')
        op.create_index(name, 'ticket', [lead, 'tier', 'status', 'sla_due_at'], unique=False)
    op.drop_index('ix_board_thread_listing', table_name='board_thread')
    op.create_index('ix_board_thread_listing', 'board_thread', _LISTING, unique=False)

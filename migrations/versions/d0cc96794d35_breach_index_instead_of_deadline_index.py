"""the breach warnings' partial index instead of an index of every deadline

`ix_ticket_sla_due` (every ticket's deadline) let PostgreSQL answer the queue's ranges by
walking all deadlines in order and filtering for the organisation, tier and status: at a
million tickets it read a quarter of a million rows for a range that held none. The queue
indexes serve the queue; the breach warnings get a partial index of the deadlines not yet
warned of.

Revision ID: d0cc96794d35
Revises: 2433ecdd3e2b
Create Date: 2026-12-03 13:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd0cc96794d35'
down_revision = '2433ecdd3e2b'
branch_labels = None
depends_on = None


def upgrade():
    op.drop_index('ix_ticket_sla_due', table_name='ticket')
    op.create_index('ix_ticket_breach_due', 'ticket', ['sla_due_at'], unique=False,
                    postgresql_where=sa.text('breach_notified_kind IS DISTINCT FROM sla_due_kind'),
                    sqlite_where=sa.text('breach_notified_kind IS NOT sla_due_kind'))


def downgrade():
    op.drop_index('ix_ticket_breach_due', table_name='ticket')
    op.create_index('ix_ticket_sla_due', 'ticket', ['sla_due_at'], unique=False)

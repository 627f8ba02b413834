"""queue counters, keyset queue indexes and the last public author

Counts per queue key (ticket_count, kept by helpdesk/tickets/counters.py) filled from the
tickets; the queue indexes end in the id (the page's order, for keyset pages) instead of the
assignee (whose counts now come from ticket_count); who wrote each ticket's last public and
last vendor-shared message, filled from the messages.

Revision ID: d0bceb9ece02
Revises: 0e9191d19470
Create Date: 2026-12-03 07:35:03.452520

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd0bceb9ece02'
down_revision = '0e9191d19470'
branch_labels = None
depends_on = None

_QUEUE = {"ix_ticket_queue_org": "organisation_id", "ix_ticket_queue_school": "school_id",
          "ix_ticket_queue_vendor": "vendor_id"}
_KEY = ["organisation_id", "school_id", "vendor_id", "tier", "status", "assignee_id"]
_ROLE = sa.Enum('requester', 'local', 'central', 'vendor', 'system', name='authorrole', native_enum=False,
                length=32)


def upgrade():
    op.create_table(
        'ticket_count',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('organisation_id', sa.Integer(), nullable=False),
        sa.Column('school_id', sa.Integer(), nullable=False),
        sa.Column('vendor_id', sa.Integer(), nullable=False),
        sa.Column('tier', sa.Enum('local', 'central', 'vendor', name='tier', native_enum=False, length=32),
                  nullable=False),
        sa.Column('status', sa.Enum('new', 'open', 'waiting_for_requester', 'waiting_for_tier_above', 'resolved',
                                    'closed', name='ticketstatus', native_enum=False, length=32), nullable=False),
        sa.Column('assignee_id', sa.Integer(), nullable=False),
        sa.Column('asker_answered', sa.Boolean(), nullable=False),
        sa.Column('central_answered', sa.Boolean(), nullable=False),
        sa.Column('n', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_ticket_count')),
        sa.UniqueConstraint('organisation_id', 'tier', 'status', 'school_id', 'vendor_id', 'assignee_id',
                            'asker_answered', 'central_answered', name='uq_ticket_count_key'),
    )
    op.create_index('ix_ticket_count_school', 'ticket_count', ['school_id', 'tier', 'status'], unique=False)
    op.create_index('ix_ticket_count_vendor', 'ticket_count', ['vendor_id', 'tier', 'status'], unique=False)
    for name, lead in _QUEUE.items():
        op.drop_index(name, table_name='ticket')
        op.create_index(name, 'ticket', [lead, 'tier', 'status', 'sla_due_at', 'id'], unique=False)
    with op.batch_alter_table('ticket', schema=None) as batch_op:
        batch_op.add_column(sa.Column('last_public_role', _ROLE, nullable=True))
        batch_op.add_column(sa.Column('last_vendor_role', _ROLE, nullable=True))
    for column, condition in (("last_public_role", "m.internal = :no"),
                              ("last_vendor_role", "m.shared_with_vendor = :yes")):
        op.get_bind().execute(sa.text(
            f"UPDATE ticket SET {column} = (SELECT m.author_role FROM ticket_message m "
            f"WHERE m.ticket_id = ticket.id AND {condition} ORDER BY m.id DESC LIMIT 1)"
        ).bindparams(*[sa.bindparam(n, v, type_=sa.Boolean()) for n, v in (("no", False), ("yes", True))
                       if f":{n}" in condition]))
    asker = "CASE WHEN last_public_role = 'requester' THEN TRUE ELSE FALSE END"
    central = "CASE WHEN last_vendor_role = 'central' THEN TRUE ELSE FALSE END"
    op.execute(sa.text(
        "INSERT INTO ticket_count (organisation_id, school_id, vendor_id, tier, status, assignee_id, asker_answered, "
        f"central_answered, n) SELECT organisation_id, school_id, COALESCE(vendor_id, 0), tier, status, "
        f"COALESCE(assignee_id, 0), {asker}, {central}, count(*) FROM ticket GROUP BY organisation_id, school_id, "
        f"COALESCE(vendor_id, 0), tier, status, COALESCE(assignee_id, 0), {asker}, {central}"))


def downgrade():
    with op.batch_alter_table('ticket', schema=None) as batch_op:
        batch_op.drop_column('last_vendor_role')
        batch_op.drop_column('last_public_role')
    for name, lead in _QUEUE.items():
        op.drop_index(name, table_name='ticket')
        op.create_index(name, 'ticket', [lead, 'tier', 'status', 'sla_due_at', 'assignee_id'], unique=False)
    op.drop_index('ix_ticket_count_vendor', table_name='ticket_count')
    op.drop_index('ix_ticket_count_school', table_name='ticket_count')
    op.drop_table('ticket_count')

"""mail in: the inbound mail log (quarantine, bounces, idempotency), reply addresses on the
outbox, an organisation's address for new questions, a vendor's desk address

Revision ID: e89fea22c90f
Revises: a9d4e6b7c2f1
Create Date: 2026-12-02 12:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e89fea22c90f'
down_revision = 'a9d4e6b7c2f1'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'inbound_mail',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('message_key', sa.String(length=255), nullable=False),
        sa.Column('sender', sa.String(length=254), nullable=False),
        sa.Column('subject', sa.String(length=300), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('outcome', sa.String(length=32), nullable=False),
        sa.Column('reason', sa.String(length=40), nullable=True),
        sa.Column('detail', sa.String(length=500), nullable=True),
        sa.Column('organisation_id', sa.Integer(), nullable=True),
        sa.Column('ticket_id', sa.Integer(), nullable=True),
        sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id']),
        sa.ForeignKeyConstraint(['ticket_id'], ['ticket.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('message_key', name='uq_inbound_mail_message_key'),
    )
    with op.batch_alter_table('inbound_mail', schema=None) as batch_op:
        batch_op.create_index('ix_inbound_mail_org_outcome', ['organisation_id', 'outcome', 'received_at'])
        batch_op.create_index('ix_inbound_mail_sender_time', ['sender', 'received_at'])
        batch_op.create_index(batch_op.f('ix_inbound_mail_organisation_id'), ['organisation_id'])
        batch_op.create_index(batch_op.f('ix_inbound_mail_ticket_id'), ['ticket_id'])
    with op.batch_alter_table('outbox_mail', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reply_to', sa.String(length=254), nullable=True))
    with op.batch_alter_table('vendor', schema=None) as batch_op:
        batch_op.add_column(sa.Column('desk_email', sa.String(length=254), nullable=True))
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('inbound_email', sa.String(length=254), nullable=True))
        batch_op.create_unique_constraint('uq_organisation_inbound_email', ['inbound_email'])


def downgrade():
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.drop_constraint('uq_organisation_inbound_email', type_='unique')
        batch_op.drop_column('inbound_email')
    with op.batch_alter_table('vendor', schema=None) as batch_op:
        batch_op.drop_column('desk_email')
    with op.batch_alter_table('outbox_mail', schema=None) as batch_op:
        batch_op.drop_column('reply_to')
    op.drop_table('inbound_mail')

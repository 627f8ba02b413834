"""search: title-and-tags tsvector and reader tokens on search_entry, each under a GIN index

The PostgreSQL backend searches in tiers (the title and tags first, then the whole text, all
words before any word) and filters by the reader's tokens through an index, so a search no
longer reads half the corpus. Existing rows are filled from what is already stored: the head
is tsv's A and B weights (ts_filter), the tokens the entry's search_access rows.

Revision ID: 5a1d2c3e4f60
Revises: 0e9191d19470
Create Date: 2026-12-03 07:50:00

"""
from alembic import op
import sqlalchemy as sa

import helpdesk.search.models


# revision identifiers, used by Alembic.
revision = '5a1d2c3e4f60'
down_revision = '0e9191d19470'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('search_entry', schema=None) as batch_op:
        batch_op.add_column(sa.Column('head', helpdesk.search.models.TSVector(), nullable=True))
        batch_op.add_column(sa.Column('tokens', helpdesk.search.models.TokenArray(), nullable=True))
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("UPDATE search_entry SET head = ts_filter(tsv, '{a,b}')")
        op.execute("UPDATE search_entry e SET tokens = COALESCE("
                   "(SELECT array_agg(a.token ORDER BY a.token) FROM search_access a WHERE a.entry_id = e.id), "
                   "'{}')")
    with op.batch_alter_table('search_entry', schema=None) as batch_op:
        batch_op.create_index('ix_search_entry_head', ['head'], unique=False, postgresql_using='gin')
        batch_op.create_index('ix_search_entry_tokens', ['tokens'], unique=False, postgresql_using='gin')


def downgrade():
    with op.batch_alter_table('search_entry', schema=None) as batch_op:
        batch_op.drop_index('ix_search_entry_tokens', postgresql_using='gin')
        batch_op.drop_index('ix_search_entry_head', postgresql_using='gin')
        batch_op.drop_column('tokens')
        batch_op.drop_column('head')

"""search: search_entry's GIN indexes cut by class (articles, everything else) and language

One GIN index over every document made a search for articles read every ticket's posting
lists, and an English query every Swedish title sharing its words (each then thrown away by
the filter on the language): partial indexes per class and language give each tier's
statement only its own documents. The btree indexes on kind and language go: the planner
ANDed them into the tiers' bitmaps (86,000 entries for Swedish) for nothing.

Revision ID: 7c2e9d1a4b30
Revises: 2433ecdd3e2b
Create Date: 2026-12-03 12:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7c2e9d1a4b30'
down_revision = '2433ecdd3e2b'
branch_labels = None
depends_on = None

# As in helpdesk.search.models.SEARCH_INDEXES when this was written (a migration must not
# follow later changes of the models).
CLASSES = {"article": "kind = 'article'", "other": "kind <> 'article'"}
INDEXES = tuple(
    [(f"ix_search_entry_{column}_{cls}_{lang}", column, f"{where} AND language = '{lang}'")
     for column in ("tsv", "head") for cls, where in CLASSES.items() for lang in ("sv", "en")]
    + [(f"ix_search_entry_tokens_{cls}", "tokens", where) for cls, where in CLASSES.items()])


def upgrade():
    with op.batch_alter_table('search_entry', schema=None) as batch_op:
        batch_op.drop_index('ix_search_entry_tsv', postgresql_using='gin')
        batch_op.drop_index('ix_search_entry_head', postgresql_using='gin')
        batch_op.drop_index('ix_search_entry_tokens', postgresql_using='gin')
        batch_op.drop_index('ix_search_entry_kind')
        batch_op.drop_index('ix_search_entry_language')
        for name, column, where in INDEXES:
            batch_op.create_index(name, [column], unique=False, postgresql_using='gin',
                                  postgresql_where=sa.text(where))


def downgrade():
    with op.batch_alter_table('search_entry', schema=None) as batch_op:
        for name, _column, _where in INDEXES:
            batch_op.drop_index(name, postgresql_using='gin')
        batch_op.create_index('ix_search_entry_language', ['language'], unique=False)
        batch_op.create_index('ix_search_entry_kind', ['kind'], unique=False)
        batch_op.create_index('ix_search_entry_tokens', ['tokens'], unique=False, postgresql_using='gin')
        batch_op.create_index('ix_search_entry_head', ['head'], unique=False, postgresql_using='gin')
        batch_op.create_index('ix_search_entry_tsv', ['tsv'], unique=False, postgresql_using='gin')

"""mask civic numbers already stored in free text (data only)

Before free-text columns masked on assignment (models_base.free_text), notes, guest
requests, board titles and posts, search logs and mail could hold a personnummer written
after a hyphen, a letter or an en dash. This pass masks what is stored. A ticket's subject
and a message's body keep the text as typed in their `*_original` column when they had none,
so an agent's "show the original" still works for old tickets; every other column is only
masked.

It reads each table by id in batches and runs outside the migration's transaction (each
update commits on its own), so a large table is neither read into memory nor held locked
at once; masking is idempotent, so a pass that stops half-way is finished by running it
again.

Revision ID: dc0a0b126b6e
Revises: 16fe1be2aaec
Create Date: 2026-12-02 02:40:00

"""
import sqlalchemy as sa
from alembic import op

from helpdesk.text import mask_civic_numbers

# revision identifiers, used by Alembic.
revision = 'dc0a0b126b6e'
down_revision = '16fe1be2aaec'
branch_labels = None
depends_on = None

BATCH = 500

# table -> (masked columns, {column: column keeping the original for the reveal}); frozen
# here as the schema stood, since the models move on.
COLUMNS = {
    "ticket": (("subject", "resolution_summary", "rating_comment", "vendor_status"),
               {"subject": "subject_original"}),
    "ticket_message": (("body",), {"body": "body_original"}),
    "ticket_event": (("note",), {}),
    "canned_reply": (("title", "body"), {}),
    "closed_day": (("note",), {}),
    "guest_request": (("body",), {}),
    "board": (("name", "description"), {}),
    "board_thread": (("title",), {}),
    "board_post": (("body", "body_html", "hidden_reason"), {}),
    "post_revision": (("body",), {}),
    "board_report": (("reason",), {}),
    "meeting": (("title", "location", "minutes"), {}),
    "agenda_item": (("title",), {}),
    # Articles are left alone: shipped ones show example numbers on purpose, and the
    # portal's editor masked what central wrote.
    "article_revision": (("note",), {}),
    "article_vote": (("comment",), {}),
    "search_log": (("query",), {}),
    "approval_request": (("reason", "note"), {}),
    "outbox_mail": (("subject", "body"), {}),
    "sync_run": (("error",), {}),
    "sync_flag": (("reason",), {}),
}


def mask_table(connection, name: str, columns, originals, batch: int = BATCH) -> int:
    """Mask one table's columns in batches by id; returns how many rows changed."""
    table = sa.table(name, sa.column("id"), *(sa.column(c) for c in columns),
                     *(sa.column(o) for o in originals.values()))
    changed_rows, last = 0, 0
    while True:
        rows = connection.execute(
            sa.select(table).where(table.c.id > last).order_by(table.c.id).limit(batch)).mappings().all()
        if not rows:
            return changed_rows
        last = rows[-1]["id"]
        for row in rows:
            values = {}
            for column in columns:
                text = row[column]
                if not isinstance(text, str):
                    continue
                new, changed = mask_civic_numbers(text)
                if not changed:
                    continue
                values[column] = new
                keep = originals.get(column)
                if keep and row[keep] is None:
                    values[keep] = text
            if values:
                connection.execute(sa.update(table).where(table.c.id == row["id"]).values(**values))
                changed_rows += 1


def mask_stored_text(connection) -> dict[str, int]:
    """Every table's pass; the counts of changed rows by table."""
    present = set(sa.inspect(connection).get_table_names())
    return {name: mask_table(connection, name, columns, originals)
            for name, (columns, originals) in COLUMNS.items() if name in present}


def upgrade():
    context = op.get_context()
    if context.as_sql:
        return  # data only: nothing to write for an offline SQL script
    # Out of the migration's own transaction so each batch commits on its own.
    with context.autocommit_block():
        mask_stored_text(op.get_bind())


def downgrade():
    # The masked digits are gone; the originals kept for the reveal stay where they were.
    pass

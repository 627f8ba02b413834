"""The Alembic migrations build exactly the schema the models describe."""
from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade

from helpdesk import create_app
from helpdesk.extensions import db


def test_migrations_match_the_models(tmp_path):
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'm.sqlite'}", "TESTING": True},
                     instance_path=str(tmp_path))
    with app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), db.metadata)
        db.engine.dispose()
    assert diff == [], f"models and migrations differ; run 'flask db migrate': {diff}"


def _masking_migration():
    import importlib.util
    from pathlib import Path

    path = next((Path(__file__).parent.parent / "migrations" / "versions").glob("dc0a0b126b6e_*.py"))
    spec = importlib.util.spec_from_file_location("masking_migration", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_masking_migration_masks_what_is_stored_and_keeps_originals_for_the_reveal(demo_app):
    from sqlalchemy import select, update

    from helpdesk.tickets.models import Ticket, TicketEvent, TicketMessage

    migration = _masking_migration()
    raw = "Gäller elev-20140101-9995"
    with demo_app.app_context():
        # Rows as an older version stored them: core statements bypass the models' masking.
        ticket_id, message_id, event_id = db.session.execute(
            select(Ticket.id, TicketMessage.id, TicketEvent.id).join(TicketMessage).join(
                TicketEvent, TicketEvent.ticket_id == Ticket.id).limit(1)).one()
        db.session.execute(update(Ticket.__table__).where(Ticket.id == ticket_id)
                           .values(subject=raw, subject_original=None))
        db.session.execute(update(TicketMessage.__table__).where(TicketMessage.id == message_id)
                           .values(body=raw, body_original=None))
        db.session.execute(update(TicketEvent.__table__).where(TicketEvent.id == event_id).values(note=raw))
        db.session.commit()
        with db.engine.connect() as conn:
            # A small batch so the walk over several batches is what is tested.
            counts = {name: migration.mask_table(conn, name, columns, originals, batch=2)
                      for name, (columns, originals) in migration.COLUMNS.items()
                      if name in ("ticket", "ticket_message", "ticket_event")}
            conn.commit()
            again = migration.mask_stored_text(conn)
            conn.commit()
        assert counts == {"ticket": 1, "ticket_message": 1, "ticket_event": 1}
        assert not any(again.values()), "a second pass finds nothing left to mask"
        db.session.expire_all()
        t = db.session.get(Ticket, ticket_id)
        m = db.session.get(TicketMessage, message_id)
        assert t.subject == m.body == db.session.get(TicketEvent, event_id).note == "Gäller elev-20140101-XXXX"
        assert t.subject_original == m.body_original == raw

"""Mail in: how long one mail takes from raw bytes to a message on its question.

On a temporary SQLite database with the demo, takes in N replies to one question (each a
new message through the ticket service, with its notification queued), then the same mails
again (duplicates, answered from the Message-ID alone), then N automatic replies (dropped
by the loop guard). Prints median and 95th percentile per mail and SQL queries per mail.
"""
from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from sqlalchemy import event

N = 300


def _timed(app, raws):
    from helpdesk.extensions import db
    from helpdesk.mailin.intake import take_in

    times, queries = [], [0]

    def count(*_args, **_kw):
        queries[0] += 1

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        for raw in raws:
            started = time.perf_counter()
            take_in(raw)
            db.session.commit()
            times.append((time.perf_counter() - started) * 1000)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1], queries[0] / len(raws)


def main() -> None:
    from helpdesk import create_app
    from helpdesk.demo import build_demo
    from helpdesk.extensions import db
    from helpdesk.notify.reply_address import reply_address
    from helpdesk.tickets import services
    from tests.mailin.mails import mail, user

    tmp = Path(tempfile.mkdtemp(prefix="bench-mailin-"))
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp / 'bench.sqlite'}", "SECRET_KEY": "bench",
                      "MAIL_SERVER": "", "MAIL_DROP_DIR": str(tmp / "mail"), "UPLOAD_DIR": str(tmp / "up"),
                      "MAIL_REPLY_ADDRESS": "support@exempelkommun.se", "MAILIN_SENDER_LIMIT_PER_HOUR": 10 * N,
                      "PASSWORD_HASH_METHOD": "scrypt:1024:8:1"}, instance_path=str(tmp / "instance"))
    with app.test_request_context():
        db.create_all()
        build_demo()
        teacher = user("larare.norr@exempelkommun.se")
        ticket = services.file_ticket(teacher, subject="Bench", body="Fråga", category="usage")
        db.session.commit()
        to = reply_address(ticket.id, teacher.id, internal=False)
        replies = [mail(teacher.email, to, f"Svar nummer {i}\n\n-- \nAnna", quoted="Tidigare text\nfler rader")
                   for i in range(N)]
        automatic = [mail(teacher.email, to, "Jag är ledig", headers={"Auto-Submitted": "auto-replied"})
                     for _ in range(N)]
        for label, raws in (("reply -> message", replies), ("duplicate", replies), ("auto-reply dropped", automatic)):
            median, p95, per = _timed(app, raws)
            print(f"{label:20} median {median:6.1f} ms  p95 {p95:6.1f} ms  {per:5.1f} queries/mail  (n={N})")


if __name__ == "__main__":
    main()

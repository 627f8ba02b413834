"""Loading the demo municipality, with and without its six months of history
(helpdesk/tickets/demo_history.py), into a new SQLite database: wall and CPU seconds,
median of three loads each, and what the history holds. The target: under 20 s."""
from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

RUNS = 3


def _load(tmp: Path, n: int, history: bool) -> tuple[float, float, int]:
    from sqlalchemy import func, select

    from helpdesk import create_app
    from helpdesk.demo import build_demo
    from helpdesk.extensions import db
    from helpdesk.tickets.models import Ticket

    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp / f'demo{n}.sqlite'}", "SECRET_KEY": "bench",
                      "MAIL_SERVER": "", "MAIL_DROP_DIR": str(tmp / "mail"), "SEARCH_INDEX_DIR": str(tmp / "idx"),
                      "UPLOAD_DIR": str(tmp / "up")}, instance_path=str(tmp / "instance"))
    with app.app_context():
        db.create_all()
        wall, cpu = time.perf_counter(), time.process_time()
        build_demo(history=history)
        db.session.commit()
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        tickets = db.session.scalar(select(func.count(Ticket.id)))
        db.engine.dispose()
    return wall, cpu, tickets


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        n = 0
        for history in (False, True):
            walls, cpus = [], []
            for _ in range(RUNS):
                n += 1
                wall, cpu, tickets = _load(tmp, n, history)
                walls.append(wall)
                cpus.append(cpu)
            print(f"demo {'with' if history else 'without'} history: {tickets:,} tickets, "
                  f"median {statistics.median(walls):.1f} s wall, {statistics.median(cpus):.1f} s CPU", flush=True)


if __name__ == "__main__":
    main()

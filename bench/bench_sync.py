"""A municipality-sized SS 12000 sync (tests/support/municipality.py: 50,000 students, about
140,000 persons, 9,000 groups) imported into an empty SQLite database, re-run with no changes,
then a second night in which a tenth of the guardians lose their only child (--full).

Each step runs in a fresh process, so its peak memory is its own. Prints wall time, CPU time
and peak RSS per step, and the machine's load. Targets (issue 10): first import < 60 s wall
and < 600 MB peak, unchanged re-run < 20 s.
"""
from __future__ import annotations

import multiprocessing
import os
import resource
import sys
import tempfile
import time
from pathlib import Path


def peak_mb() -> float:
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss / 1024 if sys.platform != "darwin" else rss / 1024 / 1024


def cpu_s() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def _generate(tmp: str) -> None:
    import copy

    from tests.support.municipality import MUNICIPALITY, generate, second_night, write_pages

    t0 = time.perf_counter()
    doc = generate(MUNICIPALITY)
    write_pages(doc, Path(tmp) / "night1")
    doc = copy.deepcopy(doc)
    departure = second_night(doc)
    write_pages(doc, Path(tmp) / "night2")
    size = sum(p.stat().st_size for p in (Path(tmp) / "night1").iterdir()) / 1e6
    groups = len(doc["groups"])
    print(f"generated export: {len(doc['persons']) + len(departure.children)} persons, {groups} groups, "
          f"{size:.0f} MB, in {time.perf_counter() - t0:.1f} s; the second night: "
          f"{len(departure.children)} children leave", flush=True)


def _step(tmp: str, night: str, full: bool, label: str, target: str) -> None:
    from helpdesk import create_app
    from helpdesk.extensions import db
    from helpdesk.sync.importer import run_import

    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{Path(tmp) / 'bench.sqlite'}", "TESTING": True},
                     instance_path=str(Path(tmp) / "instance"))
    with app.test_request_context():
        db.create_all()
        c0, t0 = cpu_s(), time.perf_counter()
        result = run_import(Path(tmp) / night, full=full)
        wall, cpu = time.perf_counter() - t0, cpu_s() - c0
        counts = result.run.counts or {}
        print(f"{label}: {wall:.1f} s wall, {cpu:.1f} s CPU, peak {peak_mb():.0f} MB ({target}); "
              f"status {result.run.status.value}", flush=True)
        for kind, actions in counts.items():
            print(f"  {kind}: " + ", ".join(f"{a} {n}" for a, n in actions.items()), flush=True)
        db.session.remove()
        db.engine.dispose()


def _in_child(target, *args) -> None:
    process = multiprocessing.get_context("spawn").Process(target=target, args=args)
    process.start()
    process.join()
    if process.exitcode:
        raise SystemExit(f"bench step failed ({process.exitcode})")


def main() -> None:
    print(f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} cores", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        _in_child(_generate, tmp)
        _in_child(_step, tmp, "night1", False, "first import", "target < 60 s, < 600 MB")
        _in_child(_step, tmp, "night1", False, "unchanged re-run", "target < 20 s")
        _in_child(_step, tmp, "night2", True, "second night (--full)", "no target")
    print(f"load average afterwards {' '.join(f'{x:.1f}' for x in os.getloadavg())}", flush=True)


if __name__ == "__main__":
    main()

"""gunicorn.conf.py: with WEB_PRELOAD=1 the master builds the app and the workers fork from
it, sharing its memory (README: "Running it for real", worker memory)."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _smaps(pid: int) -> dict[str, int]:
    fields = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
        name, _, rest = line.partition(":")
        fields[name] = int(rest.split()[0]) if rest.split() else 0
    return fields


def test_preloaded_workers_share_the_masters_memory(tmp_path):
    port = _free_port()
    env = {**os.environ, "WEB_PRELOAD": "1", "DATABASE_URL": f"sqlite:///{tmp_path / 'p.sqlite'}",
           "SECRET_KEY": "test", "MAIL_SERVER": "", "LOG_LEVEL": "WARNING"}
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "--workers", "2", "--bind", f"127.0.0.1:{port}",
         f"helpdesk:create_app(instance_path={str(tmp_path / 'instance')!r})"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(300):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/livez", timeout=2) as answer:
                    assert answer.status == 200
                    break
            except OSError:
                time.sleep(0.2)
        else:
            raise AssertionError("gunicorn did not answer")
        # The master forks its workers one after the other; the first may answer before the
        # second exists.
        for _ in range(300):
            workers = subprocess.run(["pgrep", "-P", str(server.pid)], capture_output=True, text=True).stdout.split()
            if len(workers) == 2:
                break
            time.sleep(0.2)
        assert len(workers) == 2
        for pid in workers:
            memory = _smaps(int(pid))
            private = memory["Private_Clean"] + memory["Private_Dirty"]
            # Forked after the app was built: most of what the worker maps is the master's.
            # (Each worker building its own app keeps ~3/4 of its pages to itself.)
            assert private < memory["Rss"] / 2, memory
    finally:
        server.terminate()
        server.wait(timeout=30)

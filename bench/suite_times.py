"""Summarise a pytest run's `--durations=0` output: the sum per directory and per file, and
the slowest tests (setup, call and teardown added up). Used for bench/SUITE_TIMES.md:

    .venv/bin/python -m pytest -n0 -q --durations=0 tests > run.txt
    .venv/bin/python -m bench.suite_times run.txt
    .venv/bin/python -m bench.suite_times --compare before.txt after.txt

--compare sums per directory only the tests found in both runs (a run stopped early, or
one directory measured alone, still compares fairly).
"""
from __future__ import annotations

import re
import sys
from collections import defaultdict

LINE = re.compile(r"^(\d+\.\d+)s (setup|call|teardown) +(\S.*)$")


def read(path: str) -> dict[str, float]:
    per_test: dict[str, float] = defaultdict(float)
    with open(path, encoding="utf-8") as f:
        for line in f:
            m = LINE.match(line.rstrip("\n"))
            if m:
                per_test[m.group(3)] += float(m.group(1))
    return per_test


def area(test_id: str) -> str:
    """tests/admin/test_x.py::... -> tests/admin/; tests/test_x.py::... -> tests/test_x.py"""
    path = test_id.split("::")[0]
    parts = path.split("/")
    return "/".join(parts[:2]) + "/" if len(parts) > 2 else path


def table(rows, head) -> str:
    out = [f"| {head[0]} | {head[1]} | {head[2]} |", "| --- | ---: | ---: |"]
    out += [f"| `{name}` | {n} | {secs:.1f} |" for name, n, secs in rows]
    return "\n".join(out)


def compare(before_path: str, after_path: str) -> None:
    before, after = read(before_path), read(after_path)
    both = before.keys() & after.keys()
    sums: dict[str, list] = defaultdict(lambda: [0, 0.0, 0.0])
    for test_id in both:
        row = sums[area(test_id)]
        row[0] += 1
        row[1] += before[test_id]
        row[2] += after[test_id]
    print("| directory | tests in both | before s | after s |\n| --- | ---: | ---: | ---: |")
    for name, (n, b, a) in sorted(sums.items(), key=lambda kv: -kv[1][1]):
        print(f"| `{name}` | {n} | {b:.1f} | {a:.1f} |")
    n = len(both)
    b, a = sum(before[t] for t in both), sum(after[t] for t in both)
    print(f"| all | {n} | {b:.1f} | {a:.1f} |")


def main(argv: list[str]) -> int:
    if argv[0] == "--compare":
        compare(argv[1], argv[2])
        return 0
    per_test = read(argv[0])
    top = int(argv[1]) if len(argv) > 1 else 30
    by_area: dict[str, list[float]] = defaultdict(list)
    by_file: dict[str, list[float]] = defaultdict(list)
    for test_id, secs in per_test.items():
        by_area[area(test_id)].append(secs)
        by_file[test_id.split("::")[0]].append(secs)
    total = sum(per_test.values())
    print(f"{len(per_test)} tests, {total:.0f} s in setup, call and teardown\n")
    print(table(sorted(((a, len(v), sum(v)) for a, v in by_area.items()), key=lambda r: -r[2]),
                ("directory", "tests", "seconds")))
    print()
    print(table(sorted(((a, len(v), sum(v)) for a, v in by_file.items()), key=lambda r: -r[2])[:top],
                ("file", "tests", "seconds")))
    print()
    print("| test | seconds |\n| --- | ---: |")
    for test_id, secs in sorted(per_test.items(), key=lambda kv: -kv[1])[:top]:
        print(f"| `{test_id}` | {secs:.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

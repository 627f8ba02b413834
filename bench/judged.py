"""Measure the judged query set: top-3 hit rate and MRR@10 (used by tests and the benchmark)."""
from __future__ import annotations

from pathlib import Path

import yaml

JUDGED = Path(__file__).resolve().parent.parent / "tests" / "search" / "judged_queries.yaml"


def judged_queries() -> list[dict]:
    return yaml.safe_load(JUDGED.read_text(encoding="utf-8"))


def measure(search_fn, queries=None) -> dict:
    """search_fn(query, lang) -> list of slugs, best first."""
    queries = queries or judged_queries()
    top3 = 0
    rr = 0.0
    misses = []
    for q in queries:
        slugs = search_fn(q["query"], q["language"])[:10]
        expected = set(q["expected"])
        ranks = [i for i, s in enumerate(slugs, start=1) if s in expected]
        if ranks and ranks[0] <= 3:
            top3 += 1
        else:
            misses.append((q["query"], q["expected"], slugs[:3]))
        rr += 1.0 / ranks[0] if ranks else 0.0
    n = len(queries)
    return {"n": n, "top3": top3 / n, "mrr10": rr / n, "misses": misses}

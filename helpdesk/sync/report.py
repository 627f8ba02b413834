"""What a sync run changed (or would change): counts per kind and action, a few samples, warnings."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

SAMPLE = 3


@dataclass
class Report:
    counts: dict = field(default_factory=lambda: defaultdict(lambda: defaultdict(int)))
    samples: dict = field(default_factory=lambda: defaultdict(list))
    warnings: list = field(default_factory=list)
    flags: int = 0

    def count(self, kind: str, action: str, label: str = "", n: int = 1) -> None:
        if n <= 0:
            return
        self.counts[kind][action] += n
        key = f"{kind} {action}"
        if label and len(self.samples[key]) < SAMPLE:
            self.samples[key].append(label)

    def warn(self, warning: dict) -> None:
        """Keep a warning (notices.notice(...)); it is worded when shown."""
        if len(self.warnings) < 500:
            self.warnings.append(warning)

    def plain_counts(self) -> dict:
        return {k: dict(v) for k, v in sorted(self.counts.items()) if any(v.values())}


def jsonable(d: dict) -> dict:
    """Values for the audit log: enums by value, dates as ISO text, civic numbers masked."""
    out = {}
    for k, v in d.items():
        if hasattr(v, "value"):
            v = v.value
        elif hasattr(v, "isoformat"):
            v = v.isoformat()
        if k == "civic_no" and v:
            v = f"{v[:8]}-XXXX"
        out[k] = v
    return out

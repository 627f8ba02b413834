"""A small store of the least recently used kind, per worker process, shared by its threads.

What a worker keeps between requests (rendered queue pages, search answers) lives in one of
these: bounded (`size`; 0 keeps nothing), the oldest-read entry going first, and counting its
hits and misses so a test or a benchmark can tell an answer kept from one worked out again.
Whether an entry is still right is the key's business: callers put in the key everything the
value depends on (versions, generations), so nothing here ever needs to forget on purpose.
"""
from __future__ import annotations

import threading
from collections import OrderedDict


class Kept:
    def __init__(self, size: int):
        self.size, self.lock = size, threading.Lock()
        self.entries: OrderedDict = OrderedDict()
        self.hits = self.misses = 0

    def get(self, key):
        with self.lock:
            found = self.entries.get(key)
            if found is None:
                self.misses += 1
                return None
            self.hits += 1
            self.entries.move_to_end(key)
            return found

    def put(self, key, value) -> None:
        if self.size <= 0:
            return
        with self.lock:
            self.entries[key] = value
            self.entries.move_to_end(key)
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)

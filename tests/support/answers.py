"""Comparing two answers for "indistinguishable": the same status and the same body, once
what differs by request alone (the CSRF token, the page's own address) is taken out."""
from __future__ import annotations

import re


def answer(response, path: str) -> tuple[int, bytes]:
    body = re.sub(rb'name="csrf_token" value="[^"]*"', b"", response.data)
    return response.status_code, body.replace(path.encode(), b"<path>")


def with_missing_ids(path: str) -> str:
    """The same address with every id replaced by one that does not exist."""
    return re.sub(r"/\d+(?=/|$)", "/999999", path)

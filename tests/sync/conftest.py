import copy
import json
from pathlib import Path

import pytest

HERE = Path(__file__).parent / "data" / "export.json"


@pytest.fixture
def sample():
    """The shared sample export (a copy is kept in the repository for CI)."""
    path = HERE
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture
def write_export(tmp_path):
    def write(doc, name="export.json"):
        path = tmp_path / name
        path.write_text(json.dumps(copy.deepcopy(doc), ensure_ascii=False), encoding="utf-8")
        return path

    return write

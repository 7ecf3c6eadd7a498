"""A task whose module takes two seconds to import: a worker process that starts slowly,
as on a machine busy with other work (used by tests/ingest/test_pool.py)."""

from __future__ import annotations

import time
from typing import Any

time.sleep(2.0)


def task(found: Any, limits: Any) -> Any:
    return ("ok", found.rel)

"""The pipeline's process start methods, fork-server preloading and GC thresholds are
chosen in one module, :mod:`auditor.runtime`, and nowhere else."""

from __future__ import annotations

import gc
import re
import subprocess
import sys
from pathlib import Path

from auditor import runtime

ROOT = Path(__file__).resolve().parent.parent

#: What choosing a start method, preloading the fork server or tuning the collector is
#: spelt as in Python.
_SPELLINGS = re.compile(
    r"get_context\(|set_start_method|set_forkserver_preload|gc\.set_threshold|gc\.freeze"
    r"|gc\.disable|get_all_start_methods"
)


def test_no_module_but_runtime_chooses_start_methods_preloading_or_gc() -> None:
    found = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in sorted((ROOT / "auditor").rglob("*.py"))
        if path.name != "runtime.py" or path.parent.name != "auditor"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if _SPELLINGS.search(line)
    ]
    assert found == []


def test_fewer_collections_gives_the_callers_thresholds_back() -> None:
    before = gc.get_threshold()
    with runtime.fewer_collections():
        assert gc.get_threshold() == runtime.THRESHOLDS
    assert gc.get_threshold() == before
    try:
        with runtime.fewer_collections():
            raise KeyError("x")
    except KeyError:
        pass
    assert gc.get_threshold() == before


def test_a_run_keeps_what_its_paused_block_made_out_of_collections_until_it_ends() -> None:
    assert gc.get_freeze_count() == 0
    with runtime.fewer_collections():
        with runtime.collector_paused():
            kept = [[n] for n in range(1000)]
        assert gc.isenabled() and gc.get_freeze_count() >= len(kept)
    assert gc.get_freeze_count() == 0  # given back to the collections with the run


def test_outside_a_run_or_with_a_callers_own_freeze_nothing_is_frozen_or_thawed() -> None:
    with runtime.collector_paused():
        made = [[n] for n in range(1000)]
    assert gc.get_freeze_count() == 0 and made
    gc.freeze()  # ``made`` among the frozen: dropped below, they leave the count
    try:
        theirs = gc.get_freeze_count()
        with runtime.fewer_collections(), runtime.collector_paused():
            made = [[n] for n in range(1000)]
        # the caller's freeze neither grown (by the block's lists) nor undone
        assert theirs - len(made) > gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


#: A fresh interpreter: a worker from the fork server has the preloaded modules already
#: imported before its task runs, and a tuned process keeps the pipeline's thresholds.
_SERVED = """
import sys
from auditor import runtime

def modules():
    return sorted(m for m in sys.modules if m in ("auditor.engine", "auditor.report"))

if __name__ == "__main__":
    context = runtime.reader_context(runtime.PIPELINE_MODULES)
    print(context.get_start_method())
    with context.Pool(1) as pool:
        print(",".join(pool.apply(modules)))
    runtime.tune()
    import gc
    print(gc.get_threshold() == runtime.THRESHOLDS)
"""


def test_the_fork_server_preloads_the_pipeline_modules(tmp_path: Path) -> None:
    script = tmp_path / "served.py"
    script.write_text(_SERVED, encoding="utf-8")
    ran = subprocess.run(
        [sys.executable, str(script)], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert ran.stdout.split() == ["forkserver", "auditor.engine,auditor.report", "True"]

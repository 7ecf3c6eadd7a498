"""Twenty clients uploading small years at once through the API, on loopback: every run
finishes, none is lost or mixed with another, no answer is a server error, and the
server's memory stays bounded (each audit runs in a process of its own). The timings
and memory figures are measured by ``benchmarks/web.py``, not asserted here.
"""

from __future__ import annotations

from pathlib import Path

from tests.web.live import add_user, running, token_for
from tests.web.load import twenty_uploads

#: The server process's resident memory may not pass this while 20 clients work
#: (about 150 MB idle on CPython 3.11; audits run in their own processes).
PEAK_RSS_MIB = 400


def test_twenty_clients_uploading_at_once_each_get_their_own_finished_run(tmp_path: Path) -> None:
    data = tmp_path / "data"
    add_user(data, "board", "board")
    token = token_for(data, "board")
    with running(data) as server:
        outcomes, peak_kib = twenty_uploads(server, token, tmp_path)
        rss_after = server.rss_kib()
    answers = [a for o in outcomes for a in o.answers]
    assert [a for a in answers if a[1] >= 500] == []
    assert all(o.run_id for o in outcomes), [o.answers[:1] for o in outcomes if not o.run_id]
    assert len({o.run_id for o in outcomes}) == 20  # none lost, none shared
    assert [o.status for o in outcomes] == ["done"] * 20
    for outcome in outcomes:  # each run holds its own cell, and only it
        assert outcome.cells == [outcome.cell]
    codes = [code for _path, code, _s in answers]
    assert set(codes) == {200, 201} and codes.count(201) == 20
    assert peak_kib < PEAK_RSS_MIB * 1024, peak_kib
    assert rss_after < PEAK_RSS_MIB * 1024

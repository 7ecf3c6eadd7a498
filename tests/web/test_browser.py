"""The pages as a board's staff and a cell's secretary use them, in Debian's Chromium.

A real ``auditor serve`` (users made with ``auditor users add``) on loopback, on SQLite
and on PostgreSQL; Playwright drives ``/usr/bin/chromium`` (no browser is downloaded).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from python_calamine import CalamineWorkbook

from auditor.audit import run_audit
from tests.web.conftest import _databases, _fresh_postgres
from tests.web.live import (
    CHROMIUM,
    CHROMIUM_ARGS,
    PASSWORD,
    SAMPLE,
    Server,
    add_user,
    token_for,
    wait_status,
)

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="/usr/bin/chromium is missing (apt-get install chromium)"
)
TIMEOUT_MS = 30_000


class Site:
    def __init__(self, server: Server, token: str, sample_run: int) -> None:
        self.server, self.token, self.sample_run = server, token, sample_run
        self.url = server.url


@pytest.fixture(scope="module", params=_databases())
def site(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Site]:
    """The server with one user of each role, and the sample year sent through the API."""
    database: str | None = request.param
    if database:
        database = _fresh_postgres(database)
    data = tmp_path_factory.mktemp("browser") / "data"
    add_user(data, "admin", "admin", database=database)
    add_user(data, "board", "board", database=database)
    add_user(data, "bithu1", "cell", "CB-001", database=database)
    token = token_for(data, "board", database)
    server = Server(data, database).start()
    try:
        files = [
            ("files", ("sample_data/" + p.relative_to(SAMPLE).as_posix(), p.read_bytes()))
            for p in sorted(SAMPLE.rglob("*"))
            if p.is_file()
        ]
        created = httpx.post(
            server.url + "/api/runs",
            headers={"Authorization": f"Bearer {token}"},
            data={"year": "2024"},
            files=files,
            timeout=60,
        )
        assert created.status_code == 201, created.text
        run = created.json()["id"]
        assert wait_status(server, run, token, ("done", "failed"))["status"] == "done"
        yield Site(server, token, run)
    finally:
        server.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, timeout=TIMEOUT_MS
        )
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(accept_downloads=True, locale="vi-VN")
    context.set_default_timeout(TIMEOUT_MS)
    opened = context.new_page()
    dialogs: list[str] = []
    opened.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    opened.dialogs = dialogs
    yield opened
    context.close()


def log_in(page: Any, site: Site, name: str, password: str = PASSWORD) -> None:
    page.goto(site.url + "/")
    assert page.url.endswith("/login")
    page.fill("input[name=name]", name)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")


def without_stamp(report: dict[str, Any]) -> dict[str, Any]:
    report.pop("generated_at", None)
    return report


def test_the_board_uploads_the_sample_folder_sees_it_audited_and_downloads_the_report(
    page: Any, site: Site, tmp_path: Path
) -> None:
    log_in(page, site, "board")
    page.wait_for_url(site.url + "/")
    assert "board (board)" in page.inner_text("header")
    page.fill("input[name=year]", "2024")
    page.set_input_files("input[webkitdirectory]", str(SAMPLE))
    page.click("#upload button[type=submit]")
    page.wait_for_url(re.compile(r"/runs/\d+$"))
    run = int(page.url.rsplit("/", 1)[1])
    assert run != site.sample_run
    # the page polls the API and reloads itself when the audit ends
    page.wait_for_function(
        "document.getElementById('status').textContent.trim() === 'Đã xong'", timeout=180_000
    )
    page.wait_for_selector("table#cells tbody tr")
    rows = page.locator("table#cells tbody tr")
    assert rows.count() == 14
    # both sample years are uploaded; the 2026 files are listed as skipped in a 2024 run
    uploaded = sum(p.is_file() for p in SAMPLE.rglob("*"))
    assert uploaded > 12
    assert f"{uploaded} tệp tải lên" in page.inner_text("#progress")

    # the same report.json as the API's run and as `auditor audit` on the same files
    served = without_stamp(page.request.get(f"{site.url}/runs/{run}/report.json").json())
    by_api = httpx.get(
        f"{site.url}/api/runs/{site.sample_run}/report.json",
        headers={"Authorization": f"Bearer {site.token}"},
        timeout=30,
    ).json()
    run_audit([SAMPLE], year=2024, out=tmp_path / "cli", workers=0)
    local = json.loads((tmp_path / "cli" / "report.json").read_text(encoding="utf-8"))
    assert served == without_stamp(by_api) == without_stamp(local)

    # open a cell with violations: its evidence and history are on its page
    broken = next(c for c in served["cells"] if c["violations"])
    page.click(f"table#cells a:text-is('{broken['cell_id']}')")
    page.wait_for_url(re.compile(rf"/runs/{run}/cells/"))
    body = page.inner_text("main")
    assert f"Vi phạm ({len(broken['violations'])})" in body
    assert broken["violations"][0]["rule"] in body and "Bằng chứng" in body
    assert "Cần sửa" in body and "{" not in body  # remedies with their parameters filled in
    assert page.locator("table#history tbody tr").count() >= 2  # the API's run and this one

    # download report.xlsx from the run's page and open it
    page.goto(f"{site.url}/runs/{run}")
    with page.expect_download() as caught:
        page.click("#dl-xlsx")
    saved = tmp_path / "report.xlsx"
    caught.value.save_as(saved)
    book = CalamineWorkbook.from_path(str(saved))
    assert len(book.sheet_names) >= 2
    cells_seen = {
        str(value)
        for name in book.sheet_names
        for row in book.get_sheet_by_name(name).to_python()
        for value in row
    }
    assert {c["cell_id"] for c in served["cells"]} <= cells_seen


def test_a_cell_secretary_sees_only_that_cell_by_page_link_or_api(page: Any, site: Site) -> None:
    log_in(page, site, "bithu1")
    page.wait_for_url(site.url + "/")
    page.goto(f"{site.url}/runs/{site.sample_run}")
    listed = page.locator("table#cells tbody tr td:nth-child(2)").all_inner_texts()
    assert listed == ["CB-001"]
    assert "CB-002" not in page.content()
    assert page.locator("#dl-xlsx").count() == 0
    refused = page.goto(f"{site.url}/runs/{site.sample_run}/cells/CB-002")
    assert refused is not None and refused.status == 403
    assert "chi bộ của mình" in page.inner_text("body")
    own = page.goto(f"{site.url}/runs/{site.sample_run}/cells/CB-001")
    assert own is not None and own.status == 200
    for url in (
        f"/api/runs/{site.sample_run}/cells/CB-002",
        "/api/cells/CB-002/history",
        f"/api/runs/{site.sample_run}/report.json",
        f"/runs/{site.sample_run}/report.xlsx",
        f"/runs/{site.sample_run}/inputs",
        "/compare",
    ):
        assert page.request.get(site.url + url).status == 403, url
    mine = page.request.get(f"{site.url}/api/runs/{site.sample_run}/cells").json()
    assert [c["cell_id"] for c in mine["cell_list"]] == ["CB-001"]


def test_a_cell_name_holding_a_script_shows_as_text(page: Any, site: Site, tmp_path: Path) -> None:
    from tests.conftest import SESSION_HEADER, info_sheet, session_row, write_workbook

    hostile = "<script>alert(1)</script><img src=x onerror=alert(2)>Chi bộ"
    workbook = write_workbook(
        tmp_path / "CB-001.xlsx",
        [
            info_sheet("CB-001", hostile),
            ("Sổ sinh hoạt", [SESSION_HEADER, session_row(1, dt.date(2024, 1, 10), "TK")]),
        ],
    )
    log_in(page, site, "board")
    page.wait_for_url(site.url + "/")
    page.fill("input[name=year]", "2024")
    page.set_input_files("input[name=files]:not([webkitdirectory])", str(workbook))
    page.click("#upload button[type=submit]")
    page.wait_for_url(re.compile(r"/runs/\d+$"))
    page.wait_for_function(
        "document.getElementById('status').textContent.trim() === 'Đã xong'", timeout=120_000
    )
    page.wait_for_selector("table#cells tbody tr")
    assert page.locator("table#cells tbody tr td:nth-child(3)").inner_text() == hostile
    page.click("table#cells a:text-is('CB-001')")
    page.wait_for_url(re.compile(r"/cells/CB-001$"))
    assert hostile in page.inner_text("h1")
    assert page.locator("main script, main img").count() == 0
    assert page.dialogs == []


def test_a_form_without_its_csrf_token_is_refused(page: Any, site: Site) -> None:
    log_in(page, site, "board")
    page.wait_for_url(site.url + "/")
    before = page.request.get(site.url + "/api/runs").json()["runs"]
    page.fill("input[name=year]", "2024")
    page.set_input_files(
        "input[name=files]:not([webkitdirectory])", str(SAMPLE / "Tong_hop_2024.xlsx")
    )
    page.evaluate("document.querySelector('#upload input[name=csrf]').remove()")
    with page.expect_response(lambda r: r.url.endswith("/runs")) as caught:
        page.click("#upload button[type=submit]")
    assert caught.value.status == 403
    assert "CSRF" in page.inner_text("body")
    # a forged token fails the same way, on the run's "run again" form too
    page.goto(f"{site.url}/runs/{site.sample_run}")
    page.evaluate("document.querySelector('form[action$=rerun] input[name=csrf]').value = 'x'")
    with page.expect_response(lambda r: r.url.endswith("/rerun")) as forged:
        page.click("form[action$=rerun] button")
    assert forged.value.status == 403
    assert page.request.get(site.url + "/api/runs").json()["runs"] == before


def test_a_wrong_password_is_refused_and_logging_out_ends_the_session(
    page: Any, site: Site
) -> None:
    log_in(page, site, "admin", "khong-dung-mat-khau")
    assert "Sai tên hoặc mật khẩu" in page.inner_text("[role=alert]")
    log_in(page, site, "admin")
    page.wait_for_url(site.url + "/")
    page.click("a[href='/log']")
    assert "login-failed" in page.inner_text("main")
    page.click("form.logout button")
    page.wait_for_url(site.url + "/login")
    assert page.request.get(site.url + "/api/runs").status == 401

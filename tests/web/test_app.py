"""The pages and the API as each role uses them, in process, on SQLite and PostgreSQL."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from auditor.audit import run_audit
from tests.web.conftest import SAMPLE, csrf_of, login, sample_files, wait

PAGES = [
    "/",
    "/runs/1",
    "/runs/1/inputs",
    "/runs/1/cells/CB-001",
    "/runs/1/cells/CB-002",
    "/runs/1/members",
    "/compare?a=1&b=1",
    "/log",
    "/runs/1/report.xlsx",
    "/runs/1/report.json",
    "/runs/1/report.html",
]
APIS = [
    "/api/runs",
    "/api/runs/1",
    "/api/runs/1/cells",
    "/api/runs/1/inputs",
    "/api/runs/1/cells/CB-001",
    "/api/runs/1/cells/CB-002",
    "/api/runs/1/members",
    "/api/cells/CB-001/history",
    "/api/cells/CB-002/history",
    "/api/compare?a=1&b=1",
    "/api/log",
    "/api/runs/1/report.json",
    "/api/runs/1/report.xlsx",
    "/api/runs/1/report.html",
]
#: What each role may open; every other page and API route answers 403.
ALLOWED = {
    "admin": set(PAGES) | set(APIS),
    "board": (set(PAGES) | set(APIS)) - {"/log", "/api/log"},
    "cell": {
        "/",
        "/runs/1",
        "/runs/1/cells/CB-001",
        "/runs/1/members",
        "/api/runs",
        "/api/runs/1",
        "/api/runs/1/cells",
        "/api/runs/1/cells/CB-001",
        "/api/runs/1/members",
        "/api/cells/CB-001/history",
    },
}


@pytest.fixture
def client(server: TestClient) -> TestClient:
    server.cookies.clear()
    return server


@pytest.mark.parametrize("role", ["admin", "board", "cell"])
def test_every_route_answers_each_role_as_its_rights_say(client: TestClient, role: str) -> None:
    login(client, {"cell": "cell1"}.get(role, role))
    for url in PAGES + APIS:
        status = client.get(url, follow_redirects=False).status_code
        expected = 200 if url in ALLOWED[role] else 403
        assert status == expected, (role, url, status)


def test_without_login_pages_go_to_the_form_and_the_api_says_401(client: TestClient) -> None:
    for url in PAGES:
        response = client.get(url, follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"] == "/login", url
    for url in APIS:
        assert client.get(url).status_code == 401, url
    assert client.post("/api/runs", data={"year": "2024"}).status_code == 401


def test_the_web_run_gives_the_same_report_as_the_command(
    client: TestClient, tmp_path: Path
) -> None:
    login(client, "board")
    served = json.loads(client.get("/api/runs/1/report.json").content)
    run_audit([SAMPLE], year=2024, out=tmp_path, workers=0)
    local = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    served.pop("generated_at", None)
    local.pop("generated_at", None)
    assert served == local
    assert len(served["cells"]) == 14


def test_a_cell_user_sees_only_its_cell(client: TestClient) -> None:
    login(client, "cell1")
    listed = client.get("/api/runs/1/cells").json()["cell_list"]
    assert [c["cell_id"] for c in listed] == ["CB-001"]
    page = client.get("/runs/1").text
    assert "CB-001" in page and "CB-002" not in page
    assert client.get("/runs/1/cells/cb-002").status_code == 403
    assert client.get("/api/runs/1/cells/CB-002").status_code == 403
    assert client.get("/api/runs/1/report.json").status_code == 403


def test_a_cell_page_shows_violations_evidence_and_history(client: TestClient) -> None:
    login(client, "board")
    cells = client.get("/api/runs/1/cells").json()["cell_list"]
    broken = next(c for c in cells if c["violations"])
    detail = client.get(f"/api/runs/1/cells/{broken['cell_key']}").json()
    assert detail["violations"] and all("rule" in v for v in detail["violations"])
    assert any(v["evidence"] for v in detail["violations"])
    assert [h["run_id"] for h in detail["history"]][:1] == [1]
    html = client.get(f"/runs/1/cells/{broken['cell_key']}").text
    assert detail["violations"][0]["rule"] in html and "Lịch sử" in html


def test_a_form_without_its_csrf_token_is_refused(client: TestClient) -> None:
    csrf = login(client, "board")
    assert client.post("/runs", data={"year": "2024"}, files=sample_files()).status_code == 403
    wrong = client.post("/runs", data={"year": "2024", "csrf": csrf[::-1]}, files=sample_files())
    assert wrong.status_code == 403
    assert client.post("/runs/1/rerun").status_code == 403
    assert client.post("/logout").status_code == 403
    form = client.get("/login")
    refused = client.post("/login", data={"name": "board", "password": "x"})
    assert refused.status_code == 403 and form.status_code == 200


def test_the_session_cookie_is_httponly_and_samesite(client: TestClient) -> None:
    form = client.get("/login")
    response = client.post(
        "/login",
        data={"name": "board", "password": "mat-khau-dai", "csrf": csrf_of(form.text)},
        follow_redirects=False,
    )
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie


def test_logins_are_rate_limited(client: TestClient) -> None:
    for _ in range(5):
        form = client.get("/login")
        bad = client.post(
            "/login", data={"name": "admin", "password": "sai", "csrf": csrf_of(form.text)}
        )
        assert bad.status_code == 200 and "Sai tên hoặc mật khẩu" in bad.text
    form = client.get("/login")
    blocked = client.post(
        "/login", data={"name": "admin", "password": "mat-khau-dai", "csrf": csrf_of(form.text)}
    )
    assert blocked.status_code == 429 and "quá nhiều lần" in blocked.text
    server_limiter_reset(client)


def server_limiter_reset(client: TestClient) -> None:
    """Other tests log in as admin from the same address: forget the failures."""
    for route in client.app.router.routes:  # type: ignore[attr-defined]
        endpoint = getattr(route, "endpoint", None)
        if getattr(endpoint, "__name__", "") == "login":
            for cell in endpoint.__closure__ or ():
                value = cell.cell_contents
                if type(value).__name__ == "RateLimit":
                    value._failures.clear()


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def test_a_zip_api_upload_with_a_bearer_token_and_hostile_members(
    client: TestClient, tmp_path: Path
) -> None:
    from sqlalchemy import select

    from auditor.web.db import User
    from auditor.web.security import new_token

    app = client.app
    with app.state.sessions.begin() as db:  # type: ignore[attr-defined]
        token = new_token(db, db.scalar(select(User).where(User.name == "board")))
    members = {
        "sample_data/" + p.relative_to(SAMPLE).as_posix(): p.read_bytes()
        for p in SAMPLE.rglob("*")
        if p.is_file()
    }
    members["../../evil.xlsx"] = b"PK climbing out"
    members["sample_data/ghi_chu.txt"] = b"not a workbook"
    headers = {"Authorization": f"Bearer {token}"}
    created = client.post(
        "/api/runs",
        headers=headers,
        data={"year": "2024", "as_of": "2024-12-31"},
        files=[("files", ("nam2024.zip", _zip(members), "application/zip"))],
    )
    assert created.status_code == 201, created.text
    run = created.json()["id"]
    assert wait(client, run, **headers)["status"] == "done"
    inputs = {
        i["file"]: i
        for i in client.get(f"/api/runs/{run}/inputs", headers=headers).json()["inputs"]
    }
    assert inputs["../../evil.xlsx"]["status"] == "refused"
    assert inputs["ghi_chu.txt"]["status"] == "error"
    assert inputs["Tong_hop_2024.xlsx"]["status"] == "ok"
    assert not (tmp_path.parent / "evil.xlsx").exists()
    same = client.get(f"/api/runs/{run}/report.json", headers=headers).json()
    first = client.get("/api/runs/1/report.json", headers=headers).json()
    assert same["cells"] == first["cells"]
    compared = client.get(f"/api/compare?a=1&b={run}", headers=headers).json()
    assert compared["totals"]["new"] == 0 and compared["totals"]["fixed"] == 0
    assert compared["totals"]["standing"] == sum(len(c["violations"]) for c in first["cells"])
    assert client.get("/api/runs", headers={"Authorization": "Bearer nope"}).status_code == 401


def test_a_zip_bomb_is_a_refused_row_not_a_failed_run(client: TestClient) -> None:
    csrf = login(client, "board")
    bomb = _zip({"bomb.xlsx": b"\0" * (40 * 1024 * 1024)})
    response = client.post(
        "/runs",
        data={"year": "2024", "csrf": csrf},
        files=[
            ("files", ("bomb.zip", bomb, "application/zip")),
            (
                "files",
                ("CB-001_2024.xlsx", (SAMPLE / "Dang_bo_xa_Tan_Lap/CB-001_2024.xlsx").read_bytes()),
            ),
        ],
        follow_redirects=False,
    )
    run = int(response.headers["location"].rsplit("/", 1)[1])
    assert wait(client, run)["status"] == "done"
    inputs = client.get(f"/api/runs/{run}/inputs").json()["inputs"]
    refused = [i for i in inputs if i["status"] == "refused"]
    assert [i["file"] for i in refused] == ["bomb.zip"] and "bom nén" in refused[0]["error"]
    page = client.get(f"/runs/{run}/inputs").text
    assert "bomb.zip" in page


def test_a_script_in_a_cell_name_shows_as_text(client: TestClient, tmp_path: Path) -> None:
    import datetime as dt

    from tests.conftest import SESSION_HEADER, info_sheet, session_row, write_workbook

    path = write_workbook(
        tmp_path / "CB-001.xlsx",
        [
            info_sheet("CB-001", "<script>alert(1)</script>Chi bộ"),
            ("Sổ sinh hoạt", [SESSION_HEADER, session_row(1, dt.date(2024, 1, 10), "TK")]),
        ],
    )
    csrf = login(client, "board")
    response = client.post(
        "/runs",
        data={"year": "2024", "csrf": csrf},
        files=[("files", ("CB-001.xlsx", path.read_bytes()))],
        follow_redirects=False,
    )
    run = int(response.headers["location"].rsplit("/", 1)[1])
    assert wait(client, run)["status"] == "done"
    for url in (f"/runs/{run}", f"/runs/{run}/cells/CB-001"):
        html = client.get(url).text
        assert "<script>alert(1)" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_uploads_are_bounded(client: TestClient) -> None:
    csrf = login(client, "board")
    too_many = [("files", (f"f{i}.xlsx", b"x")) for i in range(2001)]
    assert client.post(
        "/runs", data={"year": "2024", "csrf": csrf}, files=too_many
    ).status_code in (400, 413)
    assert (
        client.post("/runs", data={"year": "1800", "csrf": csrf}, files=sample_files()).status_code
        == 422
    )
    assert client.post("/runs", data={"year": "2024", "csrf": csrf}).status_code == 422


def test_the_api_is_documented_with_openapi(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    for path in (
        "/api/runs",
        "/api/runs/{run_id}",
        "/api/runs/{run_id}/report.{kind}",
        "/api/runs/{run_id}/cells",
        "/api/cells/{cell_id}/history",
        "/api/compare",
    ):
        assert path in spec["paths"], path
    assert "post" in spec["paths"]["/api/runs"]


def test_the_api_page_works_offline_and_lists_every_endpoint(client: TestClient) -> None:
    """/docs is the application's own page (FastAPI's loads Swagger UI from a CDN, which
    an office without internet cannot reach): every API path of the schema is listed,
    and nothing on it comes from another host."""
    spec = client.get("/openapi.json").json()
    page = client.get("/docs")
    assert page.status_code == 200
    for path, operations in spec["paths"].items():
        assert f"<code>{path}</code>" in page.text, path
        for method in operations:
            assert f"<code>{method.upper()}</code>" in page.text
    assert "cdn." not in page.text and "https://" not in page.text
    assert client.get("/redoc").status_code == 404


def test_a_cells_page_words_each_violation_as_the_pack_that_judged_it() -> None:
    """A 2025 run holds violations judged by hd12 (until 27/10) and by hd42 (after): what
    to fix follows the pack named on the violation (CD02: 3 days, then 1), and the rules
    only hd42 has (TG01) have their title too."""
    from auditor.web.data import _rule_texts

    texts = _rule_texts()
    assert "ít nhất 3 ngày" in texts[("hd12", "CD02")]["remedy_vi"]
    assert "ít nhất 1 ngày" in texts[("hd42", "CD02")]["remedy_vi"]
    assert texts[("hd42", "TG01")]["title_vi"] and ("hd12", "TG01") not in texts
    assert texts[(None, "CD02")] == texts[("hd42", "CD02")]  # a violation naming no pack


def _member_run(client: TestClient, folder: Path) -> int:
    """A run of two cells with member tables: CB-001 (cell1's, the member test year) and
    CB-002 with one member who skipped three meetings, his name a script."""
    from tests.conftest import SESSION_HEADER, info_sheet, write_workbook
    from tests.members.year import write_member_year

    write_member_year(folder)
    session = ["1", "05/01/2024", "Thường kỳ", None, None, None, 10, 9, "Có", None, None]
    write_workbook(
        folder / "CB-002.xlsx",
        [
            info_sheet("CB-002", "Chi bộ thôn 2"),
            ("Sinh hoạt", [SESSION_HEADER, session]),
            ("Đảng viên", [["Mã đảng viên", "Họ và tên"], ["DV-20", "<script>x</script>Tư"]]),
            ("Điểm danh", [["Mã đảng viên", "T1", "T2", "T3"], ["DV-20", "K", "K", "K"]]),
        ],
    )
    csrf = login(client, "board")
    files = [("files", (p.name, p.read_bytes())) for p in sorted(folder.glob("CB-*.xlsx"))]
    response = client.post(
        "/runs", data={"year": "2024", "csrf": csrf}, files=files, follow_redirects=False
    )
    run = int(response.headers["location"].rsplit("/", 1)[1])
    assert wait(client, run)["status"] == "done"
    client.cookies.clear()
    return run


def test_a_cells_secretary_sees_only_that_cells_members(client: TestClient, tmp_path: Path) -> None:
    run = _member_run(client, tmp_path)
    login(client, "board")
    everyone = client.get(f"/api/runs/{run}/members").json()
    assert {m["cell_id"] for m in everyone["members"]} == {"CB-001", "CB-002"}
    assert client.get(f"/api/runs/{run}/members/DV-20").json()["member"]["violations"]
    assert client.get(f"/api/runs/{run}/members/NOBODY").status_code == 404
    html = client.get(f"/runs/{run}/members").text
    assert "&lt;script&gt;x&lt;/script&gt;Tư" in html and "<script>x" not in html
    client.cookies.clear()

    login(client, "cell1")
    mine = client.get(f"/api/runs/{run}/members").json()
    assert {m["cell_id"] for m in mine["members"]} == {"CB-001"} and len(mine["members"]) == 9
    assert {q["cell_id"] for q in mine["quiz"]} == {"CB-001"}
    an = client.get(f"/api/runs/{run}/members/dv-01").json()["member"]
    assert [v["rule"] for v in an["violations"]] == ["DV01", "DV02"]
    assert an["violations"][0]["title_vi"] and an["violations"][0]["evidence"]
    cell = client.get(f"/api/runs/{run}/cells/CB-001").json()
    assert len(cell["members"]) == 9 and all(m["cell_id"] == "CB-001" for m in cell["members"])
    # the pages show the cell's members and nobody else's
    for url in (f"/runs/{run}/members", f"/runs/{run}/cells/CB-001", f"/runs/{run}"):
        page = client.get(url)
        assert page.status_code == 200, url
        assert "DV-20" not in page.text and "Tư" not in page.text, url
    assert "Nguyễn Văn An" in client.get(f"/runs/{run}/members").text
    member_page = client.get(f"/runs/{run}/members/DV-01").text
    assert "vắng sinh hoạt không có lý do 3 tháng trong năm (T2, T5, T11)" in member_page
    # another cell's member, or one who does not exist, is refused alike
    for url in ("members/DV-20", "members/NOBODY"):
        assert client.get(f"/api/runs/{run}/{url}").status_code == 403, url
        assert client.get(f"/runs/{run}/{url}", follow_redirects=False).status_code == 403

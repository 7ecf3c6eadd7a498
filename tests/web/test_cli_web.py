"""``auditor users`` and ``auditor serve`` as the README tells a board's staff to use them."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from typer.testing import CliRunner

from auditor.cli import app
from tests.web.live import PASSWORD, running, token_for

runner = CliRunner()


def users(data: Path, *args: str, password: str | None = None) -> tuple[int, str]:
    result = runner.invoke(
        app, ["users", *args, "--data", str(data)], input=None if password is None else password
    )
    return result.exit_code, result.output


def test_users_add_reads_the_password_from_stdin_and_list_shows_no_secret(tmp_path: Path) -> None:
    data = tmp_path / "d"
    code, said = users(data, "add", "admin", "--role", "admin", password=PASSWORD + "\n")
    assert code == 0, said
    assert "admin" in said
    cell = ["--role", "cell", "--cell", "cb 001"]
    code, said = users(data, "add", "bithu1", *cell, password="x" * 9)
    assert code == 0, said
    code, listed = users(data, "list")
    assert code == 0
    assert listed.splitlines() == ["admin\tadmin\t-\t0", "bithu1\tcell\tCB001\t0"]
    assert PASSWORD not in listed and "argon2" not in listed


def test_users_token_prints_one_new_token_a_time_and_list_counts_them(tmp_path: Path) -> None:
    data = tmp_path / "d"
    assert users(data, "add", "board", "--role", "board", password=PASSWORD)[0] == 0
    code, first = users(data, "token", "board")
    assert code == 0 and first.startswith("cba_")
    second = users(data, "token", "board")[1]
    assert second != first
    assert users(data, "list")[1].splitlines() == ["board\tboard\t-\t2"]
    code, said = users(data, "token", "nobody")
    assert code == 2 and "Không có người dùng nobody" in said


@pytest.mark.parametrize(
    ("args", "password", "says"),
    [
        (["--role", "chief"], PASSWORD, "Vai trò phải là một trong admin, board, cell"),
        (["--role", "cell"], PASSWORD, "cần --cell"),
        (["--role", "board", "--cell", "CB-001"], PASSWORD, "Chỉ vai trò cell"),
        (["--role", "board"], "ngan\n", "ít nhất 8 ký tự"),
        (["--role", "board"], "", "ít nhất 8 ký tự"),
    ],
)
def test_users_add_refuses_a_bad_request_with_exit_2(
    tmp_path: Path, args: list[str], password: str, says: str
) -> None:
    data = tmp_path / "d"
    code, said = users(data, "add", "x", *args, password=password)
    assert code == 2, said
    assert says in " ".join(said.split())
    assert "Chưa có người dùng nào" in users(data, "list")[1]


def test_the_same_name_twice_is_refused(tmp_path: Path) -> None:
    data = tmp_path / "d"
    assert users(data, "add", "an", "--role", "board", password=PASSWORD)[0] == 0
    code, said = users(data, "add", "an", "--role", "admin", password=PASSWORD)
    assert code == 2 and "Đã có người dùng an" in said
    assert users(data, "list")[1].splitlines() == ["an\tboard\t-\t0"]


def test_auditor_serve_serves_the_pages_and_the_api_to_a_cli_made_user(tmp_path: Path) -> None:
    data = tmp_path / "d"
    assert users(data, "add", "admin", "--role", "admin", password=PASSWORD)[0] == 0
    token = token_for(data, "admin")
    with running(data) as server:
        with urllib.request.urlopen(server.url + "/login", timeout=10) as page:
            html = page.read().decode()
        assert 'name="csrf"' in html and "Đăng nhập" in html
        with urllib.request.urlopen(server.url + "/static/app.js", timeout=10) as script:
            assert b"poll" in script.read()
        request = urllib.request.Request(
            server.url + "/api/runs", headers={"Authorization": f"Bearer {token}"}
        )
        with urllib.request.urlopen(request, timeout=10) as answer:
            assert json.loads(answer.read()) == {"runs": []}
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(server.url + "/api/runs", timeout=10)
        assert refused.value.code == 401
    assert (data / "auditor.sqlite3").exists()

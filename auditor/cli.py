"""The ``auditor`` command: a thin typer layer over :mod:`auditor.audit` and friends.

Exit status: 0 whenever the reports were written (whatever they contain), 1 when
``--fail-under`` finds a cell below the score, 2 for a usage error.
"""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from auditor.ingest.guard import Limits
from auditor.models import Report
from auditor.rulebook import Rulebook, SelectionError, load_rulebook
from auditor.rulepack import DEFAULT_PACK, RulePack, RulePackError, load_pack

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Kiểm tra sổ theo dõi sinh hoạt chi bộ theo Hướng dẫn 12-HD/BTCTW.\n\n"
    "Audits party cells' activity logs against Guidance 12-HD/BTCTW.",
)
err = Console(stderr=True)
out = Console()

#: Above this many files the audit shows a progress bar.
PROGRESS_MIN_FILES = 20
#: The bar is redrawn at most this often (and once more at the end of each stage).
REDRAW_SECONDS = 0.1


def _usage(message_vi: str, message_en: str) -> typer.Exit:
    err.print(f"[red]Lỗi:[/red] {message_vi}\n[dim]Error: {message_en}[/dim]", soft_wrap=True)
    return typer.Exit(code=2)


def _load_pack(rules: Path | None, overrides: Path | None, sets: list[str]) -> RulePack:

    try:
        return load_pack(rules or DEFAULT_PACK, overrides=overrides, sets=sets)
    except RulePackError as problem:
        raise _usage(
            f"Bộ quy tắc không hợp lệ:\n{problem}", "Invalid rule pack (see above)."
        ) from None


def _load_rulebook(rules: Path | None, overrides: Path | None, sets: list[str]) -> Rulebook:
    """``--rules PACK`` forced on every day, or the shipped packs in force by date."""
    if rules is not None:
        return Rulebook.force(_load_pack(rules, overrides, sets))
    try:
        return load_rulebook(None, overrides=overrides, sets=sets)
    except RulePackError as problem:
        raise _usage(
            f"Bộ quy tắc không hợp lệ:\n{problem}", "Invalid rule pack (see above)."
        ) from None


RulesOpt = Annotated[
    Path | None,
    typer.Option(
        "--rules",
        help=(
            "Buộc dùng một bộ quy tắc: tên bộ có sẵn (hd12, hd42, quan-doi) hoặc thư mục chứa"
            " pack.yaml; mặc định mỗi buổi xét theo bộ có hiệu lực vào ngày của nó / force"
            " one pack (by default each session is judged by the pack in force on its date)."
        ),
    ),
]
OverridesOpt = Annotated[
    Path | None,
    typer.Option("--overrides", help="Tệp YAML đổi tham số, điểm, bật/tắt quy tắc."),
]
SetOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--set",
        help="Đổi một tham số: CD02.draft_min_days=5, CD02.points=4, TK02.enabled=false,"
        " seconds_per_question=45 (thi trắc nghiệm).",
    ),
]


@app.command()
def audit(
    inputs: Annotated[
        list[Path], typer.Argument(help="Tệp hoặc thư mục sổ sinh hoạt / workbooks or folders.")
    ],
    year: Annotated[int, typer.Option("--year", help="Năm kiểm tra / audited year.")],
    out_dir: Annotated[Path, typer.Option("--out", help="Thư mục ghi báo cáo / report folder.")],
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="Kiểm tra đến ngày (YYYY-MM-DD) / audit up to this date."),
    ] = None,
    rules: RulesOpt = None,
    overrides: OverridesOpt = None,
    set_: SetOpt = None,
    scoring: Annotated[
        str | None,
        typer.Option(
            "--scoring",
            help="Cách chấm điểm (qd124, qd366 hoặc tệp YAML); mặc định theo năm kiểm tra.",
        ),
    ] = None,
    waivers: Annotated[
        Path | None,
        typer.Option("--waivers", help="Tệp YAML các miễn trừ / waivers file (YAML)."),
    ] = None,
    per_cell: Annotated[
        bool,
        typer.Option("--per-cell", help="Ghi thêm một tệp cho mỗi chi bộ / one workbook per cell."),
    ] = False,
    documents: Annotated[
        bool,
        typer.Option(
            "--documents",
            help="Ghi thêm thông báo từng chi bộ, báo cáo và danh sách xếp loại (.docx, PDF) "
            "/ printable notices, report and ranking list.",
        ),
    ] = False,
    letterhead: Annotated[
        Path | None,
        typer.Option(
            "--letterhead",
            help="Tệp YAML tiêu đề văn bản (cấp ủy, địa danh, người ký...) / letterhead file.",
        ),
    ] = None,
    fail_under: Annotated[
        int | None,
        typer.Option("--fail-under", help="Trả mã 1 nếu có chi bộ dưới số điểm này."),
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Không in bảng tóm tắt.")] = False,
    workers: Annotated[
        int | None,
        typer.Option("--workers", help="Số tiến trình đọc tệp (0: đọc trực tiếp, không cô lập)."),
    ] = None,
    timeout: Annotated[
        float, typer.Option("--timeout", help="Giây tối đa để đọc một tệp / per-file time limit.")
    ] = Limits.timeout_s,
    memory_mb: Annotated[
        int, typer.Option("--memory-mb", help="Bộ nhớ tối đa của tiến trình đọc (MB).")
    ] = Limits.memory_mb,
    max_file_mb: Annotated[
        float, typer.Option("--max-file-mb", help="Kích thước tệp tối đa (MB).")
    ] = Limits.max_file_mb,
    max_unpacked_mb: Annotated[
        float, typer.Option("--max-unpacked-mb", help="Dung lượng giải nén tối đa (MB).")
    ] = Limits.max_unpacked_mb,
    max_ratio: Annotated[
        float, typer.Option("--max-ratio", help="Tỉ lệ nén tối đa / max compression ratio.")
    ] = Limits.max_ratio,
    max_rows: Annotated[
        int, typer.Option("--max-rows", help="Số dòng tối đa của một trang tính.")
    ] = Limits.max_rows,
    max_cols: Annotated[
        int, typer.Option("--max-cols", help="Số cột tối đa của một trang tính.")
    ] = Limits.max_cols,
    max_cells: Annotated[
        int, typer.Option("--max-cells", help="Số ô tối đa (dòng × cột) của một trang tính.")
    ] = Limits.max_cells,
    max_members: Annotated[
        int, typer.Option("--max-members", help="Số thành phần tối đa trong tệp nén.")
    ] = Limits.max_members,
) -> None:
    """Kiểm tra các sổ sinh hoạt và ghi report.json, report.xlsx, report.html vào --out."""
    from auditor.audit import run_audit

    if workers is not None and workers < 0:
        raise _usage("--workers phải từ 0 trở lên.", "--workers must be 0 or more.")
    limits = Limits(
        max_file_mb=max_file_mb,
        max_unpacked_mb=max_unpacked_mb,
        max_ratio=max_ratio,
        max_rows=max_rows,
        max_cols=max_cols,
        max_cells=max_cells,
        max_members=max_members,
        timeout_s=timeout,
        memory_mb=memory_mb,
    )

    missing = [str(p) for p in inputs if not p.exists()]
    if missing:
        raise _usage(
            "Không tìm thấy: " + ", ".join(missing) + ". Hãy kiểm tra lại đường dẫn.",
            "Not found: " + ", ".join(missing) + ". Check the path.",
        )
    if not 1950 <= year <= 2099:
        raise _usage("Năm phải trong khoảng 1950-2099.", "The year must be within 1950-2099.")
    cutoff = None
    if as_of is not None:
        try:
            cutoff = dt.date.fromisoformat(as_of)
        except ValueError:
            raise _usage(
                f"--as-of '{as_of}' không phải ngày dạng YYYY-MM-DD.",
                f"--as-of '{as_of}' is not a YYYY-MM-DD date.",
            ) from None
    book = _load_rulebook(rules, overrides, set_ or [])
    try:
        book.judges(year, cutoff)
    except SelectionError as problem:
        raise _usage(problem.message_vi, problem.message_en) from None
    chosen = None
    if scoring is not None:
        from auditor.scoring_params import ScoringError, scoring_named

        try:
            chosen = scoring_named(scoring)
        except ScoringError as problem:
            raise _usage(str(problem), "Unusable --scoring (see above).") from None
    if waivers is not None and not waivers.is_file():
        raise _usage(
            f"Không tìm thấy tệp miễn trừ: {waivers}.", f"Waivers file not found: {waivers}."
        )
    heading = None
    if letterhead is not None:
        from auditor.report.documents import LetterheadError, load_letterhead

        try:
            heading = load_letterhead(letterhead)
        except LetterheadError as problem:
            raise _usage(str(problem), "Invalid letterhead file (see above).") from None
        documents = True
    stamp = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()

    # The bar shows only on long runs; the totals arrive with the first callbacks, so the
    # input tree is walked once (by the importer), not a second time here. It is redrawn
    # at each callback rather than by a refresh thread: with no other thread running, the
    # audit forks its report writer instead of pickling the report to it.
    bar = Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=err,
        transient=True,
        disable=quiet,
        auto_refresh=False,
    )
    with bar:
        reading = bar.add_task("Đọc tệp", total=None, visible=False)
        checking = bar.add_task("Kiểm tra", total=None, visible=False)
        drawn = [0.0]

        def show(task: TaskID, done: int, total: int) -> None:
            bar.update(task, completed=done, total=total, visible=total >= PROGRESS_MIN_FILES)
            now = time.monotonic()
            if now - drawn[0] >= REDRAW_SECONDS or done == total:
                drawn[0] = now
                bar.refresh()

        def on_file(done: int, total: int, _rel: str) -> None:
            show(reading, done, total)

        def on_cell(done: int, total: int) -> None:
            show(checking, done, total)

        result = run_audit(
            inputs,
            year=year,
            out=out_dir,
            as_of=cutoff,
            rulebook=book,
            scoring=chosen,
            waivers=waivers,
            per_cell=per_cell,
            limits=limits,
            workers=workers,
            progress=on_file,
            rule_progress=on_cell,
            generated_at=stamp,
            documents=documents,
            letterhead=heading,
        )
    if not quiet:
        _summary(result.report, out_dir)
    if fail_under is not None and any(c.score < fail_under for c in result.report.cells):
        raise typer.Exit(code=1)


def _summary(report: Report, out_dir: Path) -> None:
    inputs = report.inputs
    table = Table(title=f"Kết quả kiểm tra năm {report.year}", show_header=True)
    table.add_column("Mục / item")
    table.add_column("Số / count", justify="right")
    rows = [
        ("Tệp đã đọc / files read", sum(i.status == "ok" for i in inputs)),
        ("Tệp lỗi / files with errors", sum(i.status == "error" for i in inputs)),
        ("Tệp bỏ qua / files skipped", sum(i.status == "skipped" for i in inputs)),
        ("Dòng nhận / rows accepted", sum(i.rows.accepted for i in inputs)),
        ("Dòng bị loại / rows rejected", sum(i.rows.rejected for i in inputs)),
        ("Chi bộ / cells", len(report.cells)),
        ("Vi phạm / violations", sum(len(c.violations) for c in report.cells)),
    ]
    if report.members:  # a year without member tables prints as it always has
        rows += [
            ("Đảng viên / members", len(report.members)),
            (
                "Vi phạm của đảng viên / member findings",
                sum(len(m.violations) for m in report.members),
            ),
        ]
    for label, value in rows:
        table.add_row(label, str(value))
    out.print(table)
    for item in inputs:
        if item.status == "error":
            out.print(f"[red]Lỗi[/red] {item.file}: {item.error}")
    out.print(f"Báo cáo đã ghi vào / reports written to: [bold]{out_dir}[/bold]")


@app.command("rules")
def rules_command(
    rule_id: Annotated[
        str | None, typer.Argument(help="Mã quy tắc để giải thích, ví dụ CD02 / rule to explain.")
    ] = None,
    rules: RulesOpt = None,
    overrides: OverridesOpt = None,
    set_: SetOpt = None,
) -> None:
    """Liệt kê các quy tắc của các bộ quy tắc (kèm thời gian hiệu lực), hoặc giải thích một
    quy tắc."""
    from auditor.catalogue import catalogue_tables, explain

    book = _load_rulebook(rules, overrides, set_ or [])
    if rule_id is None:
        for table in catalogue_tables(book):
            out.print(table)
        return
    known = {rule.id.upper() for pack in book.packs for rule in pack.rules}
    if rule_id.upper() not in known:
        raise _usage(
            f"Không có quy tắc {rule_id}. Các mã có: {', '.join(sorted(known))}.",
            f"No rule {rule_id}. Known ids: {', '.join(sorted(known))}.",
        )
    out.print(explain(book, rule_id.upper()), markup=False, highlight=False, soft_wrap=True)


@app.command("template")
def template_command(
    year: Annotated[int, typer.Option("--year", help="Năm của sổ mẫu / the template year.")],
    cells: Annotated[
        Path,
        typer.Option(
            "--cells", help="Danh sách chi bộ (xlsx, xls, ods) hoặc report.json năm trước."
        ),
    ],
    out_dir: Annotated[Path, typer.Option("--out", help="Thư mục ghi sổ mẫu / output folder.")],
    rules: RulesOpt = None,
    overrides: OverridesOpt = None,
    set_: SetOpt = None,
) -> None:
    """Tạo sổ theo dõi mẫu cho năm sau: mỗi chi bộ một tệp, kèm một tệp tổng hợp."""
    from auditor.template import read_cells_list, write_templates

    if not cells.exists():
        raise _usage(
            f"Không tìm thấy danh sách chi bộ: {cells}.", f"Cells list not found: {cells}."
        )
    # the template carries the columns of the pack in force at the end of its year
    book = _load_rulebook(rules, overrides, set_ or [])
    pack = book.pack_of_year(year)
    listed = read_cells_list(cells)
    if not listed:
        raise _usage(
            f"Không đọc được chi bộ nào từ {cells} (cần cột Mã chi bộ và Tên chi bộ).",
            f"No cell could be read from {cells} (needs Mã chi bộ and Tên chi bộ columns).",
        )
    written = write_templates(listed, year=year, out_dir=out_dir, pack=pack)
    out.print(f"Đã tạo {len(written)} sổ mẫu trong / templates written to: [bold]{out_dir}[/bold]")


DataOpt = Annotated[
    Path, typer.Option("--data", help="Thư mục dữ liệu của máy chủ / the server's data folder.")
]
DatabaseOpt = Annotated[
    str | None,
    typer.Option(
        "--database",
        help="CSDL (mặc định SQLite trong --data), ví dụ postgresql://user:pass@host/db.",
    ),
]


@app.command("serve")
def serve_command(
    data: DataOpt,
    database: DatabaseOpt = None,
    host: Annotated[str, typer.Option("--host", help="Địa chỉ nghe / listen address.")] = (
        "127.0.0.1"
    ),
    port: Annotated[int, typer.Option("--port", help="Cổng / port.")] = 8000,
) -> None:
    """Chạy trang web của Ban Tổ chức: tải sổ lên, xem kết quả, so sánh, tải báo cáo."""
    import uvicorn

    from auditor.web.app import create_app

    web = create_app(data, database, secure_cookies=False)
    err.print(f"Đang phục vụ tại / serving at http://{host}:{port}", soft_wrap=True)
    uvicorn.run(web, host=host, port=port, log_level="warning")


users_app = typer.Typer(help="Người dùng của trang web / the web application's users.")
app.add_typer(users_app, name="users")


def _user_db(data: Path, database: str | None) -> Any:
    from sqlalchemy.orm import sessionmaker

    from auditor.web.db import database_url, migrate, open_engine

    data.mkdir(parents=True, exist_ok=True)
    engine = open_engine(database_url(data, database))
    migrate(engine)
    return sessionmaker(engine, expire_on_commit=False)


@users_app.command("add")
def users_add(
    name: Annotated[str, typer.Argument(help="Tên đăng nhập / login name.")],
    role: Annotated[str, typer.Option("--role", help="admin, board hoặc cell.")],
    data: DataOpt,
    cell: Annotated[
        str | None, typer.Option("--cell", help="Mã chi bộ của người dùng cell.")
    ] = None,
    database: DatabaseOpt = None,
) -> None:
    """Thêm người dùng; mật khẩu đọc từ đầu vào chuẩn (stdin)."""
    import sys

    from auditor.web.security import UserError, add_user

    password = sys.stdin.readline().rstrip("\r\n")
    sessions = _user_db(data, database)
    try:
        with sessions.begin() as db:
            add_user(db, name, role, password, cell)
    except UserError as problem:
        raise _usage(str(problem), str(problem)) from None
    out.print(f"Đã thêm người dùng / user added: {name} ({role})")


@users_app.command("token")
def users_token(
    name: Annotated[str, typer.Argument(help="Tên người dùng / user name.")],
    data: DataOpt,
    database: DatabaseOpt = None,
) -> None:
    """Tạo token cho chương trình khác (Authorization: Bearer); in ra một lần."""
    from sqlalchemy import select

    from auditor.web.db import User
    from auditor.web.security import new_token

    sessions = _user_db(data, database)
    with sessions.begin() as db:
        user = db.scalar(select(User).where(User.name == name))
        if user is None:
            raise _usage(f"Không có người dùng {name}.", f"No user {name}.")
        token = new_token(db, user)
    typer.echo(token)


@users_app.command("list")
def users_list(data: DataOpt, database: DatabaseOpt = None) -> None:
    """Liệt kê người dùng: tên, vai trò, chi bộ, số token (không in mật khẩu hay token)."""
    from sqlalchemy import func, select

    from auditor.web.db import Token, User

    sessions = _user_db(data, database)
    with sessions() as db:
        users = db.scalars(select(User).order_by(User.name)).all()
        tokens = dict(db.execute(select(Token.user_id, func.count()).group_by(Token.user_id)).all())
    if not users:
        err.print("Chưa có người dùng nào. / No users yet.")
        return
    for user in users:
        # tab-separated, one user a line: easy to read and to cut(1)
        typer.echo(f"{user.name}\t{user.role}\t{user.cell_id or '-'}\t{tokens.get(user.id, 0)}")


def main() -> None:
    app()


if __name__ == "__main__":
    main()

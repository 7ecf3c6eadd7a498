"""The FastAPI application: pages (Jinja2, autoescaped) and the JSON API over the same
data functions (:mod:`auditor.web.data`), with the permission check first in each view.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy import select
from sqlalchemy.orm import Session as DbSession
from sqlalchemy.orm import sessionmaker
from starlette.datastructures import UploadFile

from auditor.web import data
from auditor.web.access import LoginNeeded, permit
from auditor.web.db import AuditEntry, Run, RunFile, User, database_url, migrate, open_engine
from auditor.web.security import (
    RateLimit,
    cell_key,
    check_password,
    close_session,
    open_session,
    same,
    session_for,
    user_for_token,
)
from auditor.web.uploads import BlobStore, UploadError, UploadLimits, take_files
from auditor.web.worker import Worker

HERE = Path(__file__).parent
COOKIE = "cba_session"
LOGIN_COOKIE = "cba_login_csrf"
#: Runs waiting at once; past this an upload is refused (503) rather than queued forever.
MAX_QUEUED = 200
REPORTS = {
    "json": "application/json",
    "html": "text/html; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


class Auth:
    """Who is asking, and how: by the session cookie (CSRF checked on writes) or Bearer."""

    def __init__(self, user: User | None, csrf: str | None, bearer: bool) -> None:
        self.user, self.csrf, self.bearer = user, csrf, bearer


def create_app(
    data_dir: Path,
    database: str | None = None,
    *,
    limits: UploadLimits | None = None,
    start_worker: bool = True,
    secure_cookies: bool = False,
) -> FastAPI:
    data_dir.mkdir(parents=True, exist_ok=True)
    engine = open_engine(database_url(data_dir, database))
    migrate(engine)
    sessions = sessionmaker(engine, expire_on_commit=False)
    blobs = BlobStore(data_dir / "blobs")
    reports = data.Reports(data_dir)
    worker = Worker(sessions, data_dir, blobs)
    limiter = RateLimit()
    upload_limits = limits or UploadLimits()
    env = Environment(
        loader=FileSystemLoader(HERE / "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
    )

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> Any:
        if start_worker:
            worker.start()
        yield
        if start_worker:
            worker.stop()
        engine.dispose()

    app = FastAPI(
        title="chibo-auditor",
        description="Kiểm tra sổ sinh hoạt chi bộ: tải lên, theo dõi, so sánh, tải báo cáo. "
        "API: `Authorization: Bearer TOKEN` (token from `auditor users token NAME`).",
        lifespan=lifespan,
        # FastAPI's /docs and /redoc load their scripts from a CDN: the application must
        # work offline, so /docs is a page of its own, drawn from the same OpenAPI schema.
        docs_url=None,
        redoc_url=None,
    )
    app.state.worker = worker
    app.state.sessions = sessions
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")

    def db() -> Iterator[DbSession]:
        with sessions() as session:
            try:
                yield session
            except BaseException:
                session.rollback()
                raise
            session.commit()

    #: The transaction ends when the view returns, before the answer is sent: a browser
    #: that follows the login's redirect at once must find its session already committed.
    #: (FastAPI's default ends a yield dependency after the response, a race.)
    use_db = Depends(db, scope="function")

    def auth(request: Request, session: DbSession = use_db) -> Auth:
        header = request.headers.get("authorization", "")
        if header.lower().startswith("bearer "):
            user = user_for_token(session, header[7:].strip())
            if user is None:
                raise HTTPException(401, "Token không hợp lệ. / Invalid token.")
            return Auth(user, None, True)
        token = request.cookies.get(COOKIE)
        found = session_for(session, token) if token else None
        if found is None:
            return Auth(None, None, False)
        return Auth(found[0], found[1].csrf, False)

    async def check_csrf(request: Request, who: Auth) -> None:
        if who.bearer:
            return
        sent = request.headers.get("x-csrf-token")
        if sent is None:
            form = await request.form()
            value = form.get("csrf")
            sent = value if isinstance(value, str) else None
        if not same(sent, who.csrf):
            raise HTTPException(403, "Thiếu hoặc sai mã CSRF; hãy tải lại trang. / Bad CSRF token.")

    def log(session: DbSession, who: User | None, action: str, target: str | None) -> None:
        session.add(AuditEntry(user_name=who.name if who else None, action=action, target=target))

    def page(
        name: str, request: Request, who: Auth, status: int = 200, **context: Any
    ) -> HTMLResponse:
        html = env.get_template(name).render(
            request=request, user=who.user, csrf=who.csrf, **context
        )
        return HTMLResponse(html, status_code=status)

    def wants_html(request: Request) -> bool:
        return not request.url.path.startswith("/api/")

    @app.exception_handler(LoginNeeded)
    async def _login(request: Request, _exc: LoginNeeded) -> Response:
        if wants_html(request):
            return RedirectResponse("/login", status_code=303)
        return JSONResponse({"detail": "Cần đăng nhập. / Login required."}, status_code=401)

    @app.exception_handler(data.NotFound)
    async def _missing(_request: Request, exc: data.NotFound) -> Response:
        return JSONResponse({"detail": f"Không tìm thấy / not found: {exc}"}, status_code=404)

    # ---- login -------------------------------------------------------------------------
    @app.get("/login", response_class=HTMLResponse, include_in_schema=False)
    def login_form(request: Request, who: Auth = Depends(auth)) -> Response:
        token = secrets.token_urlsafe(32)
        response = page("login.html", request, Auth(None, token, False), error=None)
        response.set_cookie(
            LOGIN_COOKIE, token, httponly=True, samesite="strict", secure=secure_cookies
        )
        return response

    @app.post("/login", include_in_schema=False)
    async def login(request: Request, session: DbSession = use_db) -> Response:
        form = await request.form()
        name, password = str(form.get("name", "")), str(form.get("password", ""))
        if not same(str(form.get("csrf", "")), request.cookies.get(LOGIN_COOKIE)):
            raise HTTPException(403, "Thiếu hoặc sai mã CSRF. / Bad CSRF token.")
        client = request.client.host if request.client else "?"
        keys = (f"name:{name}", f"ip:{client}")
        wait = limiter.blocked(*keys)
        if wait > 0:
            log(session, None, "login-blocked", name)
            return page(
                "login.html",
                request,
                Auth(None, str(form.get("csrf")), False),
                error=f"Đăng nhập sai quá nhiều lần; thử lại sau {wait:.0f} giây.",
                status=429,
            )
        user = check_password(session, name, password)
        if user is None:
            limiter.fail(*keys)
            log(session, None, "login-failed", name)
            return page(
                "login.html",
                request,
                Auth(None, str(form.get("csrf")), False),
                error="Sai tên hoặc mật khẩu.",
            )
        limiter.clear(*keys)
        token, _csrf = open_session(session, user)
        log(session, user, "login", None)
        response = RedirectResponse("/", status_code=303)
        response.set_cookie(
            COOKIE,
            token,
            httponly=True,
            samesite="strict",
            secure=secure_cookies,
            max_age=12 * 3600,
        )
        response.delete_cookie(LOGIN_COOKIE)
        return response

    @app.post("/logout", include_in_schema=False)
    async def logout(
        request: Request, who: Auth = Depends(auth), session: DbSession = use_db
    ) -> Response:
        permit(who.user, "runs:list")
        await check_csrf(request, who)
        close_session(session, request.cookies.get(COOKIE, ""))
        response = RedirectResponse("/login", status_code=303)
        response.delete_cookie(COOKIE)
        return response

    # ---- runs --------------------------------------------------------------------------
    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def home(request: Request, who: Auth = Depends(auth), session: DbSession = use_db) -> Response:
        user = permit(who.user, "runs:list")
        listing = data.list_runs(session, user)
        return page("home.html", request, who, **listing, this_year=dt.date.today().year)

    @app.get("/api/runs", tags=["runs"], summary="Danh sách lần kiểm tra / list runs")
    def api_runs(who: Auth = Depends(auth), session: DbSession = use_db) -> Any:
        user = permit(who.user, "runs:list")
        return data.list_runs(session, user)

    async def create_run(request: Request, who: Auth, session: DbSession) -> int:
        user = permit(who.user, "runs:create")
        length = int(request.headers.get("content-length") or 0)
        if length > upload_limits.max_request_mb * 1024 * 1024:
            raise HTTPException(413, f"Tải lên quá {upload_limits.max_request_mb:,.0f} MB.")
        await check_csrf(request, who)
        form = await request.form(max_files=upload_limits.max_files, max_fields=50)
        try:
            year = int(str(form.get("year", "")))
        except ValueError:
            raise HTTPException(422, "Thiếu năm kiểm tra (year). / year is required.") from None
        if not 1950 <= year <= 2099:
            raise HTTPException(422, "Năm phải trong khoảng 1950-2099. / year out of range.")
        as_of = str(form.get("as_of") or "").strip() or None
        if as_of:
            try:
                dt.date.fromisoformat(as_of)
            except ValueError:
                raise HTTPException(422, f"as_of '{as_of}' không phải ngày YYYY-MM-DD.") from None
        uploads = [f for f in form.getlist("files") if isinstance(f, UploadFile) and f.filename]
        if not uploads:
            raise HTTPException(422, "Chưa chọn tệp nào. / No file sent.")
        queued = session.query(Run).filter(Run.status == "queued").count()
        if queued >= MAX_QUEUED:
            raise HTTPException(503, "Hàng đợi đầy; hãy thử lại sau. / The queue is full.")
        try:
            taken = take_files(((f.filename or "", f.file) for f in uploads), blobs, upload_limits)
        except UploadError as problem:
            raise HTTPException(413, str(problem)) from None
        from auditor.web.db import Blob

        run = Run(year=year, as_of=as_of, status="queued", created_by=user.name)
        session.add(run)
        session.flush()
        for item in taken:
            if item.sha256 and session.get(Blob, item.sha256) is None:
                session.add(Blob(sha256=item.sha256, size=item.size))
                session.flush()
            session.add(
                RunFile(
                    run_id=run.id,
                    name=item.name,
                    sha256=item.sha256,
                    size=item.size,
                    refused=item.refused,
                )
            )
        log(session, user, "run-create", f"run {run.id}: {len(taken)} files, year {year}")
        session.commit()
        worker.wake.set()
        return run.id

    @app.post("/runs", include_in_schema=False)
    async def upload_page(
        request: Request, who: Auth = Depends(auth), session: DbSession = use_db
    ) -> Response:
        run_id = await create_run(request, who, session)
        return RedirectResponse(f"/runs/{run_id}", status_code=303)

    @app.post(
        "/api/runs",
        tags=["runs"],
        status_code=201,
        summary="Tạo lần kiểm tra / create a run",
        description="multipart/form-data: `files` (one or more workbooks or .zip), "
        "`year`, optional `as_of` (YYYY-MM-DD).",
    )
    async def api_create(
        request: Request, who: Auth = Depends(auth), session: DbSession = use_db
    ) -> Any:
        run_id = await create_run(request, who, session)
        return data.run_status(session, run_id)

    @app.get("/api/runs/{run_id}", tags=["runs"], summary="Trạng thái, tiến độ / status")
    def api_run(run_id: int, who: Auth = Depends(auth), session: DbSession = use_db) -> Any:
        permit(who.user, "run:view")
        return data.run_status(session, run_id)

    @app.get("/runs/{run_id}", response_class=HTMLResponse, include_in_schema=False)
    def run_page(
        run_id: int,
        request: Request,
        q: str | None = None,
        band: str | None = None,
        sort: str = "rank",
        who: Auth = Depends(auth),
        session: DbSession = use_db,
    ) -> Response:
        user = permit(who.user, "run:cells")
        view = data.run_cells(session, reports, run_id, user, q=q, band=band, sort=sort)
        log(session, user, "view-run", f"run {run_id}")
        return page("run.html", request, who, run=view, q=q or "", band=band or "", sort=sort)

    @app.get("/api/runs/{run_id}/cells", tags=["cells"], summary="Các chi bộ / cells")
    def api_cells(
        run_id: int,
        q: str | None = None,
        band: str | None = None,
        sort: str = "rank",
        who: Auth = Depends(auth),
        session: DbSession = use_db,
    ) -> Any:
        user = permit(who.user, "run:cells")
        return data.run_cells(session, reports, run_id, user, q=q, band=band, sort=sort)

    @app.get("/runs/{run_id}/inputs", response_class=HTMLResponse, include_in_schema=False)
    def inputs_page(
        run_id: int, request: Request, who: Auth = Depends(auth), session: DbSession = use_db
    ) -> Response:
        permit(who.user, "run:inputs")
        return page("inputs.html", request, who, run=data.run_inputs(session, reports, run_id))

    @app.get("/api/runs/{run_id}/inputs", tags=["runs"], summary="Tệp đầu vào / inputs")
    def api_inputs(run_id: int, who: Auth = Depends(auth), session: DbSession = use_db) -> Any:
        permit(who.user, "run:inputs")
        return data.run_inputs(session, reports, run_id)

    @app.post("/runs/{run_id}/rerun", include_in_schema=False)
    async def rerun_page(
        run_id: int, request: Request, who: Auth = Depends(auth), session: DbSession = use_db
    ) -> Response:
        await rerun(run_id, request, who, session)
        return RedirectResponse(f"/runs/{run_id}", status_code=303)

    @app.post("/api/runs/{run_id}/rerun", tags=["runs"], summary="Chạy lại / run again")
    async def api_rerun(
        run_id: int, request: Request, who: Auth = Depends(auth), session: DbSession = use_db
    ) -> Any:
        await rerun(run_id, request, who, session)
        return data.run_status(session, run_id)

    async def rerun(run_id: int, request: Request, who: Auth, session: DbSession) -> None:
        user = permit(who.user, "run:rerun")
        await check_csrf(request, who)
        run = session.get(Run, run_id)
        if run is None:
            raise data.NotFound(f"run {run_id}")
        if run.status in ("queued", "running"):
            raise HTTPException(409, "Lần kiểm tra này đang chờ hoặc đang chạy.")
        run.status, run.error, run.stage, run.done, run.total = "queued", None, None, 0, 0
        log(session, user, "run-rerun", f"run {run_id}")
        session.commit()
        worker.wake.set()

    def report_file(run_id: int, kind: str, who: Auth, session: DbSession) -> Response:
        user = permit(who.user, "run:reports")
        if kind not in REPORTS:
            raise data.NotFound(f"report.{kind}")
        path = reports.out(run_id) / f"report.{kind}"
        if not path.exists():
            raise data.NotFound(f"report.{kind} of run {run_id}")
        log(session, user, "download", f"run {run_id} report.{kind}")
        return FileResponse(path, media_type=REPORTS[kind], filename=f"report-{run_id}.{kind}")

    @app.get(
        "/api/runs/{run_id}/report.{kind}",
        tags=["reports"],
        summary="Báo cáo / report.json, report.xlsx, report.html",
    )
    def api_report(
        run_id: int, kind: str, who: Auth = Depends(auth), session: DbSession = use_db
    ) -> Response:
        return report_file(run_id, kind, who, session)

    @app.get("/runs/{run_id}/report.{kind}", include_in_schema=False)
    def page_report(
        run_id: int, kind: str, who: Auth = Depends(auth), session: DbSession = use_db
    ) -> Response:
        return report_file(run_id, kind, who, session)

    # ---- cells -------------------------------------------------------------------------
    @app.get("/runs/{run_id}/cells/{cell_id}", response_class=HTMLResponse, include_in_schema=False)
    def cell_page(
        run_id: int,
        cell_id: str,
        request: Request,
        who: Auth = Depends(auth),
        session: DbSession = use_db,
    ) -> Response:
        key = cell_key(cell_id)
        user = permit(who.user, "cell:view", key)
        view = data.cell_detail(session, reports, run_id, key, user)
        log(session, user, "view-cell", f"run {run_id} cell {key}")
        return page("cell.html", request, who, view=view)

    @app.get(
        "/api/runs/{run_id}/cells/{cell_id}",
        tags=["cells"],
        summary="Một chi bộ: vi phạm, bằng chứng, dòng bị loại, lịch sử",
    )
    def api_cell(
        run_id: int, cell_id: str, who: Auth = Depends(auth), session: DbSession = use_db
    ) -> Any:
        key = cell_key(cell_id)
        user = permit(who.user, "cell:view", key)
        return data.cell_detail(session, reports, run_id, key, user)

    # ---- members (members.md) ---------------------------------------------------------
    @app.get("/runs/{run_id}/members", response_class=HTMLResponse, include_in_schema=False)
    def members_page(
        run_id: int, request: Request, who: Auth = Depends(auth), session: DbSession = use_db
    ) -> Response:
        user = permit(who.user, "run:members")
        view = data.run_members(session, reports, run_id, user)
        log(session, user, "view-members", f"run {run_id}")
        return page("members.html", request, who, view=view)

    @app.get(
        "/api/runs/{run_id}/members",
        tags=["members"],
        summary="Đảng viên (chi bộ của mình với bí thư chi bộ) / members",
    )
    def api_members(run_id: int, who: Auth = Depends(auth), session: DbSession = use_db) -> Any:
        user = permit(who.user, "run:members")
        return data.run_members(session, reports, run_id, user)

    def member_view(run_id: int, member_id: str, who: Auth, session: DbSession) -> Any:
        """A member, once the user may see the member's cell: a cell's secretary asking
        for anyone else, listed or not, is refused alike (no telling who exists)."""
        permit(who.user, "member:view")
        member = data.find_member(session, reports, run_id, member_id)
        key = cell_key(member["cell_id"]) if member is not None else ""
        user = permit(who.user, "member:view", key)
        if member is None:
            raise data.NotFound(f"member {member_id} in run {run_id}")
        log(session, user, "view-member", f"run {run_id} member {member['member_id']}")
        return data.member_detail(session, reports, run_id, member)

    @app.get(
        "/runs/{run_id}/members/{member_id}", response_class=HTMLResponse, include_in_schema=False
    )
    def member_page(
        run_id: int,
        member_id: str,
        request: Request,
        who: Auth = Depends(auth),
        session: DbSession = use_db,
    ) -> Response:
        view = member_view(run_id, member_id, who, session)
        return page("member.html", request, who, view=view)

    @app.get(
        "/api/runs/{run_id}/members/{member_id}",
        tags=["members"],
        summary="Một đảng viên: số tháng, học tập, thi, vi phạm / one member",
    )
    def api_member(
        run_id: int, member_id: str, who: Auth = Depends(auth), session: DbSession = use_db
    ) -> Any:
        return member_view(run_id, member_id, who, session)

    @app.get(
        "/api/cells/{cell_id}/history",
        tags=["cells"],
        summary="Lịch sử một chi bộ qua các lần và các năm / a cell's history",
    )
    def api_history(cell_id: str, who: Auth = Depends(auth), session: DbSession = use_db) -> Any:
        key = cell_key(cell_id)
        permit(who.user, "cell:view", key)
        return {"cell_key": key, "history": data.cell_history(session, key)}

    # ---- compare -----------------------------------------------------------------------
    @app.get("/compare", response_class=HTMLResponse, include_in_schema=False)
    def compare_page(
        request: Request,
        a: int | None = None,
        b: int | None = None,
        who: Auth = Depends(auth),
        session: DbSession = use_db,
    ) -> Response:
        user = permit(who.user, "compare")
        runs = data.list_runs(session, user)["runs"]
        view = data.compare(session, a, b) if a and b else None
        return page("compare.html", request, who, view=view, runs=runs, a=a, b=b)

    @app.get(
        "/api/compare",
        tags=["compare"],
        summary="So sánh hai lần kiểm tra (cùng năm hoặc hai năm) / compare two runs",
    )
    def api_compare(a: int, b: int, who: Auth = Depends(auth), session: DbSession = use_db) -> Any:
        permit(who.user, "compare")
        return data.compare(session, a, b)

    # ---- API reference -----------------------------------------------------------------
    @app.get("/docs", response_class=HTMLResponse, include_in_schema=False)
    def api_docs(request: Request, who: Auth = Depends(auth)) -> Response:
        """The API's endpoints from its OpenAPI schema, offline (no Swagger UI from a CDN);
        public like the schema itself: it shows what exists, never any data."""
        return page("api.html", request, who, endpoints=data.api_endpoints(app.openapi()))

    # ---- audit log ---------------------------------------------------------------------
    @app.get("/log", response_class=HTMLResponse, include_in_schema=False)
    def log_page(
        request: Request, who: Auth = Depends(auth), session: DbSession = use_db
    ) -> Response:
        permit(who.user, "audit:log")
        entries = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(500))
        return page("log.html", request, who, entries=list(entries))

    @app.get("/api/log", tags=["audit log"], summary="Nhật ký / who did what")
    def api_log(who: Auth = Depends(auth), session: DbSession = use_db) -> Any:
        permit(who.user, "audit:log")
        entries = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(500))
        return {
            "entries": [
                {
                    "at": e.at.isoformat(),
                    "user": e.user_name,
                    "action": e.action,
                    "target": e.target,
                }
                for e in entries
            ]
        }

    return app

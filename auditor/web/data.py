"""What the pages and the API show, one function each: a page renders the same dict its
API route returns as JSON (so the two cannot drift apart).

Every function takes the user it answers for; what a ``cell`` user may see is narrowed
here as well as refused in the views (see :mod:`auditor.web.access`).
"""

from __future__ import annotations

import functools
import json
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session as DbSession

from auditor.web.db import CellRow, Run, RunFile, User

STATUS_VI = {
    "queued": "Đang chờ",
    "running": "Đang kiểm tra",
    "done": "Đã xong",
    "failed": "Thất bại",
}
STAGE_VI = {"start": "Khởi động", "read": "Đọc tệp", "rules": "Kiểm tra quy tắc", "done": "Xong"}


class NotFound(LookupError):
    pass


class Reports:
    """The finished runs' report.json files, parsed once and kept for a few runs."""

    def __init__(self, data: Path, keep: int = 8) -> None:
        self.data = data
        self.keep = keep
        self._cache: OrderedDict[tuple[int, float], dict[str, Any]] = OrderedDict()
        self._lock = threading.Lock()

    def out(self, run_id: int) -> Path:
        return self.data / "runs" / str(run_id) / "out"

    def _json(self, path: Path, run_id: int) -> dict[str, Any]:
        try:
            stamp = path.stat().st_mtime
        except FileNotFoundError:
            return {}
        key = (run_id, stamp)
        with self._lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]
        loaded: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        with self._lock:
            self._cache[key] = loaded
            while len(self._cache) > self.keep:
                self._cache.popitem(last=False)
        return loaded

    def report(self, run_id: int) -> dict[str, Any]:
        return self._json(self.out(run_id) / "report.json", run_id)

    def cell_files(self, run_id: int) -> dict[str, list[str]]:
        path = self.out(run_id) / "cell_files.json"
        return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def run_dict(run: Run, cells: int | None = None) -> dict[str, Any]:
    return {
        "id": run.id,
        "year": run.year,
        "as_of": run.as_of,
        "status": run.status,
        "status_vi": STATUS_VI.get(run.status, run.status),
        "stage": run.stage,
        "stage_vi": STAGE_VI.get(run.stage or "", run.stage),
        "done": run.done,
        "total": run.total,
        "error": run.error,
        "attempts": run.attempts,
        "created_by": run.created_by,
        "created_at": run.created_at.isoformat() if run.created_at else None,
        "started_at": run.started_at.isoformat() if run.started_at else None,
        "finished_at": run.finished_at.isoformat() if run.finished_at else None,
        "cells": cells,
    }


def _run(db: DbSession, run_id: int) -> Run:
    run = db.get(Run, run_id)
    if run is None:
        raise NotFound(f"run {run_id}")
    return run


def list_runs(db: DbSession, user: User) -> dict[str, Any]:
    counts = dict(db.execute(select(CellRow.run_id, func.count()).group_by(CellRow.run_id)).all())
    runs = db.scalars(select(Run).order_by(Run.id.desc())).all()
    return {"runs": [run_dict(r, counts.get(r.id)) for r in runs]}


def _cell_dict(row: CellRow) -> dict[str, Any]:
    return {
        "cell_id": row.cell_id,
        "cell_key": row.cell_key,
        "cell_name": row.cell_name,
        "parent": row.parent,
        "score": row.score,
        "band": row.band,
        "band_before_quota": row.band_before_quota,
        "rank": row.rank,
        "points_lost": row.points_lost,
        "moved_by_quota": row.moved_by_quota,
        "violations": len(row.violations),
    }


def run_status(db: DbSession, run_id: int) -> dict[str, Any]:
    run = _run(db, run_id)
    files = db.scalars(select(RunFile).where(RunFile.run_id == run_id)).all()
    out = run_dict(run)
    out["files"] = len(files)
    out["refused"] = sum(f.refused is not None for f in files)
    return out


def run_cells(
    db: DbSession,
    reports: Reports,
    run_id: int,
    user: User,
    *,
    q: str | None = None,
    band: str | None = None,
    sort: str = "rank",
) -> dict[str, Any]:
    out = run_status(db, run_id)
    query = select(CellRow).where(CellRow.run_id == run_id)
    if user.role == "cell":
        query = query.where(CellRow.cell_key == user.cell_id)
    rows = [_cell_dict(r) for r in db.scalars(query).all()]
    if q:
        needle = q.casefold()
        rows = [
            r
            for r in rows
            if needle in r["cell_id"].casefold()
            or needle in (r["cell_name"] or "").casefold()
            or needle in (r["parent"] or "").casefold()
        ]
    if band:
        rows = [r for r in rows if r["band"] == band]
    key = sort.lstrip("-")
    if key not in ("rank", "score", "cell_id", "cell_name", "parent", "band", "violations"):
        key = "rank"
    rows.sort(key=lambda r: (r[key] is None, r[key] if r[key] is not None else 0, r["cell_id"]))
    if sort.startswith("-"):
        rows.reverse()
    out["cell_list"] = rows
    report = reports.report(run_id) if run_id else {}
    moves = report.get("quota_moves", [])
    if user.role == "cell":
        moves = [m for m in moves if _key(m["cell_id"]) == user.cell_id]
    out["quota_moves"] = moves
    members = report.get("members", [])
    if user.role == "cell":
        members = [m for m in members if _key(m["cell_id"]) == user.cell_id]
    out["member_count"] = len(members)
    out["bands"] = sorted({r["band"] for r in rows})
    return out


def _key(cell_id: str) -> str:
    from auditor.web.security import cell_key

    return cell_key(cell_id)


def run_inputs(db: DbSession, reports: Reports, run_id: int) -> dict[str, Any]:
    """The run's files with their status, and the cells seen in the year's (or the year
    before's) latest other run that sent nothing this time."""
    run = _run(db, run_id)
    out = run_status(db, run_id)
    report = reports.report(run_id)
    rows = [
        {
            "file": i["file"],
            "status": i["status"],
            "sha256": i.get("sha256"),
            "accepted": i["rows"]["accepted"],
            "rejected": i["rows"]["rejected"],
            "error": i.get("error"),
        }
        for i in report.get("inputs", [])
    ]
    for item in db.scalars(select(RunFile).where(RunFile.run_id == run_id)).all():
        if item.refused is not None:
            rows.append(
                {
                    "file": item.name,
                    "status": "refused",
                    "sha256": item.sha256,
                    "accepted": 0,
                    "rejected": 0,
                    "error": item.refused,
                }
            )
    if not report:  # not audited yet: the files as uploaded
        rows = [
            {
                "file": f.name,
                "status": "refused" if f.refused else "uploaded",
                "sha256": f.sha256,
                "accepted": 0,
                "rejected": 0,
                "error": f.refused,
            }
            for f in db.scalars(select(RunFile).where(RunFile.run_id == run_id)).all()
        ]
    rows.sort(key=lambda r: r["file"])
    out["inputs"] = rows
    out["missing_cells"] = []
    if run.status == "done":
        earlier = db.scalar(
            select(Run)
            .where(Run.status == "done", Run.id != run_id, Run.year.in_([run.year, run.year - 1]))
            .order_by(Run.year.desc(), Run.id.desc())
        )
        if earlier is not None:
            present = set(db.scalars(select(CellRow.cell_key).where(CellRow.run_id == run_id)))
            out["missing_from_run"] = earlier.id
            out["missing_cells"] = [
                {"cell_id": c.cell_id, "cell_name": c.cell_name, "parent": c.parent}
                for c in db.scalars(
                    select(CellRow).where(CellRow.run_id == earlier.id).order_by(CellRow.cell_id)
                )
                if c.cell_key not in present
            ]
    return out


def cell_history(db: DbSession, cell_key: str) -> list[dict[str, Any]]:
    rows = db.execute(
        select(CellRow, Run)
        .join(Run, Run.id == CellRow.run_id)
        .where(CellRow.cell_key == cell_key, Run.status == "done")
        .order_by(Run.year, Run.id)
    ).all()
    return [
        {
            "run_id": run.id,
            "year": run.year,
            "as_of": run.as_of,
            "score": cell.score,
            "band": cell.band,
            "rank": cell.rank,
            "violations": len(cell.violations),
            "finished_at": run.finished_at.isoformat() if run.finished_at else None,
        }
        for cell, run in rows
    ]


def cell_detail(
    db: DbSession, reports: Reports, run_id: int, cell_key: str, user: User
) -> dict[str, Any]:
    run = _run(db, run_id)
    row = db.get(CellRow, (run_id, cell_key))
    if row is None:
        raise NotFound(f"cell {cell_key} in run {run_id}")
    report = reports.report(run_id)
    owners = reports.cell_files(run_id)
    files = set(owners.get(row.cell_id, []))
    if user.role == "cell":  # a shared file's rejected rows may name other cells
        shared = {f for cid, fs in owners.items() if cid != row.cell_id for f in fs}
        files -= shared
    rejected = [r for r in report.get("rejected_rows", []) if r["file"] in files]
    members = [_member_view(m) for m in report.get("members", []) if _key(m["cell_id"]) == cell_key]
    return {
        "run": run_dict(run),
        "cell": _cell_dict(row),
        "violations": _worded(row.violations),
        "rejected_rows": rejected,
        "files": sorted(files),
        "members": members,
        "history": cell_history(db, cell_key),
    }


def _worded(violations: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Violations with their rule's title and remedy in the words of the pack that judged
    each."""
    texts = _rule_texts()
    out = []
    for v in violations:
        pack, rule_id = v.get("pack"), str(v["rule"])
        by_pack = texts.get((pack, rule_id)) if isinstance(pack, str) else None
        rule = by_pack or texts.get((None, rule_id), {})
        out.append({**v, "title_vi": rule.get("title_vi"), "remedy_vi": rule.get("remedy_vi")})
    return out


def _member_view(member: dict[str, Any]) -> dict[str, Any]:
    return {
        **member,
        "cell_key": _key(member["cell_id"]),
        "member_key": _key(member["member_id"]),
        "violations": _worded(member.get("violations", [])),
    }


def run_members(db: DbSession, reports: Reports, run_id: int, user: User) -> dict[str, Any]:
    """The run's members (members.md) that ``user`` may see: a cell's secretary only his
    cell's; with the month's quiz winners of those cells."""
    out = run_status(db, run_id)
    report = reports.report(run_id)
    members = report.get("members", [])
    quiz = report.get("quiz", [])
    if user.role == "cell":
        members = [m for m in members if _key(m["cell_id"]) == user.cell_id]
        quiz = [q for q in quiz if _key(q["cell_id"]) == user.cell_id]
    out["members"] = [_member_view(m) for m in members]
    out["quiz"] = quiz
    return out


def find_member(db: DbSession, reports: Reports, run_id: int, member_id: str) -> Any:
    """The member of the run with this code (compared like cell codes), or None."""
    _run(db, run_id)
    key = _key(member_id)
    for member in reports.report(run_id).get("members", []):
        if _key(member["member_id"]) == key:
            return member
    return None


def member_detail(
    db: DbSession, reports: Reports, run_id: int, member: dict[str, Any]
) -> dict[str, Any]:
    """One member's year: counts, quiz, findings with their rule's words (the caller has
    checked the user may see the member's cell)."""
    return {"run": run_dict(_run(db, run_id)), "member": _member_view(member)}


@functools.cache
def _rule_texts() -> dict[tuple[str | None, str], dict[str, Any]]:
    """Each shipped pack's rule titles and remedies (what to fix), read once, by
    ``(pack, rule)``: a 2025 run holds violations judged by hd12 and by hd42, whose words
    and parameters differ (CD02's draft_min_days: 3, then 1). ``(None, rule)`` is the
    latest pack's, for a violation that names no pack."""
    from auditor.audit import rule_summaries
    from auditor.report.common import remedy_text
    from auditor.rulebook import load_rulebook

    texts: dict[tuple[str | None, str], dict[str, Any]] = {}
    for pack in load_rulebook().packs:  # in date order: the latest pack's words win
        for r in rule_summaries(pack):
            # the remedy with its parameters filled in, as report.xlsx prints it
            text = {"id": r.id, "title_vi": r.title_vi, "remedy_vi": remedy_text(r)}
            texts[(pack.name, r.id)] = texts[(None, r.id)] = text
    return texts


def _violation_key(v: dict[str, Any]) -> tuple[str, str]:
    return (v["rule"], str(v.get("period") or v.get("date") or ""))


def compare(db: DbSession, a: int, b: int) -> dict[str, Any]:
    """Run ``a`` (earlier) against run ``b`` (later), cell by cell.

    Within one year a violation is the same when its rule and period (or date) are:
    each cell lists what was fixed, what is new and what stands. Across years periods
    differ, so the cells' scores, bands and ranks are set side by side with the rules
    they broke in each.
    """
    run_a, run_b = _run(db, a), _run(db, b)
    cells_a = {c.cell_key: c for c in db.scalars(select(CellRow).where(CellRow.run_id == a))}
    cells_b = {c.cell_key: c for c in db.scalars(select(CellRow).where(CellRow.run_id == b))}
    same_year = run_a.year == run_b.year
    rows: list[dict[str, Any]] = []
    for key in sorted(cells_a.keys() | cells_b.keys()):
        ca, cb = cells_a.get(key), cells_b.get(key)
        va = ca.violations if ca else []
        vb = cb.violations if cb else []
        if same_year:
            ka = {_violation_key(v): v for v in va}
            kb = {_violation_key(v): v for v in vb}
        else:
            ka = {(str(v["rule"]), ""): v for v in va}
            kb = {(str(v["rule"]), ""): v for v in vb}
        rows.append(
            {
                "cell_key": key,
                "cell_id": (cb or ca).cell_id,  # type: ignore[union-attr]
                "cell_name": (cb or ca).cell_name,  # type: ignore[union-attr]
                "in_a": ca is not None,
                "in_b": cb is not None,
                "score_a": ca.score if ca else None,
                "score_b": cb.score if cb else None,
                "band_a": ca.band if ca else None,
                "band_b": cb.band if cb else None,
                "rank_a": ca.rank if ca else None,
                "rank_b": cb.rank if cb else None,
                "fixed": [_brief(ka[k]) for k in sorted(ka.keys() - kb.keys())],
                "new": [_brief(kb[k]) for k in sorted(kb.keys() - ka.keys())],
                "standing": [_brief(kb[k]) for k in sorted(ka.keys() & kb.keys())],
            }
        )
    return {
        "a": run_dict(run_a),
        "b": run_dict(run_b),
        "same_year": same_year,
        "cells": rows,
        "totals": {
            "fixed": sum(len(r["fixed"]) for r in rows),
            "new": sum(len(r["new"]) for r in rows),
            "standing": sum(len(r["standing"]) for r in rows),
        },
    }


def _brief(v: dict[str, Any]) -> dict[str, Any]:
    return {
        "rule": v["rule"],
        "period": v.get("period"),
        "date": v.get("date"),
        "message_vi": v.get("message_vi"),
    }


def api_endpoints(schema: dict[str, Any]) -> list[dict[str, Any]]:
    """The API's endpoints as the /docs page lists them: method, path, summary, tag, and
    the parameters each takes (from the OpenAPI schema, so the page cannot drift from it)."""
    found = []
    for path, operations in sorted(schema.get("paths", {}).items()):
        for method, operation in operations.items():
            body = operation.get("requestBody", {}).get("content", {})
            found.append(
                {
                    "method": method.upper(),
                    "path": path,
                    "summary": operation.get("summary", ""),
                    "tag": ", ".join(operation.get("tags", [])),
                    "parameters": [p["name"] for p in operation.get("parameters", [])],
                    "body": sorted(body),
                }
            )
    return found

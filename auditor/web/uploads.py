"""Uploaded files: names made safe, contents kept once by sha256, zips unpacked with the
same bounds the workbook guard uses (no path outside the run, no bomb, no links).

A file that cannot be taken (a zip that is a bomb, a name that climbs out) is still a row
of the run, refused with its reason: nothing sent is silently lost.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import stat
import tempfile
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO

from auditor.ingest.guard import MB, Limits

_CHUNK = 1 << 20


@dataclass(frozen=True)
class UploadLimits:
    """Bounds on one upload (one run)."""

    #: Files in the upload, counting the members of its zips.
    max_files: int = 2000
    #: Bytes of the whole request body.
    max_request_mb: float = 256.0
    #: Bytes once every zip is unpacked.
    max_total_mb: float = 1024.0
    #: One file (the guard's own bound on a workbook).
    max_file_mb: float = Limits.max_file_mb
    #: Unpacked / packed for a zip member over 1 MB.
    max_ratio: float = Limits.max_ratio


@dataclass
class Taken:
    """One file of an upload: its name in the run and its blob, or why it was refused."""

    name: str
    sha256: str | None
    size: int
    refused: str | None = None


class UploadError(ValueError):
    """The whole upload is refused (too many files, too large)."""


def safe_name(raw: str) -> str | None:
    """A relative POSIX path made from an uploaded name, or None when it climbs out of the
    run or names nothing (absolute paths lose their root, ``..`` is refused)."""
    parts = []
    for part in raw.replace("\\", "/").split("/"):
        if part in ("", "."):
            continue
        if part == ".." or "\x00" in part:
            return None
        parts.append(part[:200])
    if not parts or ":" in parts[0]:  # "C:" drive letters
        parts = parts[1:] if parts and parts[0].endswith(":") else parts
    return str(PurePosixPath(*parts)) if parts else None


def strip_common_folder(names: list[str]) -> list[str]:
    """Drop the folder every name starts with (a browser sends ``sample_data/...`` for a
    folder picked): the run's paths are then those ``auditor audit FOLDER`` reports."""
    split = [n.split("/") for n in names]
    if not split or any(len(p) < 2 for p in split) or len({p[0] for p in split}) != 1:
        return names
    return ["/".join(p[1:]) for p in split]


class BlobStore:
    """Files kept once each under ``root/ab/abcdef…`` by their sha256."""

    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)

    def path(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256

    def put_stream(self, source: IO[bytes], limit: int) -> tuple[str, int]:
        """Copy ``source`` in, at most ``limit`` bytes (UploadError past it)."""
        digest = hashlib.sha256()
        size = 0
        with tempfile.NamedTemporaryFile(dir=self.root, delete=False) as temp:
            try:
                while chunk := source.read(_CHUNK):
                    size += len(chunk)
                    if size > limit:
                        raise UploadError(
                            f"Tệp lớn hơn {limit / MB:,.0f} MB. / File over {limit / MB:,.0f} MB."
                        )
                    digest.update(chunk)
                    temp.write(chunk)
            except BaseException:
                temp.close()
                os.unlink(temp.name)
                raise
        sha = digest.hexdigest()
        target = self.path(sha)
        if target.exists():
            os.unlink(temp.name)
        else:
            target.parent.mkdir(exist_ok=True)
            os.replace(temp.name, target)
        return sha, size

    def materialise(self, sha256: str, target: Path) -> None:
        """Put a blob at ``target`` (a hard link when the filesystem allows)."""
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.exists():
            target.unlink()
        try:
            os.link(self.path(sha256), target)
        except OSError:
            shutil.copyfile(self.path(sha256), target)


def _is_zip_upload(name: str, head: bytes) -> bool:
    return name.lower().endswith(".zip") and head.startswith(b"PK")


def _refuse_zip(archive: zipfile.ZipFile, limits: UploadLimits, budget: int) -> str | None:
    members = archive.infolist()
    if len(members) > limits.max_files:
        return f"Tệp nén có {len(members):,} thành phần (tối đa {limits.max_files:,})."
    unpacked = sum(m.file_size for m in members)
    if unpacked > budget:
        return f"Tệp nén giải ra {unpacked / MB:,.0f} MB, vượt giới hạn {budget / MB:,.0f} MB."
    for member in members:
        if member.file_size > limits.max_file_mb * MB:
            return f"{member.filename}: lớn hơn {limits.max_file_mb:,.0f} MB."
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > MB and ratio > limits.max_ratio:
            return f"{member.filename}: tỉ lệ nén {ratio:,.0f}:1 (nghi là bom nén)."
        if member.flag_bits & 0x1:
            return f"{member.filename}: tệp nén có mật khẩu."
    return None


def take_files(
    files: Iterable[tuple[str, IO[bytes]]], store: BlobStore, limits: UploadLimits
) -> list[Taken]:
    """Store every uploaded file (unpacking zips) and say what each became."""
    taken: list[Taken] = []
    total = 0
    budget = int(limits.max_total_mb * MB)
    for raw_name, stream in files:
        name = safe_name(raw_name)
        if name is None:
            taken.append(Taken(raw_name[:500], None, 0, "Tên tệp không hợp lệ (ra ngoài thư mục)."))
            continue
        head = stream.read(4)
        stream.seek(0)
        sha, size = store.put_stream(stream, int(limits.max_file_mb * MB))
        total += size
        if not _is_zip_upload(name, head):
            taken.append(Taken(name, sha, size))
        else:
            taken += _unpack(name, store, sha, size, limits, budget - total)
        if len(taken) > limits.max_files:
            raise UploadError(
                f"Quá {limits.max_files:,} tệp trong một lần tải lên. "
                f"/ More than {limits.max_files:,} files in one upload."
            )
        total = sum(t.size for t in taken)
        if total > budget:
            raise UploadError(
                f"Tổng dung lượng vượt {limits.max_total_mb:,.0f} MB. "
                f"/ The upload unpacks to more than {limits.max_total_mb:,.0f} MB."
            )
    kept = [t for t in taken if t.refused is None]
    for item, name in zip(kept, strip_common_folder([t.name for t in kept]), strict=True):
        item.name = name
    seen: dict[str, int] = {}
    for item in taken:  # two files of one name: the later is kept under a numbered name
        count = seen.get(item.name, 0)
        seen[item.name] = count + 1
        if count:
            stem, dot, ext = item.name.rpartition(".")
            item.name = f"{stem} ({count}){dot}{ext}" if dot else f"{item.name} ({count})"
    return taken


def _unpack(
    name: str, store: BlobStore, sha: str, size: int, limits: UploadLimits, budget: int
) -> list[Taken]:
    # members go where the zip was: a zip of a folder gives the folder's own paths
    prefix = name.rpartition("/")[0]
    prefix = prefix + "/" if prefix else ""
    try:
        with zipfile.ZipFile(store.path(sha)) as archive:
            reason = _refuse_zip(archive, limits, budget)
            if reason:
                return [Taken(name, sha, size, reason)]
            out: list[Taken] = []
            for member in archive.infolist():
                if member.is_dir():
                    continue
                mode = member.external_attr >> 16
                if stat.S_ISLNK(mode):
                    out.append(
                        Taken(
                            f"{prefix}{member.filename}"[:500],
                            None,
                            0,
                            "Liên kết tượng trưng trong tệp nén bị bỏ qua.",
                        )
                    )
                    continue
                inner = safe_name(member.filename)
                if inner is None:
                    out.append(
                        Taken(
                            member.filename[:500],
                            None,
                            0,
                            "Đường dẫn trong tệp nén ra ngoài thư mục.",
                        )
                    )
                    continue
                with archive.open(member) as source:
                    # the declared size was checked; the stream is bounded all the same
                    inner_sha, inner_size = store.put_stream(
                        source, min(member.file_size, int(limits.max_file_mb * MB))
                    )
                out.append(Taken(f"{prefix}{inner}", inner_sha, inner_size))
            return out
    except UploadError as problem:
        return [Taken(name, sha, size, str(problem))]
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError, OSError):
        return [Taken(name, sha, size, "Tệp nén bị hỏng, không giải nén được.")]
    except Exception:  # zlib.error from a damaged member
        return [Taken(name, sha, size, "Tệp nén bị hỏng, không giải nén được.")]

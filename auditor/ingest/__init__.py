"""The importer: find, read and validate hand-filled activity logs (input-format.md)."""

from auditor.ingest.dataset import Dataset
from auditor.ingest.load import FileResult, load, merge, read_file

__all__ = ["Dataset", "FileResult", "load", "merge", "read_file"]

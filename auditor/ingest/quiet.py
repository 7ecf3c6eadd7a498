"""Keep what native readers print off the user's terminal.

A Rust panic inside calamine (a bug it has on some damaged files) writes its message and,
with ``RUST_BACKTRACE`` set, a backtrace of ~60 lines straight to file descriptor 2, past
``sys.stderr``. The panic also reaches Python as an exception, and the file is reported
with the panic's message as its error, so nothing is lost by sending fd 2 elsewhere
while a file is read.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator


def silence_native_output() -> None:
    """Send this process's fd 2 to the null device for good: for a reading worker,
    whose every outcome (panics and crashes included) reaches the parent as a result."""
    with contextlib.suppress(OSError, ValueError):
        sys.stderr.flush()
    null = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(null, 2)
    finally:
        os.close(null)


@contextlib.contextmanager
def native_output_silenced() -> Iterator[None]:
    """fd 2 goes to the null device meanwhile, and back afterwards: for reading a file in
    this process (``--workers 0``). Only the reading is wrapped, so progress shown on
    stderr between files still shows."""
    with contextlib.suppress(OSError, ValueError):
        sys.stderr.flush()
    saved = os.dup(2)
    try:
        silence_native_output()
        yield
    finally:
        with contextlib.suppress(OSError, ValueError):
            sys.stderr.flush()
        os.dup2(saved, 2)
        os.close(saved)

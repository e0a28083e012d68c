"""Keep the work people's files cause within bounds.

Only a couple of pictures or recordings are checked and cleaned at a time in each server
process; a request beyond that waits a moment, then is told to try again, rather than piling up
memory and processor time.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from media.probe import MediaRefused

SLOTS = 2

_slots = threading.BoundedSemaphore(SLOTS)
_libc_name = ctypes.util.find_library("c")
_libc = ctypes.CDLL(_libc_name) if _libc_name else None


@contextmanager
def media_slot(wait: float) -> Iterator[None]:
    """Hold one of this process's slots for checking and cleaning a file.

    Raise MediaRefused("busy") if none frees up within `wait` seconds.
    """
    if not _slots.acquire(timeout=wait):
        raise MediaRefused("busy", f"no slot free within {wait} s")
    try:
        yield
    finally:
        _slots.release()
        release_memory()


def release_memory() -> None:
    """Give memory freed after decoding a picture back to the system.

    Without this glibc keeps the freed blocks, and a worker stays as large as its largest
    picture for the rest of its life.
    """
    trim = getattr(_libc, "malloc_trim", None)
    if trim is not None:
        trim(0)

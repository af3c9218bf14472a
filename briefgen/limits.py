"""Time and memory limits for a render, wherever it runs.

Every command that renders (build, check, serve, watch, the API) renders through
:func:`briefgen.workers.render_all`, and every render runs under its
:class:`~briefgen.render.RenderOptions` limits. In a worker process the pool also kills a
render past its time (the backstop for code that never returns to Python); in this process
(``-j 0``, the library API) these are the only limits, so they must hold on their own:

* :func:`time_limit` arms a real-time interval timer (``SIGALRM``); when it fires, the code
  that is running gets :class:`TimeLimitExceeded`. It is a ``BaseException``, so an
  ``except Exception`` in a library does not swallow it, and the timer fires again every
  quarter second until the limit's block is left, so an ``except BaseException`` (WeasyPrint
  draws SVG inside one) cannot either. Limits nest: a template's short limit inside the
  render's long one; whichever ends first fires. Signals reach only the main thread: in
  another thread the limit cannot be enforced here, and :func:`can_interrupt` says so.
* :func:`memory_limit` caps the process's address space (``RLIMIT_AS``) at what it has now
  plus the render's allowance, and puts the previous cap back afterwards.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

_REFIRE = 0.25  # seconds between repeated signals once a limit has passed


class TimeLimitExceeded(BaseException):
    """A block ran past its :func:`time_limit`; ``seconds`` is the limit, ``what`` its name."""

    def __init__(self, seconds: float, what: str):
        super().__init__(f"{what}: stopped after {seconds:g} s")
        self.seconds, self.what = seconds, what


@dataclass
class _Limit:
    deadline: float
    seconds: float
    what: str


_active: list[_Limit] = []


def can_interrupt() -> bool:
    """True where :func:`time_limit` works: the main thread, on a system with SIGALRM."""
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


@contextlib.contextmanager
def time_limit(seconds: float, what: str = "render") -> Iterator[None]:
    """Raise :class:`TimeLimitExceeded` in the block if it runs longer than ``seconds``.

    Does nothing where signals cannot interrupt (see :func:`can_interrupt`) or for
    ``seconds <= 0``; the caller then relies on the worker pool's limit.
    """
    if seconds <= 0 or not can_interrupt():
        yield
        return
    limit = _Limit(time.monotonic() + seconds, seconds, what)
    previous = signal.getsignal(signal.SIGALRM) if not _active else None
    if not _active:
        signal.signal(signal.SIGALRM, _on_alarm)
    _active.append(limit)
    _arm()
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)  # first: no alarm while the stack changes
        _active.remove(limit)
        if _active:
            _arm()
        else:
            signal.signal(signal.SIGALRM, previous or signal.SIG_DFL)


def _arm() -> None:
    """Set the timer for the nearest deadline (soon, if one has already passed)."""
    left = min(limit.deadline for limit in _active) - time.monotonic()
    signal.setitimer(signal.ITIMER_REAL, max(left, 0.001), _REFIRE)


def _on_alarm(_signum: int, _frame: object) -> None:
    now = time.monotonic()
    passed = [limit for limit in _active if limit.deadline <= now]
    if not passed:  # woke early (the timer was set for an outer limit): wait on
        _arm()
        return
    # The outermost limit that passed wins: a render's limit reports as the render's,
    # even when the template's limit inside it would have passed a moment later.
    limit = passed[0]
    raise TimeLimitExceeded(limit.seconds, limit.what)


def _address_space() -> int:
    """Bytes of address space this process has mapped now (0 when unknown)."""
    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):  # pragma: no cover - not Linux
        return 0


@contextlib.contextmanager
def memory_limit(memory_mb: int) -> Iterator[None]:
    """Let the block map at most ``memory_mb`` MiB more than the process has now; past it,
    allocations fail with ``MemoryError``. The previous limit is restored afterwards."""
    try:
        import resource
    except ImportError:  # pragma: no cover - not Unix
        yield
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    set_address_limit(memory_mb)
    try:
        yield
    finally:
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def set_address_limit(memory_mb: int) -> None:
    """Cap the address space at what is mapped now plus ``memory_mb`` MiB (0: no cap beyond
    the hard limit)."""
    import resource

    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = resource.RLIM_INFINITY
    if memory_mb > 0:
        limit = _address_space() + memory_mb * 1024 * 1024
    if hard != resource.RLIM_INFINITY and (limit == resource.RLIM_INFINITY or limit > hard):
        limit = hard
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))

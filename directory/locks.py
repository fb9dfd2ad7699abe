"""File locks that belong to one process, and helper processes that end with it.

An flock() lock belongs to the open file, and a forked child shares its parent's open files: the Whoosh
workers a large reindex forks would keep the reindex lock and the index's writing flag for as long as
they live, and a worker whose parent was killed lives for ever, blocked on its job queue. So a child
forked while this process holds a lock gives up the locks at once and is killed when its parent dies
(Linux's PR_SET_PDEATHSIG; elsewhere it may outlive the parent, but holds none of its locks).
"""
import ctypes
import fcntl
import os
import signal
import sys
from contextlib import contextmanager

PR_SET_PDEATHSIG = 1
_held = {}  # descriptor -> path, for each lock this process holds
_state = {"hooked": False, "parent": None}


@contextmanager
def exclusive_lock(path, waiting=None, wait=False):
    """Hold an exclusive lock on the file ``path`` (created if missing) for the ``with`` block; the file
    is left holding this process's id. Raises BlockingIOError if another process holds it, unless
    ``wait``: then ``waiting`` (if given) is called once and the lock is waited for. The lock dies with
    this process, kill -9 included, and is never held by the processes it forks."""
    _hook_forks()
    with open(path, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if not wait:
                raise
            if waiting:
                waiting()
            fcntl.flock(handle, fcntl.LOCK_EX)
        handle.truncate(0)
        handle.write(str(os.getpid()))
        handle.flush()
        _held[handle.fileno()] = path
        try:
            yield
        finally:
            del _held[handle.fileno()]


def _hook_forks():
    if not _state["hooked"]:
        os.register_at_fork(before=_before_fork, after_in_child=_in_child)
        _state["hooked"] = True


def _before_fork():
    _state["parent"] = os.getpid()


def _in_child():
    if not _held:
        return
    # Point the child's copies of the lock files at /dev/null: the parent's locks stay the parent's alone.
    devnull = os.open(os.devnull, os.O_RDWR)
    for descriptor in _held:
        os.dup2(devnull, descriptor)
    os.close(devnull)
    _held.clear()
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        if os.getppid() != _state["parent"]:  # the parent died before the line above: end now
            os._exit(1)

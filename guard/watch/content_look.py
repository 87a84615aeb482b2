"""The second look at a new process: what its program file *is*, on a thread of its own.

The watcher's first look uses names only and nothing from disk, so a tool started under its
own name is frozen within a millisecond of its exec. A tool renamed by the caller ("save it
as notes") passes that look; this one reads the program file (hash, PE version, signer:
identify/executable.py, each file read once) and reports a match exactly as the first look
would. It runs on its own thread so that reading a large program file never delays the
first look at the next process: a name-based freeze is never kept waiting behind it.

Backlog is bounded: a burst of thousands of new processes (a build) queues at most
``MAX_QUEUE`` looks; past that, looks are set aside (at most ``MAX_QUEUE`` more; beyond
that dropped and counted) and the watcher says so once per burst, because a silent gap
would be worse than a slow one. Set-aside looks are queued again once a second
(``retry``, from the poller's full diff) as room frees up. (Names are still checked
for every process; each file is read once, so a build that runs the same compiler 5,000
times costs one read and 5,000 cache hits.)
"""

from __future__ import annotations

import collections
import contextlib
import queue
import threading
from collections.abc import Callable

import psutil

from guard.identify.evidence import Identification
from guard.identify.identifier import Identifier
from guard.identify.process import ProcessInfo

MAX_QUEUE = 4096
OnMatch = Callable[[ProcessInfo, Identification], None]


class ContentLook:
    """Identifies submitted processes by their program file's content; ``on_match`` is called
    from this object's thread for each one that turns out to be a tool."""

    def __init__(
        self,
        identifier: Identifier,
        on_match: OnMatch,
        report: Callable[[str], None],
        max_queue: int = MAX_QUEUE,
    ):
        self.identifier = identifier
        self.on_match = on_match
        self.report = report
        # A process to look at, or a program file's path (the exec gate's hand-off).
        self._queue: queue.Queue[ProcessInfo | str | None] = queue.Queue(max_queue)
        self._thread = threading.Thread(target=self._run, name="content-look", daemon=True)
        self.dropped = 0
        self._dropping = False
        self._aside: collections.deque[ProcessInfo] = collections.deque(maxlen=max_queue)
        self.looked = 0
        self._pending = 0  # queued or being looked at
        self._done = threading.Condition()
        self._stopping = threading.Event()

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._stopping.set()  # a full backlog is abandoned, not worked through
        with contextlib.suppress(queue.Full):
            self._queue.put_nowait(None)
        if self._thread.ident is not None:
            self._thread.join(timeout)

    def submit(self, info: ProcessInfo) -> None:
        """Queue a look at ``info``'s program file; never blocks the caller."""
        if not info.exe:  # a kernel thread, or a program whose file cannot be read
            return
        with self._done:
            self._pending += 1
        try:
            self._queue.put_nowait(info)
        except queue.Full:
            self._finished()
            if len(self._aside) == self._aside.maxlen:
                self.dropped += 1  # the oldest set-aside look goes
            self._aside.append(info)
            if not self._dropping:
                self._dropping = True
                self.report(
                    "too many programs started at once to read every program file at once; "
                    "their names were checked, their files will be read in turn"
                )
        else:
            self._dropping = False

    def submit_file(self, path: str) -> bool:
        """Queue a read of the program file at ``path``, so its content is known at its next
        exec: the exec gate let it start without knowing it (guard/watch/exec_gate.py). Never
        blocks; False when the queue is full (the process's own look still follows)."""
        with self._done:
            self._pending += 1
        try:
            self._queue.put_nowait(path)
        except queue.Full:
            self._finished()
            return False
        return True

    def retry(self) -> None:
        """Queue set-aside looks again while there is room (the poller calls this once a
        second). A process that has ended since is skipped by the look itself."""
        while self._aside and not self._queue.full():
            info = self._aside.popleft()
            if _same_process(info):  # ended since: nothing to look at
                self.submit(info)

    def wait_idle(self, timeout: float) -> bool:
        """For tests and benchmarks: wait until everything submitted has been looked at."""
        with self._done:
            return self._done.wait_for(lambda: self._pending == 0, timeout)

    def _finished(self) -> None:
        with self._done:
            self._pending -= 1
            if self._pending == 0:
                self._done.notify_all()

    def _run(self) -> None:
        while True:
            info = self._queue.get()
            if info is None or self._stopping.is_set():
                return
            try:
                if isinstance(info, str):  # read into the cache the exec gate peeks at
                    self.identifier.executables.read(info, self.identifier.hash_files)
                else:
                    self._look(info)
            except Exception as exc:  # one odd file must never stop the second look
                label = info if isinstance(info, str) else info.label
                self.report(f"reading the program file of {label} failed ({exc!r})")
            finally:
                self.looked += 1
                self._finished()

    def _look(self, info: ProcessInfo) -> None:
        verdict = self.identifier.identify_process(info, inspect_file=True)
        # An ended process still counts (the engine records a tool that came and went); a
        # reused pid does not.
        if verdict.matched and _same_process(info) is not False:
            self.on_match(info, verdict)


def _same_process(info: ProcessInfo) -> bool | None:
    """True: the pid still runs the process we looked at; False: the number now belongs to a
    new process; None: it has ended (or cannot be asked)."""
    try:
        started = psutil.Process(info.pid).create_time()
    except (psutil.Error, OSError):
        return None
    return info.create_time is None or abs(started - info.create_time) < 0.01

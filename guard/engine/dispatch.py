"""Event dispatch: the journal and every listener hear each event in order, on one thread.

The engine acts under its lock and then posts what it did here. Posting is a queue put: the
journal gets its own queue put at once (so no listener can stall or reorder it), and one
dispatch thread hands each event to the listeners in turn, so a slow listener (a terminal
nobody reads, a busy tray) can never delay the next freeze.
"""

from __future__ import annotations

import collections
import threading
from collections.abc import Callable

from guard.engine.incidents import IncidentView
from guard.state.events import GuardEvent, Listener
from guard.state.journal import Journal


class EventDispatch:
    """The queue and the thread that deliver events; ``lock`` guards the listener list (the
    engine's own lock, so a listener added or removed is seen consistently by its actions)."""

    def __init__(
        self, journal: Journal | None, lock: threading.RLock, report: Callable[[str], None]
    ):
        self.journal = journal
        self.report = report
        self._lock = lock
        self._listeners: list[Listener] = []
        # Delivery: a queue and one thread, so listeners never run on a detecting thread.
        self._outbox: collections.deque[tuple[GuardEvent, IncidentView | None]] = (
            collections.deque()
        )
        self._delivery = threading.Condition()
        self._delivering = False
        self._closed = False
        self._dispatcher = threading.Thread(target=self._deliver, name="events", daemon=True)
        self._dispatcher.start()

    def add_listener(self, listener: Listener) -> None:
        with self._lock:
            self._listeners.append(listener)

    def remove_listener(self, listener: Listener) -> None:
        with self._lock:
            self._listeners.remove(listener)

    def wait_delivered(self, timeout: float = 5.0) -> bool:
        """Wait until every event so far has reached the listeners."""
        if threading.current_thread() is self._dispatcher:
            return False  # a listener waiting for itself would wait forever
        with self._delivery:
            return self._delivery.wait_for(
                lambda: not self._outbox and not self._delivering, timeout
            )

    def close(self, timeout: float = 5.0) -> None:
        """Deliver what is queued, then stop the dispatch thread."""
        self.wait_delivered(timeout)
        with self._delivery:
            self._closed = True
            self._delivery.notify_all()
        if threading.current_thread() is not self._dispatcher:
            self._dispatcher.join(timeout)

    def post(self, event: GuardEvent, view: IncidentView | None) -> None:
        if self.journal is not None:
            self.journal.record(event)  # a queue put: in order, and no listener can stall it
        with self._delivery:
            self._outbox.append((event, view))
            self._delivery.notify()

    def _deliver(self) -> None:
        """The dispatch thread: journal first, then every listener, in order."""
        while True:
            with self._delivery:
                self._delivery.wait_for(lambda: self._outbox or self._closed)
                if not self._outbox:
                    return
                event, view = self._outbox.popleft()
                self._delivering = True
            try:
                with self._lock:
                    listeners = list(self._listeners)
                for listener in listeners:
                    try:
                        listener(event, view)
                    except Exception as exc:  # a listener must not stop the guard
                        self.report(f"a listener failed on a {event.kind} event: {exc!r}")
            finally:
                with self._delivery:
                    self._delivering = False
                    self._delivery.notify_all()

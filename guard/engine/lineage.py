"""Who started whom, remembered for a while after the go-between has gone.

A tool can double-fork at start-up: it starts a child that starts the real worker and exits
at once, so the worker's parent becomes init and no live parent link leads back to the tool.
Freezing "the tool and its children" would miss it. The process sources therefore record
every parent → child start they see (the Linux proc connector reports each fork; polling
records the parent of each new process it looks at), and the engine follows this record as
well as the live links: a process whose recorded ancestry reaches a tool member, and which
started after that member, belongs to the tool.

Bounded: entries older than ``ttl`` seconds, or beyond ``cap``, are forgotten (the oldest
first). A double fork happens within milliseconds of a start, so a short memory is enough,
and a pid the system reuses later is re-recorded by its own new start.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

TTL_SECONDS = 30.0
CAP = 20_000
MAX_DEPTH = 16


class Lineage:
    def __init__(
        self,
        ttl: float = TTL_SECONDS,
        cap: int = CAP,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.ttl, self.cap, self.clock = ttl, cap, clock
        self._parent: dict[int, tuple[int, float]] = {}  # child -> (parent, when recorded)
        self._children: dict[int, set[int]] = {}
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._parent)

    def record(self, child: int, parent: int) -> None:
        """``parent`` started ``child`` (just now, or when it was first seen)."""
        if child == parent or parent <= 0:
            return
        now = self.clock()
        with self._lock:
            self._drop(child)
            self._parent[child] = (parent, now)
            self._children.setdefault(parent, set()).add(child)
            self._expire(now)

    def note_parent(self, child: int, parent: int) -> None:
        """A parent read later (polling): kept only when no start was recorded for ``child``,
        since by then a go-between may have exited and left init (pid 1) as the parent."""
        if parent > 1 and child not in self._parent:
            self.record(child, parent)

    def parent(self, child: int) -> int | None:
        entry = self._parent.get(child)
        return entry[0] if entry else None

    def ancestors(self, pid: int) -> list[int]:
        """Recorded parents, nearest first (at most MAX_DEPTH; a loop ends the walk)."""
        chain: list[int] = []
        current = pid
        with self._lock:
            for _ in range(MAX_DEPTH):
                entry = self._parent.get(current)
                if entry is None or entry[0] in chain or entry[0] == pid:
                    break
                current = entry[0]
                chain.append(current)
        return chain

    def descendants(self, pid: int) -> list[int]:
        """Everything recorded as started by ``pid``, directly or through others (breadth
        first, bounded by MAX_DEPTH levels)."""
        found: list[int] = []
        seen = {pid}
        level = [pid]
        with self._lock:
            for _ in range(MAX_DEPTH):
                nxt = [c for p in level for c in self._children.get(p, ()) if c not in seen]
                if not nxt:
                    break
                seen.update(nxt)
                found += nxt
                level = nxt
        return found

    def _drop(self, child: int) -> None:
        old = self._parent.pop(child, None)
        if old is not None:
            siblings = self._children.get(old[0])
            if siblings is not None:
                siblings.discard(child)
                if not siblings:
                    del self._children[old[0]]

    def _expire(self, now: float) -> None:
        while self._parent:
            oldest = next(iter(self._parent))
            _, when = self._parent[oldest]
            if len(self._parent) <= self.cap and now - when <= self.ttl:
                return
            self._drop(oldest)

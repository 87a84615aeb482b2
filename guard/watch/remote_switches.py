"""The switches watcher: notices one of the operating system's own remote-access settings being
turned on (Remote Desktop, Remote Assistance, Screen Sharing, Remote Management, a
desktop-sharing user service), with no new program of ours to see.

It looks every ``interval`` seconds (2 s) through the platform adapter
(guard/platform/remote_switches.py). Polling, not change notifications, on purpose: each look
is a few registry reads, one folder listing or one stat of an unchanged file, far below the
process poller's cost, and it works the same everywhere (Windows' RegNotifyChangeKeyValue
would need a thread blocked on an event per key and has never run here; under Wine it is
not the real thing either). Two seconds is long next to a freeze, but nothing runs yet when
a switch flips: the caller still has to connect, and the warning is up before they can.

What counts, so an everyday computer is not alarmed at every start (Windows ships with Remote
Assistance on):

* **turned on while the guard watches** (off at the last look, on now): an incident of the
  switch's tool, with the usual warning. Turned on again after "Remove": a new incident.
* **on at start**, decided by what the guard remembers from last time (``memory``, a small
  JSON file in the state folder):
  - remembered off: "was switched on while ScamGuard was not watching": an incident;
  - remembered on but never settled (the warning was up, or "Remove" could not switch it
    off, when the guard stopped): "is still switched on": an incident;
  - remembered on and settled (allowed, trusted, or on the first time the guard ever
    looked), or nothing remembered: reported once, as a ``detected`` event with no
    incident, and remembered as settled.
* **off again**: the engine is told (an incident waiting only on it ends).

The memory is written only when it changes, whole or not at all (``files.write_atomic``).
Deleting it ("kill ScamGuard, delete this file") only turns a warning at the next start into
the once-only report; a switch turned on while the guard watches is always an incident.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from guard import files
from guard.engine.engine import Engine
from guard.platform.remote_switches import Switch, SwitchAdapter
from guard.sigdb.model import ToolSignature
from guard.state.events import EventKind, GuardEvent

INTERVAL = 2.0
MEMORY_FILE = "remote-switches.json"
MAX_MEMORY_BYTES = 64 * 1024

# What the memory says about a switch.
OFF = "off"
ON_SETTLED = "on"  # on, and the person has decided (or it was on the first time we looked)
ON_PENDING = "on-pending"  # on, waiting for the person's decision (or a switch-off failed)


class RemoteSwitches:
    """Looks at the OS switches and tells the engine when one is turned on or off."""

    def __init__(
        self,
        adapter: SwitchAdapter,
        engine: Engine,
        tools: Callable[[], Mapping[str, ToolSignature]],
        *,
        memory: Path | None = None,
        interval: float = INTERVAL,
    ):
        self.adapter = adapter
        self.engine = engine
        self.tools = tools  # the signature index in use (an update may replace it)
        self.memory_path = memory
        self.interval = interval
        self._by_id: dict[str, Switch] = {s.id: s for s in adapter.switches}
        self._last: dict[str, bool] = {}  # the state at the last look, per switch
        self._memory: dict[str, str] = {}  # read at start, so a problem reaches listeners
        self._said: set[str] = set()  # problems already reported (once each)
        self._lock = threading.Lock()  # looks: the thread's and a test's or start's
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="remote-switches", daemon=True)
        self.started = False

    # --- running ---

    def start(self) -> None:
        """Look once now (what is on at start is reported before the guard says it started),
        then every ``interval`` on the thread; listens for allowances to remember them."""
        self.engine.add_listener(self._on_event)
        with self._lock:
            self._memory = self._read_memory()
        self.check()
        self._thread.start()
        self.started = True

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        if self._thread.ident is not None:
            self._thread.join(timeout)
        self.engine.remove_listener(self._on_event)

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self.check()
            except Exception as exc:  # never let a look stop the guard
                self.engine.problem(f"looking at remote-access settings failed ({exc!r})")

    # --- one look ---

    def check(self) -> None:
        """Read every switch and act on what changed since the last look."""
        with self._lock:
            try:
                states, problems = self.adapter.read()
            except Exception as exc:  # an adapter's surprise: one line, and carry on
                states, problems = {}, [f"remote-access settings could not be read ({exc!r})"]
            for line in problems:
                if line not in self._said:
                    self._said.add(line)
                    self.engine.problem(line)
            memory_before = dict(self._memory)
            for switch_id, on in states.items():
                switch = self._by_id.get(switch_id)
                if switch is None:
                    continue
                first = switch_id not in self._last
                was = self._last.get(switch_id)
                self._last[switch_id] = on
                if not on:
                    self._memory[switch_id] = OFF
                    if was:
                        self.engine.switch_gone(switch)
                elif first:
                    self._on_at_start(switch)
                elif not was:
                    self._turned_on(switch, "turned-on")
            if self._memory != memory_before:
                self._write_memory()

    def _on_at_start(self, switch: Switch) -> None:
        remembered = self._memory.get(switch.id)
        if remembered == OFF:
            self._turned_on(switch, "while-not-watching")
        elif remembered == ON_PENDING:
            self._turned_on(switch, "still-on")
        elif remembered != ON_SETTLED:  # never looked before: reported once, no warning
            self._memory[switch.id] = ON_SETTLED
            tool = self.tools().get(switch.tool_id)
            self.engine.note_event(
                GuardEvent(
                    EventKind.DETECTED,
                    f"{switch.title} is switched on (it was on when ScamGuard first looked)",
                    tool=switch.tool_id,
                    tool_name=tool.name if tool else None,
                    data={"switch": switch.id, "how": "on-at-first-start"},
                    time=self.engine.clock(),
                )
            )

    def _turned_on(self, switch: Switch, how: str) -> None:
        tool = self.tools().get(switch.tool_id)
        if tool is None:
            line = f"{switch.title} was switched on, but the signatures in use do not know it"
            if line not in self._said:
                self._said.add(line)
                self.engine.problem(line)
            return
        self._memory[switch.id] = ON_PENDING
        self.engine.switch_seen(switch, tool, how)

    # --- the person's decision, remembered ---

    def _on_event(self, event: GuardEvent, _view: Any) -> None:
        """Trust in settings settles a tool's switches that are on: the next start does not
        warn about them again. An allowance from the warning does not (it always ends: at
        the next start a setting still on is a warning again), and a setting whose allowance
        ran out is undecided again."""
        if event.tool is None:
            return
        if event.kind == EventKind.ALLOWED and event.data.get("scope") == "trusted":
            state = ON_SETTLED
        elif event.kind == EventKind.DETECTED and event.data.get("how") == "still-on":
            state = ON_PENDING
        else:
            return
        with self._lock:
            changed = False
            for switch in self._by_id.values():
                if switch.tool_id == event.tool and self._last.get(switch.id):
                    changed |= self._memory.get(switch.id) != state
                    self._memory[switch.id] = state
            if changed:
                self._write_memory()

    # --- memory ---

    def _read_memory(self) -> dict[str, str]:
        if self.memory_path is None:
            return {}
        try:
            if self.memory_path.stat().st_size > MAX_MEMORY_BYTES:
                raise ValueError("too large")
            data = json.loads(self.memory_path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as exc:
            self.engine.problem(
                f"what ScamGuard remembered about remote-access settings could not be read "
                f"({self.memory_path.name}: {exc}); starting afresh"
            )
            return {}
        if not isinstance(data, dict):
            return {}
        known = (OFF, ON_SETTLED, ON_PENDING)
        return {str(k): v for k, v in data.items() if k in self._by_id and v in known}

    def _write_memory(self) -> None:
        if self.memory_path is None:
            return
        data = json.dumps(self._memory, sort_keys=True).encode("utf-8")
        try:
            files.write_atomic(self.memory_path, data)
        except OSError as exc:
            line = f"what ScamGuard saw of remote-access settings could not be saved ({exc})"
            if line not in self._said:
                self._said.add(line)
                self.engine.problem(line)

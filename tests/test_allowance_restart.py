"""An allowance survives a restart of the guard: the allowed tool keeps running, is not
called "just started", and its time limit still holds."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import psutil

from guard import clock
from guard.engine.allowances import SavedAllowance, saved_allowances
from guard.engine.engine import Engine
from guard.engine.incidents import AllowScope, IncidentView
from guard.engine.quarantine import Quarantine
from guard.identify.identifier import Identifier
from tests.conftest import Spawner
from tests.guard_rig import Rig, is_stopped
from tests.helpers import wait_for


def _allow_then_restart(identifier: Identifier, spawn: Spawner, scope: str) -> tuple[Rig, int]:
    tool = spawn.start("anydesk")
    first = Rig(identifier, spawn.root).start()
    try:
        frozen = first.wait_event("frozen", pid=tool.pid)
        first.engine.allow(frozen.incident or "", AllowScope.parse(scope))
        wait_for(lambda: not is_stopped(tool.pid), message="running under the allowance")
    finally:
        first.stop()  # the tray restarted (an update, a kill and its supervisor)
    second = Rig(identifier, spawn.root).start()
    return second, tool.pid


def test_an_allowance_for_an_hour_survives_a_restart(
    identifier: Identifier, spawn: Spawner
) -> None:
    rig, pid = _allow_then_restart(identifier, spawn, "1h")
    try:
        restored = rig.wait_event("allowed")
        assert restored.data["restored"] is True and restored.data["scope"] == "for"
        rig.engine.housekeeping()
        assert not rig.matching("frozen") and not rig.matching("detected")
        assert not is_stopped(pid)
        [view] = rig.engine.incidents()
        assert view.state == "allowed" and view.allow == "for 1 hour"
        assert view.allow_expires is not None
        left = view.allow_expires - restored.time
        assert 3500 < left <= 3600  # the same hour, not a new one
    finally:
        rig.stop()


def test_until_it_closes_survives_a_restart_and_still_ends_when_it_closes(
    identifier: Identifier, spawn: Spawner
) -> None:
    rig, pid = _allow_then_restart(identifier, spawn, "until-closed")
    try:
        rig.wait_event("allowed", where=lambda e: e.data.get("restored") is True)
        assert not rig.matching("frozen")
        psutil.Process(pid).kill()
        rig.wait_event("ended", timeout=5)
    finally:
        rig.stop()


def _row(kind: str, incident: str = "i1", **data: object) -> dict[str, object]:
    return {"kind": kind, "incident": incident, "tool": "anydesk", "time": "x", "data": data}


def test_only_open_allowances_are_restored() -> None:
    at = clock.now()
    given = {
        "scope": "for",
        "seconds": 3600.0,
        "expires": (at + dt.timedelta(hours=1)).isoformat(),
        "allowed_at": at.isoformat(),
        "members": [[10, 1.0]],
    }
    rows = [
        _row("allowed", "i1", **given),
        _row("allowed", "i2", **given),
        _row("frozen", "i2"),  # frozen again since: over
        _row("allowed", "i3", **{**given, "scope": "trusted"}),  # trust is a setting
        _row("allowed", "i4", **{**given, "members": "nonsense"}),  # unreadable: ignored
    ]
    [saved] = saved_allowances(rows)
    assert saved.incident == "i1" and saved.members == ((10, 1.0),)
    assert saved.expires - saved.allowed_at == 3600


def test_a_run_out_forged_or_other_allowance_is_not_restored(
    identifier: Identifier, spawn: Spawner, tmp_path: Path
) -> None:
    tool = spawn.start("anydesk")
    started = wait_for(lambda: psutil.Process(tool.pid).create_time())
    anydesk = identifier.index.tools["anydesk"]

    def restore(allowed_at: float, expires: float, start: float) -> IncidentView | None:
        engine = Engine(Quarantine(tmp_path / "q"))
        try:
            saved = SavedAllowance(
                "x1", "anydesk", "for", 3600, allowed_at, expires, ((tool.pid, start),)
            )
            return engine.restore_allowance(saved, anydesk)
        finally:
            engine.close()

    now = time.time()
    assert restore(now - 7200, now - 3600, started) is None  # ran out while it was down
    assert restore(now - 60, now + 60, started + 5) is None  # another start on that pid
    view = restore(now - 60, now + 10 * 86400, started)  # edited to last ten days
    assert view is not None and view.allow_expires is not None
    assert view.allow_expires <= now - 60 + 24 * 3600  # never past 24 h from when given

"""The operating system's own remote-access switches (issue 14): turned on while the guard
watches, on at start, switched off by "Remove", left on by "Allow".

Real where it can be here: a real live guard (journal, engine, events), the real Linux
adapter over a temp ``systemd/user`` folder with real links, and a real copy of the server
program. Faked only what cannot exist on Linux or must never be touched: the Windows registry
(a dict behind the ``_winapi`` functions the adapter calls), launchd's record and
``launchctl``, and ``systemctl`` (never the real user's systemd).
"""

from __future__ import annotations

import json
import os
import plistlib
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from guard.engine.incidents import AllowScope
from guard.identify.identifier import Identifier
from guard.platform.remote_switches import (
    TS_KEY,
    LinuxSwitches,
    MacSwitches,
    SwitchAdapter,
    WindowsSwitches,
    parse_print_disabled,
)
from guard.state import paths
from guard.state.events import GuardEvent
from guard.watch.remote_switches import MEMORY_FILE
from tests.conftest import Spawner
from tests.guard_rig import Rig, is_stopped
from tests.helpers import not_on_windows, wait_for

GRD = "gnome-remote-desktop.service"
VINO = "vino-server.service"


class Watched(Rig):
    """A live guard confined to a temp folder, watching the switches through ``adapter``."""

    def __init__(self, identifier: Identifier, root: Path, adapter: SwitchAdapter):
        super().__init__(identifier, root, switches=adapter)
        assert self.guard.switches is not None
        self.guard.switches.interval = 0.02  # look often: the tests wait on what it sees

    def start(self) -> Watched:
        super().start()
        return self

    def wait_event(self, kind: str, **fields: Any) -> GuardEvent:  # type: ignore[override]
        """The latest such event (a switch turned on again is a second one)."""
        return wait_for(
            lambda: (hits := self.matching(kind, **fields)) and hits[-1],
            message=f"a {kind} event {fields}; saw {[e.message for e in self.events]}",
        )

    def pending(self) -> list[Any]:
        return self.engine.incidents(pending_only=True)


def memory() -> dict[str, str]:
    return json.loads((paths.state_dir() / MEMORY_FILE).read_text(encoding="utf-8"))


# --- Linux: the user unit, for real in a temp folder ----------------------------------------


class FakeSystemctl:
    """``systemctl --user`` as far as the guard uses it: ``disable`` removes the unit's
    links (what the real one does). ``broken``: it cannot be run at all (no user bus)."""

    def __init__(self, unit_dir: Path, broken: bool = False):
        self.unit_dir = unit_dir
        self.broken = broken
        self.calls: list[list[str]] = []

    def __call__(self, argv: Sequence[str]) -> tuple[int, str]:
        self.calls.append(list(argv))
        if self.broken:
            raise FileNotFoundError(2, "No such file or directory", "systemctl")
        assert argv[:3] == ["systemctl", "--user", "disable"], argv
        for link in links(self.unit_dir, argv[-1]):
            link.unlink()
        return 0, f"Removed {argv[-1]}.\n"


def links(unit_dir: Path, unit: str = GRD) -> list[Path]:
    """The unit's enabling links (dangling here: the unit file is not installed)."""
    wants = [d / unit for d in unit_dir.iterdir() if d.name.endswith(".wants")]
    return [link for link in wants if os.path.lexists(link)]


def enable(unit_dir: Path, unit: str = GRD) -> None:
    """What ``systemctl --user enable`` (or GNOME Settings' switch) leaves behind."""
    wants = unit_dir / "default.target.wants"
    wants.mkdir(parents=True, exist_ok=True)
    (wants / unit).symlink_to(f"/usr/lib/systemd/user/{unit}")


@pytest.fixture
def unit_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    config = tmp_path / "config"
    monkeypatch.setenv("XDG_CONFIG_HOME", str(config))  # never the real user's systemd
    folder = config / "systemd" / "user"
    folder.mkdir(parents=True)
    return folder


@pytest.fixture
def linux(identifier: Identifier, spawn: Spawner, unit_dir: Path) -> Iterator[Watched]:
    systemctl = FakeSystemctl(unit_dir)
    w = Watched(identifier, spawn.root, LinuxSwitches(unit_dir, run=systemctl))
    w.systemctl = systemctl  # type: ignore[attr-defined]
    w.start()
    yield w
    w.stop()


@not_on_windows("systemd user units")
def test_enabling_the_user_unit_is_an_incident_and_remove_disables_it(
    linux: Watched, unit_dir: Path
) -> None:
    """The caller's "open Settings, turn on Remote Desktop": the warning for GNOME Remote
    Desktop; "Remove" disables the unit (through systemctl --user) and the link is gone."""
    assert not linux.pending()
    enable(unit_dir)
    event = linux.wait_event("detected", tool="gnome-remote-desktop")
    assert event.incident is not None and "was switched on" in event.message
    [view] = linux.pending()
    assert view.switches[0]["switch"] == GRD and view.switches[0]["state"] == "on"
    linux.engine.block(view.id)
    blocked = linux.wait_event("blocked", incident=view.id)
    assert blocked.data["switched_off"] == [GRD]
    assert linux.systemctl.calls == [  # type: ignore[attr-defined]
        ["systemctl", "--user", "disable", "--now", GRD]
    ]
    assert not links(unit_dir)
    assert linux.engine.incident(view.id).switches[0]["state"] == "off"
    wait_for(lambda: memory().get(GRD) == "off", message="remembered off")

    # "The warning was wrong, turn it back on": a new warning, not a quiet note.
    enable(unit_dir)
    again = wait_for(
        lambda: [e for e in linux.matching("detected", tool="gnome-remote-desktop")][1:],
        message="a second detection",
    )[0]
    assert again.incident not in (None, view.id)
    assert [v.id for v in linux.pending()] == [again.incident]


@not_on_windows("systemd user units")
def test_the_server_program_joins_the_switch_and_remove_ends_it(
    linux: Watched, unit_dir: Path, spawn: Spawner
) -> None:
    """Enabled and started: the server is frozen in the same incident (one warning), and
    "Remove" ends it as well as switching the unit off. (Vino: GNOME's own newer daemon is
    not matched by name, it runs in ordinary sessions; test_builtin_remote_tools.py.)"""
    enable(unit_dir, VINO)
    first = linux.wait_event("detected", tool="vino")
    daemon = spawn.start("vino-server")
    frozen = linux.wait_event("frozen", tool="vino")
    assert frozen.incident == first.incident and daemon.pid in frozen.data["pids"]
    wait_for(lambda: is_stopped(daemon.pid), message="the daemon frozen")
    assert len(linux.pending()) == 1
    assert first.incident is not None
    linux.engine.block(first.incident)
    blocked = linux.wait_event("blocked", incident=first.incident)
    assert daemon.pid in blocked.data["killed"] and blocked.data["switched_off"] == [VINO]
    wait_for(lambda: daemon.poll() is not None, message="the daemon ended")


@not_on_windows("systemd user units")
def test_switched_off_by_the_person_ends_the_warning(linux: Watched, unit_dir: Path) -> None:
    enable(unit_dir)
    event = linux.wait_event("detected", tool="gnome-remote-desktop")
    (unit_dir / "default.target.wants" / GRD).unlink()
    ended = linux.wait_event("ended", incident=event.incident)
    assert "switched off" in ended.message
    assert not linux.pending()


@not_on_windows("systemd user units")
def test_an_allowance_leaves_it_on_for_that_long_only(
    identifier: Identifier, spawn: Spawner, unit_dir: Path
) -> None:
    """ "Press Allow, it's the bank's secure line": the setting stays on for the time
    allowed, then it is a warning again (the caller cannot come back that night unseen),
    and an allowance is never remembered as a decision for the next start."""
    systemctl = FakeSystemctl(unit_dir)
    first = Watched(identifier, spawn.root, LinuxSwitches(unit_dir, run=systemctl)).start()
    try:
        enable(unit_dir)
        event = first.wait_event("detected", tool="gnome-remote-desktop")
        assert event.incident is not None
        view = first.engine.allow(event.incident, AllowScope.parse("1s"))
        assert view.switches[0]["state"] == "left-on"
        again = wait_for(
            lambda: [
                e
                for e in first.matching("detected", incident=event.incident)
                if e.data.get("how") == "still-on"
            ],
            timeout=10,
            message="the warning back when the time is up",
        )[0]
        assert "The time allowed ran out" in again.message and "still switched on" in again.message
        assert [v.id for v in first.pending()] == [event.incident]
        assert first.engine.incident(event.incident).switches[0]["state"] == "on"
        wait_for(lambda: memory().get(GRD) == "on-pending", message="undecided again")
    finally:
        first.stop()
    assert systemctl.calls == [] and links(unit_dir)
    second = Watched(identifier, spawn.root, LinuxSwitches(unit_dir, run=systemctl)).start()
    try:
        event = second.wait_event("detected", tool="gnome-remote-desktop")
        assert "still switched on" in event.message and second.pending()
    finally:
        second.stop()


@not_on_windows("systemd user units")
def test_trust_in_settings_leaves_it_on_and_the_next_start_does_not_warn_again(
    identifier: Identifier, spawn: Spawner, unit_dir: Path
) -> None:
    systemctl = FakeSystemctl(unit_dir)
    first = Watched(identifier, spawn.root, LinuxSwitches(unit_dir, run=systemctl)).start()
    first.engine.trusted = lambda: frozenset({"gnome-remote-desktop"})  # as settings would say
    try:
        enable(unit_dir)
        first.wait_event("allowed", tool="gnome-remote-desktop")
        wait_for(lambda: memory().get(GRD) == "on", message="the trust remembered")
    finally:
        first.stop()
    second = Watched(identifier, spawn.root, LinuxSwitches(unit_dir, run=systemctl)).start()
    try:
        assert second.guard.switches is not None
        second.guard.switches.check()
        assert not second.pending()
    finally:
        second.stop()


@not_on_windows("systemd user units")
def test_turned_on_while_the_guard_was_not_running_is_a_warning_at_the_next_start(
    identifier: Identifier, spawn: Spawner, unit_dir: Path
) -> None:
    """ "Close ScamGuard first, then turn it on": the guard remembers it was off."""
    adapter = LinuxSwitches(unit_dir, run=FakeSystemctl(unit_dir))
    Watched(identifier, spawn.root, adapter).start().stop()
    assert memory() == {GRD: "off", "vino-server.service": "off"}
    enable(unit_dir)
    w = Watched(identifier, spawn.root, adapter).start()
    try:
        event = w.wait_event("detected", tool="gnome-remote-desktop")
        assert "while ScamGuard was not watching" in event.message
        assert [v.id for v in w.pending()] == [event.incident]
    finally:
        w.stop()


@not_on_windows("systemd user units")
def test_a_warning_left_open_when_the_guard_stopped_comes_back(
    identifier: Identifier, spawn: Spawner, unit_dir: Path
) -> None:
    """ "Kill ScamGuard while the warning is up": at the next start it is still on and still
    undecided, so the warning comes back."""
    adapter = LinuxSwitches(unit_dir, run=FakeSystemctl(unit_dir))
    first = Watched(identifier, spawn.root, adapter).start()
    try:
        enable(unit_dir)
        first.wait_event("detected", tool="gnome-remote-desktop")
    finally:
        first.stop()
    assert memory()[GRD] == "on-pending"
    second = Watched(identifier, spawn.root, adapter).start()
    try:
        event = second.wait_event("detected", tool="gnome-remote-desktop")
        assert "still switched on" in event.message and event.incident is not None
    finally:
        second.stop()


@not_on_windows("systemd user units")
def test_on_at_the_first_start_is_reported_once_without_a_warning(
    identifier: Identifier, spawn: Spawner, unit_dir: Path
) -> None:
    enable(unit_dir)
    adapter = LinuxSwitches(unit_dir, run=FakeSystemctl(unit_dir))
    w = Watched(identifier, spawn.root, adapter).start()
    try:
        event = w.wait_event("detected", tool="gnome-remote-desktop")
        assert event.incident is None and "when ScamGuard first looked" in event.message
        assert not w.pending()
    finally:
        w.stop()
    again = Watched(identifier, spawn.root, adapter).start()
    try:
        assert again.guard.switches is not None
        again.guard.switches.check()
        assert not again.matching("detected")
    finally:
        again.stop()


@not_on_windows("systemd user units")
def test_without_systemctl_remove_takes_the_links_away_itself(
    identifier: Identifier, spawn: Spawner, unit_dir: Path
) -> None:
    """A guard with no user session bus (or no systemctl): "disable" is removing the links,
    which the person owns, so the guard does that."""
    systemctl = FakeSystemctl(unit_dir, broken=True)
    w = Watched(identifier, spawn.root, LinuxSwitches(unit_dir, run=systemctl)).start()
    try:
        enable(unit_dir)
        event = w.wait_event("detected", tool="gnome-remote-desktop")
        assert event.incident is not None
        w.engine.block(event.incident)
        blocked = w.wait_event("blocked", incident=event.incident)
        assert blocked.data["switched_off"] == [GRD] and systemctl.calls
        assert not links(unit_dir)
    finally:
        w.stop()


# --- Windows: the registry, faked behind the _winapi functions ----------------------------


class FakeRegistry:
    """``registry_get(path, name, machine=True)`` and ``registry_set_machine_dword``, as
    ``_winapi`` has them, over a dict; ``admin`` False refuses writes as Windows does."""

    def __init__(self, values: dict[tuple[str, str], int], admin: bool = True):
        self.values = dict(values)
        self.admin = admin
        self.lock = threading.Lock()

    def registry_get(self, path: str, name: str, *, machine: bool = False) -> str | None:
        assert machine
        with self.lock:
            value = self.values.get((path, name))
        return None if value is None else str(value)

    def registry_set_machine_dword(self, path: str, name: str, value: int) -> None:
        if not self.admin:
            raise PermissionError(13, "Access is denied")
        with self.lock:
            self.values[(path, name)] = value

    def set(self, name: str, value: int) -> None:  # the caller's "reg add ..."
        with self.lock:
            self.values[(TS_KEY, name)] = value


def test_remote_desktop_turned_on_in_the_registry_is_an_incident(
    identifier: Identifier, tmp_path: Path
) -> None:
    """``reg add "HKLM\\...\\Terminal Server" /v fDenyTSConnections /d 0``: the warning for
    Windows Remote Desktop; "Remove" writes 1 back. Remote Assistance, on by default on
    Windows, is only reported once at the first start."""
    registry = FakeRegistry({(TS_KEY, "fDenyTSConnections"): 1, (TS_KEY, "fAllowToGetHelp"): 1})
    w = Watched(identifier, tmp_path, WindowsSwitches(registry)).start()
    try:
        note = w.wait_event("detected", tool="windows-remote-assistance")
        assert note.incident is None and not w.pending()
        registry.set("fDenyTSConnections", 0)
        event = w.wait_event("detected", tool="windows-remote-desktop")
        assert event.incident is not None and event.tool_name == "Windows Remote Desktop"
        w.engine.block(event.incident)
        w.wait_event("blocked", incident=event.incident)
        assert registry.values[(TS_KEY, "fDenyTSConnections")] == 1
        assert not w.pending()
    finally:
        w.stop()


def test_without_administrator_rights_remove_says_what_to_do(
    identifier: Identifier, tmp_path: Path
) -> None:
    """The guard runs as the person, who may not be an administrator: the switch stays on,
    and the incident and the journal say in one line why and what to do instead."""
    registry = FakeRegistry({(TS_KEY, "fDenyTSConnections"): 1}, admin=False)
    w = Watched(identifier, tmp_path, WindowsSwitches(registry)).start()
    try:
        registry.set("fDenyTSConnections", 0)
        event = w.wait_event("detected", tool="windows-remote-desktop")
        assert event.incident is not None
        w.engine.block(event.incident)
        error = w.wait_event("error", incident=event.incident)
        assert "\n" not in error.message
        assert "needs an administrator" in error.message and "Settings" in error.message
        view = w.engine.incident(event.incident)
        assert view.state == "blocked" and view.switches[0]["state"] == "failed"
        assert error.message in view.problems
        assert registry.values[(TS_KEY, "fDenyTSConnections")] == 0
        assert w.wait_event("blocked", incident=event.incident).data["switched_off"] == []
        assert memory()["windows-remote-desktop"] == "on-pending"  # warned again next start
    finally:
        w.stop()


def test_a_policy_value_wins_over_the_setting() -> None:
    policy = r"SOFTWARE\Policies\Microsoft\Windows NT\Terminal Services"
    registry = FakeRegistry({(TS_KEY, "fDenyTSConnections"): 1, (policy, "fDenyTSConnections"): 0})
    adapter = WindowsSwitches(registry)
    assert adapter.read()[0]["windows-remote-desktop"] is True
    adapter.switch_off("windows-remote-desktop")
    assert adapter.read()[0]["windows-remote-desktop"] is False


# --- macOS: launchd's record and launchctl, faked ----------------------------------------


def test_screen_sharing_enabled_in_launchd_is_an_incident(
    identifier: Identifier, tmp_path: Path
) -> None:
    """Turning Screen Sharing on records com.apple.screensharing as enabled in launchd's
    disabled.plist. Never run on a Mac: the file's place, its format and launchctl's
    answers come from Apple's documentation and public reports."""
    record = tmp_path / "disabled.plist"
    record.write_bytes(plistlib.dumps({"com.apple.screensharing": True}))
    calls: list[list[str]] = []

    def launchctl(argv: Sequence[str]) -> tuple[int, str]:
        calls.append(list(argv))
        return 1, "Could not disable service: 1: Operation not permitted\n"

    w = Watched(identifier, tmp_path / "only", MacSwitches(record, run=launchctl)).start()
    try:
        assert not w.matching("detected")
        record.write_bytes(plistlib.dumps({"com.apple.screensharing": False, "x.y": True}))
        event = w.wait_event("detected", tool="macos-screen-sharing")
        assert event.incident is not None
        w.engine.block(event.incident)
        error = w.wait_event("error", incident=event.incident)
        assert "needs an administrator" in error.message and "System Settings" in error.message
        assert calls == [["launchctl", "disable", "system/com.apple.screensharing"]]
    finally:
        w.stop()


def test_launchctl_print_disabled_is_read_in_both_spellings() -> None:
    text = (
        'disabled services = {\n\t"com.apple.screensharing" => enabled\n'
        '\t"com.apple.RemoteDesktop.agent" => true\n\t"com.apple.ftpd" => false\n}\n'
    )
    assert parse_print_disabled(text) == {
        "com.apple.screensharing": False,
        "com.apple.RemoteDesktop.agent": True,
        "com.apple.ftpd": False,
    }


def test_launchctl_is_asked_only_when_the_record_cannot_be_read(tmp_path: Path) -> None:
    asked: list[list[str]] = []

    def launchctl(argv: Sequence[str]) -> tuple[int, str]:
        asked.append(list(argv))
        return 0, '"com.apple.RemoteDesktop.agent" => enabled\n'

    now = [100.0]
    adapter = MacSwitches(tmp_path / "missing.plist", run=launchctl, clock=lambda: now[0])
    states, problems = adapter.read()
    assert states == {"com.apple.screensharing": False, "com.apple.RemoteDesktop.agent": True}
    assert problems == []
    adapter.read()
    assert len(asked) == 1  # not a process every look
    now[0] += 11
    adapter.read()
    assert len(asked) == 2


def test_a_damaged_memory_is_one_line_and_starts_afresh(
    identifier: Identifier, tmp_path: Path
) -> None:
    (paths.state_dir() / MEMORY_FILE).write_text("{not json", encoding="utf-8")
    registry = FakeRegistry({(TS_KEY, "fDenyTSConnections"): 1})
    w = Watched(identifier, tmp_path, WindowsSwitches(registry)).start()
    try:
        error = w.wait_event("error")
        assert MEMORY_FILE in error.message and "\n" not in error.message
        wait_for(lambda: memory().get("windows-remote-desktop") == "off", message="rewritten")
    finally:
        w.stop()


@not_on_windows("systemd user units in each person's home: Linux desktops only")
def test_the_service_sees_a_sharing_unit_any_person_enabled_and_switches_it_off_for_all(
    tmp_path: Path,
) -> None:
    from guard.platform.remote_switches import EveryonesLinuxSwitches

    homes = [tmp_path / "ann", tmp_path / "bob"]
    for home in homes:
        (home / ".config" / "systemd" / "user" / "default.target.wants").mkdir(parents=True)
    link = homes[1] / ".config/systemd/user/default.target.wants/gnome-remote-desktop.service"
    link.symlink_to("/usr/lib/systemd/user/gnome-remote-desktop.service")
    adapter = EveryonesLinuxSwitches(lambda: homes)
    assert adapter.read()[0] == {
        "gnome-remote-desktop.service": True,
        "vino-server.service": False,
    }
    adapter.switch_off("gnome-remote-desktop.service")
    assert not os.path.lexists(link)
    assert adapter.read()[0]["gnome-remote-desktop.service"] is False

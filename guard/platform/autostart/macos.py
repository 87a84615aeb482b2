"""macOS: a LaunchAgent plist in ``~/Library/LaunchAgents`` (see the package's docstring)."""

from __future__ import annotations

import os
import plistlib
from collections.abc import Sequence
from pathlib import Path

from guard.platform.autostart.common import (
    check_command,
    home_dir,
    move_aside,
    read_small,
    remove,
    write_atomic,
)

LAUNCH_AGENT_LABEL = "uk.co.scamguard.tray"
# The installer's agent for every user (packaging/macos/uk.co.scamguard.agent.plist).
MACHINE_AGENT = Path("/Library/LaunchAgents/uk.co.scamguard.agent.plist")


class LaunchAgentAutostart:
    """``~/Library/LaunchAgents/uk.co.scamguard.tray.plist``: launchd loads every agent in
    that folder into each GUI login. The ``Label`` is the ownership mark (a reverse-DNS
    label in our domain); a file under our name with another label, or that is not a plist,
    is someone else's and is moved aside, never deleted.

    Writing the plist takes effect at the next login; nothing calls ``launchctl`` (the tray
    is already running when the box is ticked). Not handled yet: on macOS 13+ the person
    can switch the agent off in System Settings > Login Items, which this cannot see, and
    a signed app should move to ``SMAppService`` with the plist inside the bundle.
    """

    def __init__(self, home: str | Path | None = None, machine_agent: Path = MACHINE_AGENT):
        base = Path(home) if home is not None else home_dir(os.environ)
        self.path = base / "Library" / "LaunchAgents" / f"{LAUNCH_AGENT_LABEL}.plist"
        self.machine_agent = machine_agent

    def is_enabled(self) -> bool:
        job = self._read()
        if not job or job.get("Label") != LAUNCH_AGENT_LABEL or job.get("Disabled") is True:
            return False
        argv = job.get("ProgramArguments")
        return job.get("RunAtLoad") is True and isinstance(argv, list) and bool(argv)

    def enable(self, command: Sequence[str]) -> None:
        argv = check_command(command)
        job = self._read()
        if job is not None and job.get("Label") != LAUNCH_AGENT_LABEL:
            move_aside(self.path)
        plist = {
            "Label": LAUNCH_AGENT_LABEL,
            "ProgramArguments": argv,
            "RunAtLoad": True,
            # Started again if it is killed or crashes (a caller may ask for Force Quit),
            # but not after Quit in its menu, which asks first and exits 0.
            "KeepAlive": {"SuccessfulExit": False},
            "ThrottleInterval": 10,
            # Supervised: a second copy waits for the first instead of exiting 0 (ui.cli).
            "EnvironmentVariables": {"SCAMGUARD_SUPERVISED": "1"},
            "ProcessType": "Interactive",  # a UI app: no background throttling
            "LimitLoadToSessionType": "Aqua",  # GUI logins only, not ssh sessions
        }
        write_atomic(self.path, plistlib.dumps(plist, fmt=plistlib.FMT_XML))

    def disable(self) -> None:
        job = self._read()
        if job is None:
            return
        if job.get("Label") == LAUNCH_AGENT_LABEL:
            remove(self.path)
        else:
            move_aside(self.path)

    def describe(self) -> str:
        return f"LaunchAgent {self.path}"

    def for_everyone(self) -> str:
        return str(self.machine_agent) if self.machine_agent.is_file() else ""

    def _read(self) -> dict[str, object] | None:
        """The plist's top-level dict; ``None`` if there is no file, ``{}`` if unparseable."""
        raw = read_small(self.path)
        if raw is None:
            return None
        try:
            job = plistlib.loads(raw)
        except (plistlib.InvalidFileException, ValueError, TypeError, OverflowError):
            return {}
        return job if isinstance(job, dict) else {}

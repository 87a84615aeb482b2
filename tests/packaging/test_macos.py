"""The macOS pieces that can be checked on Linux: the LaunchDaemon that runs the service
(issue 15) and the LaunchAgent that runs the tray parse as property lists and name the
programs the .pkg installs; the .pkg scripts load both. Nothing here runs launchd: the .pkg
has never been installed on a Mac (packaging/README.md)."""

from __future__ import annotations

import plistlib
import subprocess
from pathlib import Path

import pytest

from tests.conftest import REPO

MACOS = REPO / "packaging" / "macos"
DAEMON = MACOS / "uk.co.scamguard.service.plist"
AGENT = MACOS / "uk.co.scamguard.agent.plist"
APP = "/Applications/ScamGuard.app"
SERVICE_PROGRAM = f"{APP}/Contents/Helpers/scamguard-service/scamguard-service"


def _load(path: Path) -> dict:
    with path.open("rb") as f:
        return plistlib.load(f)


def test_the_launch_daemon_runs_the_service_as_root_and_keeps_it_running():
    daemon = _load(DAEMON)
    assert daemon["Label"] == DAEMON.stem == "uk.co.scamguard.service"
    assert daemon["ProgramArguments"] == [SERVICE_PROGRAM, "service", "run"]
    assert daemon["RunAtLoad"] is True
    assert daemon["KeepAlive"] is True  # however it ends, not only on failure
    assert "UserName" not in daemon and "GroupName" not in daemon  # root
    assert "LimitLoadToSessionType" not in daemon  # the system domain, not a login
    assert daemon["AssociatedBundleIdentifiers"] == ["uk.co.scamguard"]


def test_the_launch_agent_still_runs_the_tray_in_every_login():
    agent = _load(AGENT)
    assert agent["ProgramArguments"] == [f"{APP}/Contents/MacOS/scamguard-tray"]
    assert agent["Label"] != _load(DAEMON)["Label"]


def test_the_build_puts_the_service_where_the_daemon_runs_it():
    build = (MACOS / "build.sh").read_text()
    assert 'SERVICE_IN_APP="$APP/Contents/Helpers/scamguard-service"' in build
    assert 'ditto "$SERVICE_BUILD" "$SERVICE_IN_APP"' in build
    assert "uk.co.scamguard.service.plist" in build  # shipped with the .pkg's scripts


def test_the_package_scripts_load_the_daemon_and_stop_it_before_an_upgrade():
    post = (MACOS / "scripts" / "postinstall").read_text()
    assert "DAEMON_LABEL=uk.co.scamguard.service" in post
    assert 'install -m 644 -o root -g wheel "$HERE/$DAEMON_FILE"' in post
    assert 'launchctl bootstrap system "/Library/LaunchDaemons/$DAEMON_FILE"' in post
    pre = (MACOS / "scripts" / "preinstall").read_text()
    assert 'launchctl bootout "system/$DAEMON_LABEL"' in pre


@pytest.mark.parametrize("script", ["scripts/preinstall", "scripts/postinstall", "build.sh"])
def test_the_shell_scripts_parse(script: str):
    result = subprocess.run(["sh", "-n", str(MACOS / script)], capture_output=True, text=True,
                            check=False)  # fmt: skip
    assert result.returncode == 0, result.stderr

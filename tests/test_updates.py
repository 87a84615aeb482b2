"""Signed updates end to end: real keys, a real feed published by the CLI, a real HTTP
server on 127.0.0.1, and the client refusing each kind of bad update with its own reason
while the data in use stays exactly as it was."""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import hashlib
import http.server
import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import pytest

from guard import cli, clock
from guard.database import load_active
from guard.identify.identifier import Identifier
from guard.identify.index import SignatureIndex
from guard.providers.active import load_active_profiles
from guard.state import paths
from guard.updates import client, installed, keys, profile_record
from guard.updates.manifest import canonical, parse
from guard.updates.publish import Request, publish
from tests.conftest import run_cli
from tests.guard_rig import Rig, is_stopped
from tests.helpers import ON_WINDOWS, not_on_windows, tool_toml, wait_for

# Every date in these tests comes from the machine's clock, as the client's own checks do
# (guard/clock.py): publishing "now" and checking "now" always agree, whatever the calendar
# says. ``make test-future`` runs the suite with the clock a year ahead to prove it.
NOW = clock.now().replace(microsecond=0)


class FeedHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the feed folder; ``behaviour`` (per path) makes it misbehave on purpose."""

    behaviour: ClassVar[dict[str, object]] = {}

    def log_message(self, *_args: object) -> None:
        pass

    def do_GET(self) -> None:
        path = self.path.lstrip("/")
        rule = self.behaviour.get(path)
        if isinstance(rule, int):
            self.send_error(rule)
            return
        if rule == "trickle":  # one byte at a time, each inside the per-read timeout
            self.send_response(200)
            self.send_header("Content-Length", "1000")
            self.end_headers()
            for _ in range(1000):
                if self.server.hung.wait(0.2):  # type: ignore[attr-defined]
                    return
                try:
                    self.wfile.write(b" ")
                    self.wfile.flush()
                except OSError:
                    return
            return
        if rule == "trickle headers":  # the status line itself, one byte at a time
            head = b"HTTP/1.0 200 OK\r\nX-Padding: " + b"x" * 80 + b"\r\n\r\n{}"
            for byte in head:
                if self.server.hung.wait(0.05):  # type: ignore[attr-defined]
                    return
                try:
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
                except OSError:
                    return
            return
        if rule == "hang":
            self.server.hung.wait(30)  # type: ignore[attr-defined]
            return
        if isinstance(rule, str) and rule.startswith("redirect:"):
            self.send_response(302)
            self.send_header("Location", rule.removeprefix("redirect:"))
            self.end_headers()
            return
        if rule == "429":
            self.send_response(429)
            self.send_header("Retry-After", "3600")
            self.end_headers()
            return
        if rule == "etag":  # a CDN that answers 304 to a matching If-None-Match
            data = (Path(self.directory) / path).read_bytes()
            tag = '"' + hashlib.sha256(data).hexdigest()[:16] + '"'
            self.behaviour.setdefault("asked", []).append(self.headers.get("If-None-Match"))  # type: ignore[union-attr]
            if self.headers.get("If-None-Match") == tag:
                self.send_response(304)
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("ETag", tag)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
            return
        if isinstance(rule, bytes):
            self.send_response(200)
            self.send_header("Content-Length", str(len(rule)))
            self.end_headers()
            self.wfile.write(rule)
            return
        super().do_GET()


@pytest.fixture
def feed_server(tmp_path: Path) -> Iterator[tuple[str, Path, dict[str, object]]]:
    folder = tmp_path / "feed"
    folder.mkdir()
    behaviour: ClassVar[dict[str, object]] = {}
    handler = type("Handler", (FeedHandler,), {"behaviour": behaviour})
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(handler, directory=str(folder))
    )
    server.hung = threading.Event()  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", folder, behaviour
    finally:
        server.hung.set()  # type: ignore[attr-defined]
        server.shutdown()
        server.server_close()


@pytest.fixture
def keyring(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    """Private keys, and a trusted folder pinning the content and profile keys: the app under
    test pins them too (as a release does its built-in keys), so the guard's own re-check of
    an installed update, at every load, uses the keys the update was checked with."""
    private = tmp_path / "private"
    trusted = tmp_path / "trusted"
    made = {}
    for name, role in (("content-1", "content"), ("profile-1", "profile"), ("stranger", None)):
        key, pub = keys.generate(name, private)
        made[name] = key
        if role:
            (trusted / role).mkdir(parents=True, exist_ok=True)
            shutil.copy(pub, trusted / role / pub.name)
    made["trusted"] = trusted
    monkeypatch.setattr(keys, "builtin_keys_dir", lambda: trusted)
    return made


@pytest.fixture
def sources(tmp_path: Path) -> tuple[Path, Path]:
    """A copy of the shipped signatures and profiles to publish from."""
    tools = tmp_path / "src" / "db"
    shutil.copytree(paths.builtin_signatures_dir() / "tools", tools / "tools")
    shutil.copy(paths.builtin_signatures_dir() / "database.toml", tools / "database.toml")
    providers = tmp_path / "src" / "providers"
    shutil.copytree(paths.builtin_signatures_dir() / "providers", providers)
    return tools, providers


def _publish(
    keyring, sources, feed: Path, version: int, now: dt.datetime = NOW, **changes: object
) -> None:
    tools, providers = sources
    request = Request(
        tools=tools,
        providers=providers,
        content_key=keyring["content-1"],
        profile_key=keyring["profile-1"],
        version=version,
        expires_days=7,
        channel="stable",
        rollout=100,
        out=feed,
    )
    publish(Request(**{**request.__dict__, **changes}), now=now)


def _edit(sources: tuple[Path, Path], note: str = "edited") -> None:
    """New content, so a new version is a real update (not a heartbeat re-sign)."""
    path = sources[0] / "tools" / "rustdesk.toml"
    path.write_text(path.read_text().replace('description = "', f'description = "{note}: ', 1))


def _update(url: str, keyring, **kw: object) -> client.Outcome:
    return client.update(url, trusted=keyring["trusted"], now=NOW, **kw)


def _installed_files() -> dict[str, bytes]:
    folder = paths.installed_signatures_dir()
    if not folder.is_dir():
        return {}
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_a_good_update_installs_and_is_what_the_guard_loads(feed_server, keyring, sources):
    url, feed, _ = feed_server
    tools, _providers = sources
    (tools / "tools" / "anydesk.toml").write_text(
        (tools / "tools" / "anydesk.toml")
        .read_text()
        .replace('description = "', 'description = "Updated: ')
    )
    _publish(keyring, sources, feed, version=2)
    outcome = _update(url, keyring)
    assert outcome.status == "installed" and outcome.version == 2
    active = load_active()
    assert active.origin == "installed update" and installed.version_in_use() == 2
    anydesk = next(t for t in active.signatures.tools if t.id == "anydesk")
    assert anydesk.description.startswith("Updated: ")
    assert _update(url, keyring).status == "current"  # the same version again: nothing to do
    assert installed.read_state()["version"] == 2


def _rejected(url, keyring, reason: str, **kw: object) -> None:
    before = _installed_files()
    with pytest.raises(client.Rejected, match=reason):
        _update(url, keyring, **kw)
    assert _installed_files() == before  # the data in use is untouched


def _install_v2(feed_server, keyring, sources) -> tuple[str, Path, dict[str, object]]:
    url, feed, behaviour = feed_server
    _publish(keyring, sources, feed, version=2)
    assert _update(url, keyring).status == "installed"
    return url, feed, behaviour


def _manifest(feed: Path) -> dict:
    return json.loads((feed / "manifest.json").read_bytes())


def test_tampered_manifest_is_refused(feed_server, keyring, sources):
    url, feed, _ = _install_v2(feed_server, keyring, sources)
    _publish(keyring, sources, feed, version=3)
    doc = _manifest(feed)
    doc["rollout"] = 99
    (feed / "manifest.json").write_bytes(canonical(doc))
    _rejected(url, keyring, "signature does not verify")


def test_tampered_bundle_is_refused(feed_server, keyring, sources):
    url, feed, _ = _install_v2(feed_server, keyring, sources)
    _edit(sources)
    _publish(keyring, sources, feed, version=3)
    path = feed / _manifest(feed)["files"]["tools"]["path"]
    data = bytearray(path.read_bytes())
    data[100] ^= 1
    path.write_bytes(bytes(data))
    _rejected(url, keyring, "does not match the manifest's sha256")


def test_a_manifest_signed_by_an_unknown_key_is_refused(feed_server, keyring, sources, tmp_path):
    url, feed, _ = _install_v2(feed_server, keyring, sources)
    forged = tmp_path / "forged"  # an attacker's own feed, copied over the real one
    _publish(keyring, sources, forged, version=3, content_key=keyring["stranger"])
    shutil.copytree(forged, feed, dirs_exist_ok=True)
    _rejected(url, keyring, "signed by an unknown key")
    # Publishing on top of a feed that is not ours (or was tampered with) is refused too.
    with pytest.raises(Exception, match="not signed by this content key"):
        _publish(keyring, sources, feed, version=4)


def test_rollback_and_replay_are_refused(feed_server, keyring, sources, tmp_path):
    url, feed, _ = _install_v2(feed_server, keyring, sources)
    old = tmp_path / "old-feed"
    shutil.copytree(feed, old)  # a genuine, signed version 2, kept by an attacker
    _edit(sources)
    _publish(keyring, sources, feed, version=3)
    assert _update(url, keyring).status == "installed"
    shutil.rmtree(feed)
    shutil.copytree(old, feed)  # replay the old signed manifest and bundles
    _rejected(url, keyring, "older than the installed 3")


def test_an_expired_manifest_is_refused_and_detection_goes_on(feed_server, keyring, sources):
    url, feed, _ = _install_v2(feed_server, keyring, sources)
    _publish(keyring, sources, feed, version=3, expires_days=1)
    later = NOW + dt.timedelta(days=2)
    before = _installed_files()
    with pytest.raises(client.Rejected, match="expired"):
        client.update(url, trusted=keyring["trusted"], now=later)
    assert _installed_files() == before
    assert installed.version_in_use() == 2  # still guarding with the last good data


def test_wrong_product_or_channel_is_refused(feed_server, keyring, sources):
    url, feed, _ = _install_v2(feed_server, keyring, sources)
    _publish(keyring, sources, feed, version=3)
    _rejected(url, keyring, "channel", channel="beta")
    doc = _manifest(feed)
    doc["product"] = "otherguard"
    body = canonical(doc)
    signature = keys.signature_file(
        [keys.sign(keys.load_private(keyring["content-1"]), "manifest", body)]
    )
    (feed / "manifest.json").write_bytes(body)
    (feed / "manifest.json.sig").write_bytes(signature)
    _rejected(url, keyring, "not 'scamguard'")


def test_oversized_manifest_and_overlong_bundle_are_refused(feed_server, keyring, sources):
    url, feed, behaviour = _install_v2(feed_server, keyring, sources)
    _edit(sources)
    _publish(keyring, sources, feed, version=3)
    behaviour["manifest.json"] = b"{" + b" " * (70 * 1024) + b"}"
    _rejected(url, keyring, "more than the 65536 allowed")
    del behaviour["manifest.json"]
    path = _manifest(feed)["files"]["tools"]["path"]
    behaviour[path] = (feed / path).read_bytes() + b"x" * 10  # longer than declared
    _rejected(url, keyring, "more than the|longer than")


def test_a_truncated_download_is_refused(feed_server, keyring, sources):
    url, feed, behaviour = _install_v2(feed_server, keyring, sources)
    _edit(sources)
    _publish(keyring, sources, feed, version=3)
    path = _manifest(feed)["files"]["providers"]["path"]
    behaviour[path] = (feed / path).read_bytes()[:-20]
    _rejected(url, keyring, "not the .* the manifest says")


def test_a_server_that_hangs_times_out(feed_server, keyring, sources, monkeypatch):
    url, _feed, behaviour = _install_v2(feed_server, keyring, sources)
    behaviour["manifest.json"] = "hang"
    fetcher = functools.partial(client.Fetcher, timeout=0.5)
    _rejected(url, keyring, "could not be reached", fetcher=fetcher)


def test_http_errors_and_too_many_requests_are_refused(feed_server, keyring, sources):
    url, _feed, behaviour = _install_v2(feed_server, keyring, sources)
    behaviour["manifest.json"] = 503
    _rejected(url, keyring, "HTTP 503")
    behaviour["manifest.json"] = "429"
    _rejected(url, keyring, "asked to wait")
    assert installed.read_state()["retry_after"]


def test_malformed_json_is_refused_even_when_signed(feed_server, keyring, sources):
    url, feed, _ = _install_v2(feed_server, keyring, sources)
    body = b"{not json"
    signature = keys.signature_file(
        [keys.sign(keys.load_private(keyring["content-1"]), "manifest", body)]
    )
    (feed / "manifest.json").write_bytes(body)
    (feed / "manifest.json.sig").write_bytes(signature)
    _rejected(url, keyring, "not valid JSON")


def _resign(feed: Path, keyring, doc: dict) -> None:
    body = canonical(doc)
    signature = keys.signature_file(
        [keys.sign(keys.load_private(keyring["content-1"]), "manifest", body)]
    )
    (feed / "manifest.json").write_bytes(body)
    (feed / "manifest.json.sig").write_bytes(signature)


def _serve_signed(feed: Path, keyring, doc: dict, name: str, data: bytes) -> None:
    """Put ``data`` in the feed as payload ``name`` of version 3, signed by the real content
    key: what someone holding only that key could publish."""
    sha = hashlib.sha256(data).hexdigest()
    path = f"bundles/{name}-{sha}.json" + (".sig" if name == "providers_sig" else "")
    (feed / path).write_bytes(data)
    doc["files"][name] = {"path": path, "sha256": sha, "length": len(data)}
    doc["version"] = 3
    _resign(feed, keyring, doc)


def test_a_bundle_that_fails_validation_is_refused(feed_server, keyring, sources):
    """Signed by the real content key, but it names explorer.exe: the test-load refuses."""
    url, feed, _ = _install_v2(feed_server, keyring, sources)
    doc = _manifest(feed)
    tools = feed / doc["files"]["tools"]["path"]
    bundle = json.loads(tools.read_bytes())
    bundle["files"]["anydesk.toml"] = bundle["files"]["anydesk.toml"].replace(
        'windows = ["AnyDesk.exe"', 'windows = ["explorer.exe", "AnyDesk.exe"'
    )
    _serve_signed(feed, keyring, doc, "tools", canonical(bundle))
    _rejected(url, keyring, "fail validation")


def test_profiles_signed_only_by_the_content_key_are_refused(feed_server, keyring, sources):
    url, feed, _ = _install_v2(feed_server, keyring, sources)
    doc = _manifest(feed)
    providers = (feed / doc["files"]["providers"]["path"]).read_bytes()
    forged = profile_record.make(
        keys.load_private(keyring["content-1"]),
        "stable",
        99,
        hashlib.sha256(providers).hexdigest(),
        NOW,
    )
    _serve_signed(feed, keyring, doc, "providers_sig", forged)
    _rejected(url, keyring, "not signed by a trusted profile key")


def test_the_content_key_alone_cannot_bring_older_phone_numbers_back(feed_server, keyring, sources):
    """Old profiles stay validly signed for ever; the signed record's version floor is what
    stops a stolen content key pointing a new manifest at them."""
    url, feed, _ = _install_v2(feed_server, keyring, sources)  # profiles version 1
    old = _manifest(feed)["files"]
    providers = sources[1]
    sky = providers / "sky.toml"
    sky.write_text(sky.read_text().replace('name = "Sky"', 'name = "Sky Broadband"'))
    _publish(keyring, sources, feed, version=3)  # profiles version 2
    assert _update(url, keyring).status == "installed"
    assert installed.profiles_version_in_use("stable") == 2
    assert installed.profiles_version_in_use("beta") == 0  # each channel counts its own
    doc = _manifest(feed)
    doc["files"]["providers"], doc["files"]["providers_sig"] = (
        old["providers"],
        old["providers_sig"],
    )
    doc["version"] = 4
    _resign(feed, keyring, doc)
    _rejected(url, keyring, "older phone numbers must never come back")


def test_installed_profiles_are_used_only_while_their_signature_checks(
    feed_server, keyring, sources, monkeypatch
):
    url, feed, _ = feed_server
    _tools, providers = sources
    path = providers / "sky.toml"
    path.write_text(path.read_text().replace('name = "Sky"', 'name = "Sky Broadband"'))
    _publish(keyring, sources, feed, version=2)
    assert _update(url, keyring).status == "installed"
    # The app checks installed profiles against its own built-in profile keys.
    monkeypatch.setattr(keys, "builtin_keys_dir", lambda: keyring["trusted"])
    loaded, problems = load_active_profiles()
    assert problems == [] and loaded.get("sky").name == "Sky Broadband"
    # A number changed in the unpacked copy (malware, a coached edit) is never read: the
    # profiles are built from the signed bundle's own bytes.
    sky = paths.installed_signatures_dir() / "providers" / "sky.toml"
    sky.write_text(sky.read_text().replace("03442 414 141", "03442 414 142"))
    loaded, problems = load_active_profiles()
    assert problems == [] and loaded.get("sky").numbers[0].number == "03442 414 141"
    # The signed bundle itself changed: its signature fails and the built-in ones are used.
    bundle = paths.installed_signatures_dir() / "providers.json"
    bundle.write_bytes(bundle.read_bytes().replace(b"03442 414 141", b"03442 414 142"))
    loaded, problems = load_active_profiles()
    assert loaded.get("sky").name == "Sky"  # the built-in profiles
    assert "signature does not check" in str(problems[0])


def test_publish_refuses_a_version_not_higher_and_carries_profiles_forward(
    feed_server, keyring, sources
):
    _url, feed, _ = feed_server
    _publish(keyring, sources, feed, version=2)
    with pytest.raises(Exception, match="not higher than the feed's current version 2"):
        _publish(keyring, sources, feed, version=2)
    first = parse((feed / "manifest.json").read_bytes())
    # The daily heartbeat: the content key alone, the signed profiles carried forward.
    _publish(keyring, sources, feed, version=3, providers=None, profile_key=None)
    heartbeat = parse((feed / "manifest.json").read_bytes())
    assert heartbeat.files["providers"] == first.files["providers"]
    assert heartbeat.files["providers_sig"] == first.files["providers_sig"]


def test_cli_publish_and_update(feed_server, keyring, sources):
    url, feed, _ = feed_server
    tools, providers = sources
    published = run_cli(
        "feed", "publish", "--tools", str(tools), "--providers", str(providers),
        "--content-key", str(keyring["content-1"]), "--profile-key", str(keyring["profile-1"]),
        "--version", "5", "--out", str(feed),
    )  # fmt: skip
    assert published.returncode == 0, published.stderr
    assert "Published version 5" in published.stdout
    done = run_cli("update", "--feed", url, "--trusted-keys", str(keyring["trusted"]), "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["status"] == "installed"
    refused = run_cli("update", "--feed", url)  # the built-in keys do not know these keys
    assert refused.returncode == 3
    assert len(refused.stderr.splitlines()) == 1
    insecure = run_cli("update", "--feed", "http://example.com/feed")
    assert insecure.returncode == 2 and "https://" in insecure.stderr


def test_a_running_guard_switches_to_an_update_without_a_restart(
    feed_server, keyring, sources, spawn
):
    """A tool only the update knows is frozen by a guard started before the update."""
    url, feed, _ = feed_server
    tools, _providers = sources
    (tools / "tools" / "newrat.toml").write_text(
        tool_toml("newrat", "NewRAT", extra="[names]\nlinux = ['newrat']\n")
    )
    live = Identifier(SignatureIndex(load_active().signatures), os_name="linux", env={})
    assert not live.identify_name("newrat").tool
    rig = Rig(live, spawn.root).start()
    try:
        _publish(keyring, sources, feed, version=2)
        assert _update(url, keyring).status == "installed"
        rig.wait_event("update", timeout=10)
        tool = spawn.start("newrat")
        rig.wait_event("frozen", pid=tool.pid, timeout=10)
        assert is_stopped(tool.pid)
    finally:
        rig.stop()


KILL_SCRIPT = """
import os, signal, sys
from pathlib import Path
from guard.updates import client, installed
calls = {"n": 0}
real = os.replace
def die():
    # The power goes: no finally, no atexit, no flush.
    if sys.platform == "win32":
        import ctypes
        this_process = ctypes.c_void_p(-1)  # GetCurrentProcess()'s pseudo-handle
        ctypes.windll.kernel32.TerminateProcess(this_process, 9)
    os.kill(os.getpid(), signal.SIGKILL)
def replace(src, dst):
    calls["n"] += 1
    if calls["n"] == int(sys.argv[3]):
        die()  # mid-swap
    return real(src, dst)
os.replace = replace
client.update(sys.argv[1], trusted=Path(sys.argv[2]))
"""


@pytest.mark.parametrize("kill_at", [1, 2, 3, 4])
def test_killed_during_the_swap_it_has_the_old_or_the_new_data_never_a_mix(
    feed_server, keyring, sources, kill_at, monkeypatch
):
    url, feed, _ = _install_v2(feed_server, keyring, sources)
    tools, _providers = sources
    (tools / "tools" / "newrat.toml").write_text(
        tool_toml("newrat", "NewRAT", extra="[names]\nlinux = ['newrat']\n")
    )
    _publish(keyring, sources, feed, version=3)
    result = subprocess.run(
        [sys.executable, "-c", KILL_SCRIPT, url, str(keyring["trusted"]), str(kill_at)],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    # os.replace runs 4 times in an update: the new version folder into place, the pointer,
    # state.json (version, files), state.json (the result). Killed just before each one.
    # Killed: by SIGKILL (-9), or on Windows by TerminateProcess with exit code 9.
    assert result.returncode == (9 if ON_WINDOWS else -9), result.stderr
    active = load_active()  # the guard starting again
    assert active.warning == "", active.warning
    ids = {t.id for t in active.signatures.tools}
    if installed.version_in_use() == 3:
        assert "newrat" in ids and kill_at >= 3  # killed after the pointer moved
    else:
        assert installed.version_in_use() == 2 and "newrat" not in ids
    monkeypatch.setattr(keys, "builtin_keys_dir", lambda: keyring["trusted"])
    loaded, problems = load_active_profiles()  # the installed profiles, checked and complete
    assert problems == [] and len(loaded) >= 11
    # The version in use is what rollback protection counts from, whatever state.json says.
    assert client.installed_version() == installed.version_in_use()
    # And the next update completes whatever was interrupted.
    assert _update(url, keyring).status == ("current" if kill_at >= 3 else "installed")
    assert installed.version_in_use() == 3


def test_the_tray_checks_the_installed_feed_and_shows_out_of_date(
    qtbot, feed_server, keyring, sources, tmp_path
):
    from guard.live import GuardOptions
    from guard.state import machine_config as config
    from ui.app import AppOptions, TrayApp

    url, feed, _ = feed_server
    _publish(keyring, sources, feed, version=2, expires_days=1)
    machine = config.machine_dir()
    machine.mkdir(parents=True)
    (machine / "config.json").write_text(
        json.dumps({"update_feed": url, "trusted_keys": str(keyring["trusted"])})
    )
    app = TrayApp(AppOptions(guard=GuardOptions(default_folders=False, only_under=tmp_path),
                             use_tray=False))  # fmt: skip
    qtbot.addWidget(app.status_window)
    app.start()
    try:
        qtbot.waitUntil(lambda: app.running, timeout=10_000)
        with qtbot.waitSignal(app.update_done, timeout=30_000) as done:
            app.check_updates(quiet=True)
        assert done.args[1] is True and "installed version 2" in done.args[0]
        assert app.database.origin == "installed update" and installed.version_in_use() == 2
        assert app.status().state == "protected"
        # The feed is not re-signed in time: still guarding, but the tray says so.
        state = installed.read_state()
        installed.write_state(expires="2000-01-01T00:00:00+00:00")
        app._refresh()
        assert app.status().state == "outdated"
        installed.write_state(expires=state["expires"])
    finally:
        app.stop("test finished")


def test_a_staged_rollout_reaches_an_install_only_once_it_covers_its_bucket(
    feed_server, keyring, sources
):
    url, feed, _ = feed_server
    bucket = client.rollout_bucket(client.install_id())
    _publish(keyring, sources, feed, version=2, rollout=bucket)  # just below this install
    outcome = _update(url, keyring)
    assert outcome.status == "deferred" and outcome.details == {"bucket": bucket, "offered": 2}
    assert load_active().origin == "built-in"
    _publish(keyring, sources, feed, version=3, rollout=bucket + 1, providers=None,
             profile_key=None)  # fmt: skip
    assert _update(url, keyring).status == "installed"
    # The bucket is fixed per install (a stable hash of its id), and spread over 0-99.
    buckets = {client.rollout_bucket(f"install-{n}") for n in range(400)}
    assert len(buckets) > 90 and client.rollout_bucket("x") == client.rollout_bucket("x")


def test_a_heartbeat_re_sign_downloads_nothing_and_extends_the_expiry(
    feed_server, keyring, sources
):
    url, feed, _ = _install_v2(feed_server, keyring, sources)
    folder = paths.installed_signatures_dir()
    before = installed.read_state()["expires"]
    _publish(keyring, sources, feed, version=3, providers=None, profile_key=None, expires_days=14)
    outcome = _update(url, keyring)
    assert outcome.status == "current"
    assert paths.installed_signatures_dir() == folder  # nothing new installed
    state = installed.read_state()
    assert state["version"] == 3 and state["expires"] > before
    assert client.installed_version() == 3  # a replay of version 2 is now refused


def test_other_trusted_keys_need_a_test_home(keyring):
    """A caller could dictate --trusted-keys and a feed of their own; on a real install (no
    SCAMGUARD_HOME) the option is refused before anything is fetched."""
    refused = run_cli(
        "update", "--feed", "https://feed.example/scamguard",
        "--trusted-keys", str(keyring["trusted"]), env={"SCAMGUARD_HOME": ""},
    )  # fmt: skip
    assert refused.returncode == 2 and "only for staging and tests" in refused.stderr


def test_a_redirect_to_an_address_the_client_would_refuse_is_refused(feed_server, keyring, sources):
    url, _feed, behaviour = _install_v2(feed_server, keyring, sources)
    port = url.rsplit(":", 1)[1]
    behaviour["manifest.json"] = f"redirect:http://127.1:{port}/manifest.json"
    _rejected(url, keyring, "redirected to a refused address")
    behaviour["manifest.json"] = f"redirect:ftp://127.0.0.1:{port}/manifest.json"
    _rejected(url, keyring, "redirected to a refused address")


def test_a_signature_file_nested_too_deep_is_refused_not_a_crash(feed_server, keyring, sources):
    url, _feed, behaviour = _install_v2(feed_server, keyring, sources)
    behaviour["manifest.json.sig"] = b"[" * 3000
    _rejected(url, keyring, "malformed signature file")


def test_an_unchanged_manifest_is_not_downloaded_again(feed_server, keyring, sources):
    url, feed, behaviour = feed_server
    behaviour["manifest.json"] = "etag"
    _publish(keyring, sources, feed, version=2)
    assert _update(url, keyring).status == "installed"
    assert _update(url, keyring).status == "current"  # answered 304: nothing read or parsed
    asked = behaviour["asked"]
    assert asked[0] is None and asked[1] is not None  # the second check sent If-None-Match
    _edit(sources)
    _publish(keyring, sources, feed, version=3)
    assert _update(url, keyring).status == "installed"  # a new ETag: fetched and installed


def test_a_trickling_server_is_cut_off(feed_server, keyring, sources, monkeypatch):
    url, _feed, behaviour = _install_v2(feed_server, keyring, sources)
    behaviour["manifest.json"] = "trickle"
    monkeypatch.setattr(client, "TOTAL_TIMEOUT", 1.0)
    _rejected(url, keyring, "took longer than 1 s")


@pytest.mark.parametrize("slow", ["manifest.json", "manifest.json.sig"])
def test_a_server_trickling_its_status_line_is_cut_off_by_one_deadline(
    feed_server, keyring, sources, slow
):
    """The server accepts the connection and sends its status line and headers one byte at
    a time, each well inside the per-read timeout (so no socket timeout ever fires). One
    deadline for the whole check (every request, headers included) still ends it: one plain
    line, the data in use untouched, and no thread of the client's left behind."""
    url, _feed, behaviour = _install_v2(feed_server, keyring, sources)
    _edit(sources)
    _publish(keyring, sources, _feed, version=3)
    behaviour[slow] = "trickle headers"
    before, threads = _installed_files(), set(threading.enumerate())
    with pytest.raises(client.Rejected) as refused:
        _update(url, keyring, time_limit=1.0)
    assert str(refused.value) == f"{slow}: the download took longer than 1 s"
    assert _installed_files() == before and installed.version_in_use() == 2
    assert installed.read_state()["last_result"] == f"refused: {refused.value}"
    left = [t for t in set(threading.enumerate()) - threads if t.is_alive()]
    assert all("process_request" in t.name for t in left), left  # only the server's own


def test_a_computer_held_back_by_a_rollout_is_not_out_of_date(feed_server, keyring, sources):
    url, feed, _ = _install_v2(feed_server, keyring, sources)
    later = NOW + dt.timedelta(days=10)  # past version 2's expiry
    _edit(sources)
    bucket = client.rollout_bucket(client.install_id())
    _publish(keyring, sources, feed, version=3, rollout=bucket, now=later)
    outcome = client.update(url, trusted=keyring["trusted"], now=later)
    assert outcome.status == "deferred"
    assert client.out_of_date(later) == ""  # the feed is alive, just not for us yet


def test_a_damaged_install_is_repaired_by_the_same_version(feed_server, keyring, sources):
    url, _feed, _ = _install_v2(feed_server, keyring, sources)
    (paths.installed_signatures_dir() / "tools" / "anydesk.toml").write_text("not = [valid")
    assert load_active().origin == "built-in"  # the guard falls back at once
    assert _update(url, keyring).status == "installed"  # and the check puts it right
    assert load_active().origin == "installed update"


def test_only_an_installed_feed_caps_how_far_versions_jump(feed_server, keyring, sources):
    url, feed, _ = feed_server
    _publish(keyring, sources, feed, version=1500)  # a fresh computer: any first version
    assert _update(url, keyring).status == "installed"
    _edit(sources)
    _publish(keyring, sources, feed, version=2400)  # +900 from the installed feed: fine
    assert _update(url, keyring).status == "installed"


@not_on_windows("the service's Unix socket; the Windows pipe has its own tests")
def test_the_service_checks_the_feed_when_asked_and_guards_with_the_update(
    feed_server, keyring, sources, tmp_path
):
    """With the guard service, updates are its own: a window's "Check for updates" asks it,
    it installs into its own state folder and switches to the new data without a restart."""
    from guard.state import machine_config as config
    from tests.test_service import ServiceProcess

    url, feed, _ = feed_server
    _publish(keyring, sources, feed, version=2)
    machine = config.machine_dir()
    machine.mkdir(parents=True)
    (machine / "config.json").write_text(
        json.dumps({"update_feed": url, "trusted_keys": str(keyring["trusted"])})
    )
    service = ServiceProcess("--only-under", str(tmp_path))
    try:
        service.wait_event("started", timeout=20)
        client = wait_for(_connected, timeout=10, message="the service's socket")
        with contextlib.closing(client):
            answer = client.request("update", timeout=60)
        assert answer["ok"] is True and "installed version 2" in answer["message"]
        service.wait_event("update", origin="installed update", timeout=10)  # switched
        installed_dir = Path(os.environ[paths.ENV_HOME]) / "service" / "updates"
        assert (installed_dir / "current").read_text().startswith("v2-")
    finally:
        service.stop(signal.SIGTERM)


def _connected():
    from guard.service.client import ServiceClient, ServiceUnavailable

    try:
        return ServiceClient.connect(timeout=1.0)
    except ServiceUnavailable:
        return None


def _provider_show_json(capsys: pytest.CaptureFixture[str]) -> str:
    """``scamguard provider show talktalk --json``, in this process (the keys the update
    was signed with are pinned here only)."""
    assert cli.main(["provider", "show", "talktalk", "--json"]) == 0
    return capsys.readouterr().out


def test_a_tray_that_follows_the_service_uses_the_update_the_service_installed(
    feed_server, keyring, sources, capsys
):
    """With the guard service, the service keeps the update schedule and installs into its
    own folder; the tray connected to it shows the warning. A corrected label (or number)
    published by support staff must reach that warning, not only the service."""
    url, feed, _ = feed_server
    tools, providers = sources
    anydesk = tools / "tools" / "anydesk.toml"
    anydesk.write_text(anydesk.read_text().replace('description = "', 'description = "New: ', 1))
    talktalk = providers / "talktalk.toml"
    talktalk.write_text(
        talktalk.read_text().replace(
            'label = "TalkTalk customer services"', 'label = "TalkTalk help, corrected"'
        )
    )
    _publish(keyring, sources, feed, version=2)
    paths.use_service_layout()  # install as the service does, into its own folder
    try:
        assert _update(url, keyring).status == "installed"
    finally:
        paths._SERVICE_LAYOUT.clear()
    assert (paths.service_state_root() / "updates" / "current").is_file()
    if not ON_WINDOWS:  # the trays run as other accounts: every file of it readable by all
        shared = paths.service_state_root() / "updates"
        assert {
            oct(stat.S_IMODE((shared / n).stat().st_mode)) for n in ("current", "state.json")
        } == {"0o644"}
        (shared / "current").chmod(0o600)  # as written before stop 25
        paths.use_service_layout()
        try:
            installed.share_with_everyone()  # what the service does as it starts
        finally:
            paths._SERVICE_LAYOUT.clear()
        assert stat.S_IMODE((shared / "current").stat().st_mode) == 0o644
        unreadable = [
            p
            for p in shared.rglob("*")
            if not p.name.startswith(".") and not p.stat().st_mode & 0o004
        ]
        assert unreadable == []

    def labels() -> list[str]:
        profiles, _problems = load_active_profiles()
        return [n.label for n in profiles.profiles["talktalk"].numbers]

    # A person's own process: its own (empty) state folder, so the built-in data.
    assert load_active().origin == "built-in" and "TalkTalk customer services" in labels()
    # A person's `provider show` where the service is installed: the numbers the warning
    # (the tray, following the service) shows, not their own never-updated copy.
    assert "TalkTalk help, corrected" not in _provider_show_json(capsys)
    (paths.service_state_root() / "health.json").write_text("{}")  # the service has run here
    assert "TalkTalk help, corrected" in _provider_show_json(capsys)
    paths.follow_service_updates(False)
    assert "TalkTalk help, corrected" not in labels()
    paths.follow_service_updates(True)  # what the tray does once the service is its guard
    try:
        active = load_active()
        assert active.origin == "installed update"
        assert next(t for t in active.signatures.tools if t.id == "anydesk").description.startswith(
            "New: "
        )
        assert "TalkTalk help, corrected" in labels()
        assert installed.version_in_use() == 2
    finally:
        paths.follow_service_updates(False)
    assert load_active().origin == "built-in"

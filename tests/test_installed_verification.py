"""An installed update is used only while it checks out against the pinned keys, re-checked
at every load: a folder someone copies into the state folder by hand (a caller's "fix" that
leaves the guard detecting nothing) is refused, the built-in database is used, and the
refusal is journalled, both when the guard starts and when a running guard switches over.

And the update path writes and reads bytes only, so a signature file with Windows line
endings installs byte for byte on Windows too."""

# The feed, keys and sources fixtures come from test_updates.py, imported by name.
# ruff: noqa: F811

from __future__ import annotations

import hashlib
import io
import json
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from guard.database import load_active
from guard.identify.identifier import Identifier
from guard.identify.index import SignatureIndex
from guard.state import journal, machine_config, paths
from guard.state.paths import journal_path
from guard.updates import bundles, client, installed, keys
from guard.updates.manifest import canonical
from tests.conftest import REPO
from tests.guard_rig import Rig, is_stopped
from tests.helpers import interrupt, wait_for
from tests.test_updates import (  # noqa: F401 - fixtures, found by name
    _install_v2,
    _publish,
    _update,
    feed_server,
    keyring,
    sources,
)

SHRUNK = ("teamviewer",)  # what a caller's hand-made "update" leaves the guard detecting


def _copy_install(name: str = "v90-0badc0de") -> Path:
    """A copy of the installed update's folder, as someone copying it by hand makes it, and
    the pointer moved to it: the structure a real install produces, before it is altered."""
    real = paths.installed_signatures_dir()
    assert real.is_dir()
    fake = installed.root() / name
    shutil.copytree(real, fake)
    return fake


def _point_at(folder: Path) -> None:
    (installed.root() / installed.POINTER).write_bytes(f"{folder.name}\n".encode())


def _shrink_tools(folder: Path) -> None:
    """Leave only SHRUNK in the unpacked tools: AnyDesk and the rest would go unnoticed."""
    for path in (folder / "tools").glob("*.toml"):
        if path.stem not in SHRUNK:
            path.unlink()


def _shrunk_bundle(folder: Path) -> bytes:
    texts = {p.name: p.read_bytes().decode() for p in (folder / "tools").glob("*.toml")}
    texts["database.toml"] = (folder / "database.toml").read_bytes().decode()
    return bundles.make("tools", texts)


def _no_signature(folder: Path, _keyring: dict[str, Path]) -> None:
    _shrink_tools(folder)
    (folder / installed.SIGNATURE_COPY).unlink()


def _only_tomls(folder: Path, _keyring: dict[str, Path]) -> None:
    """The crudest copy: a database folder and nothing else."""
    _shrink_tools(folder)
    for path in folder.iterdir():
        if path.is_file() and path.name != "database.toml":
            path.unlink()


def _tools_deleted(folder: Path, _keyring: dict[str, Path]) -> None:
    _shrink_tools(folder)  # the manifest and its signature are genuine, the files are not


def _bundle_replaced(folder: Path, _keyring: dict[str, Path]) -> None:
    _shrink_tools(folder)
    (folder / installed.TOOLS_BUNDLE).write_bytes(_shrunk_bundle(folder))


def _manifest_edited(folder: Path, _keyring: dict[str, Path]) -> None:
    """The manifest made to name the shrunk bundle; its genuine signature kept."""
    _bundle_replaced(folder, _keyring)
    data = (folder / installed.TOOLS_BUNDLE).read_bytes()
    doc = json.loads((folder / installed.MANIFEST_COPY).read_bytes())
    doc["files"]["tools"].update(sha256=hashlib.sha256(data).hexdigest(), length=len(data))
    (folder / installed.MANIFEST_COPY).write_bytes(canonical(doc))


def _signed_by_a_stranger(folder: Path, keyring: dict[str, Path]) -> None:
    """A whole, consistent update signed with the caller's own key."""
    _manifest_edited(folder, keyring)
    body = (folder / installed.MANIFEST_COPY).read_bytes()
    stranger = keys.load_private(keyring["stranger"])
    signature = keys.signature_file([keys.sign(stranger, "manifest", body)])
    (folder / installed.SIGNATURE_COPY).write_bytes(signature)


def _tool_added(folder: Path, _keyring: dict[str, Path]) -> None:
    shutil.copy(folder / "tools" / "anydesk.toml", folder / "tools" / "anydesk-2.toml")


HAND_MADE: dict[str, tuple[Callable[[Path, dict[str, Path]], None], str]] = {
    "signature dropped": (_no_signature, "has no signed manifest: manifest.json.sig is missing"),
    "only the toml files": (_only_tomls, "has no signed manifest: manifest.json is missing"),
    "tool files deleted": (_tools_deleted, r"tools/[a-z0-9-]+\.toml is missing"),
    "bundle replaced": (_bundle_replaced, r"tools\.json does not match the signed manifest"),
    "manifest edited": (_manifest_edited, "signature was refused: signature does not verify"),
    "signed by another key": (_signed_by_a_stranger, "signed by an unknown key"),
    "a tool file added": (_tool_added, "anydesk-2.toml is not part of the signed update"),
}


def _guarding_with_builtin(reason: str) -> None:
    active = load_active()
    assert active.origin == "built-in"
    assert "anydesk" in {t.id for t in active.signatures.tools}
    assert active.warning.startswith("the installed signature update was refused (")
    assert active.warning.endswith("); using the built-in one")
    assert "\n" not in active.warning
    assert re.search(reason, active.warning), active.warning


@pytest.mark.parametrize("how", list(HAND_MADE))
def test_an_update_folder_placed_by_hand_is_refused(feed_server, keyring, sources, how):
    """A real install first, then a copy of its folder altered the way a caller would have
    someone do it, with the pointer (and state.json) moved to it."""
    _install_v2(feed_server, keyring, sources)
    fake = _copy_install()
    alter, reason = HAND_MADE[how]
    alter(fake, keyring)
    _point_at(fake)
    installed.write_state(version=90)
    _guarding_with_builtin(reason)


def test_a_real_signed_install_still_loads(feed_server, keyring, sources):
    _install_v2(feed_server, keyring, sources)
    active = load_active()
    assert active.origin == "installed update" and active.warning == ""
    folder = paths.installed_signatures_dir()
    # What is kept beside it for the re-check: the manifest and signature the feed served.
    _url, feed, _ = feed_server
    assert (folder / installed.MANIFEST_COPY).read_bytes() == (feed / "manifest.json").read_bytes()
    assert (folder / installed.SIGNATURE_COPY).read_bytes() == (
        feed / "manifest.json.sig"
    ).read_bytes()
    # A copy of a genuine install, unchanged, is just as good (nothing in it was forged).
    _point_at(_copy_install())
    assert load_active().origin == "installed update"


def test_one_byte_changed_in_an_installed_file_is_refused(feed_server, keyring, sources):
    _install_v2(feed_server, keyring, sources)
    path = paths.installed_signatures_dir() / "tools" / "anydesk.toml"
    data = bytearray(path.read_bytes())
    at = data.index(b'linux = ["anydesk"]') + len(b'linux = ["anyde')
    data[at] = ord("x")  # "anydexk": still valid TOML, and AnyDesk would no longer match
    path.write_bytes(bytes(data))
    _guarding_with_builtin(r"tools/anydesk\.toml was changed after it was installed")
    # The same holds for a changed phone number in the unpacked profiles.
    path.write_bytes(bytes(data).replace(b"anydexk", b"anydesk"))
    assert load_active().origin == "installed update"
    sky = paths.installed_signatures_dir() / "providers" / "sky.toml"
    sky.write_bytes(sky.read_bytes().replace(b"03442 414 141", b"03442 414 142"))
    _guarding_with_builtin(r"providers/sky\.toml was changed after it was installed")


def test_the_next_update_repairs_a_refused_install(feed_server, keyring, sources):
    """An install the guard refuses is not "already up to date": the same version goes in
    again (this is also how installs made before the re-check existed get their manifest)."""
    url, _feed, _ = _install_v2(feed_server, keyring, sources)
    (paths.installed_signatures_dir() / installed.MANIFEST_COPY).unlink()
    assert load_active().origin == "built-in"
    assert _update(url, keyring).status == "installed"
    assert load_active().origin == "installed update"


def test_a_build_that_pins_no_keys_never_uses_an_installed_update(
    feed_server, keyring, sources, tmp_path, monkeypatch
):
    """A development build ships no keys: `update` refuses every feed there, and an update
    installed some other way (here: with --trusted-keys) can never pass the re-check."""
    _install_v2(feed_server, keyring, sources)
    empty = tmp_path / "no-keys"
    (empty / "content").mkdir(parents=True)
    monkeypatch.setattr(keys, "builtin_keys_dir", lambda: empty)
    _guarding_with_builtin("no trusted content key is pinned")


def test_the_installer_pins_keys_and_channel_for_the_re_check(feed_server, keyring, sources):
    """The machine config (admin-only; its ``trusted_keys`` is for staging) decides the keys,
    and its ``update_channel`` the only channel an installed update may be for."""
    _install_v2(feed_server, keyring, sources)
    machine_config.machine_dir().mkdir(parents=True)
    config = machine_config.machine_dir() / machine_config.CONFIG_FILE
    config.write_text(json.dumps({"update_channel": "beta"}))
    _guarding_with_builtin("it is for the 'stable' channel; this computer follows 'beta'")
    config.write_text(json.dumps({"update_channel": "stable"}))
    assert load_active().origin == "installed update"


def test_a_checked_install_is_preferred_to_the_built_in_database(
    feed_server, keyring, sources, tmp_path, monkeypatch
):
    """As since the final review of updates: a verified install is what the guard uses, even
    beside a shipped database that claims a higher version."""
    _install_v2(feed_server, keyring, sources)  # feed version 2
    shipped = tmp_path / "shipped"
    shutil.copytree(paths.builtin_signatures_dir(), shipped, ignore=shutil.ignore_patterns("keys"))
    monkeypatch.setattr(paths, "builtin_signatures_dir", lambda: shipped)
    meta = shipped / "database.toml"
    meta.write_text(meta.read_text().replace("version = 1", "version = 3"))
    active = load_active()
    assert (active.origin, active.warning) == ("installed update", "")


def test_a_running_guard_refuses_a_folder_switched_in_by_hand(feed_server, keyring, sources, spawn):
    """The guard is running on a real update; a hand-made folder lands and the pointer
    moves to it. The guard journals the refusal and keeps detecting AnyDesk."""
    _install_v2(feed_server, keyring, sources)
    live = Identifier(SignatureIndex(load_active().signatures), env={})
    rig = Rig(live, spawn.root).start()
    try:
        fake = _copy_install()
        _bundle_replaced(fake, keyring)
        _point_at(fake)
        refused = rig.wait_event(
            "error",
            timeout=10,
            where=lambda e: "installed signature update was refused" in e.message,
        )
        assert "tools.json does not match the signed manifest" in refused.message
        assert "\n" not in refused.message
        rig.wait_event("update", timeout=10, where=lambda e: e.data["origin"] == "built-in")
        assert live.identify_name("anydesk").tool is not None
        tool = spawn.start("anydesk")
        rig.wait_event("frozen", pid=tool.pid, timeout=10)
        assert is_stopped(tool.pid)
    finally:
        rig.stop()
    messages = [e["message"] for e in journal.read(journal_path(), limit=200)]
    assert any("installed signature update was refused" in m for m in messages)


@pytest.fixture
def hand_made_install(feed_server, keyring, sources) -> Path:
    _install_v2(feed_server, keyring, sources)
    fake = _copy_install()
    _no_signature(fake, keyring)
    _point_at(fake)
    return fake


def test_the_guard_started_on_a_hand_made_folder_journals_the_refusal(hand_made_install, tmp_path):
    """``scamguard watch`` (a real process, this build's own keys) starting with a hand-made
    folder in place: the reason is printed, and journalled with the guard's start."""
    watch = subprocess.Popen(
        [sys.executable, "-m", "guard", "watch", "--json", "--no-default-dirs",
         "--only-under", str(tmp_path)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO,
    )  # fmt: skip
    try:

        def journalled() -> list[dict[str, Any]]:
            try:
                events = journal.read(journal_path(), limit=50)
            except journal.JournalError:
                return []
            return events if any(e["kind"] == "started" for e in events) else []

        events = wait_for(journalled, timeout=30, message="the guard to start")
    finally:
        interrupt(watch)
        _out, err = watch.communicate(timeout=15)
    refusals = [e["message"] for e in events if e["kind"] == "error" and "refused" in e["message"]]
    assert refusals == [
        "the installed signature update was refused (it has no signed manifest: "
        "manifest.json.sig is missing); using the built-in one"
    ], [e["message"] for e in events]
    assert refusals[0] in err


# --- bytes, never text: Windows line endings survive the install --------------------------


@contextmanager
def _windows_text_writes() -> Iterator[list[str]]:
    """While inside, every text-mode write translates "\n" to "\r\n", as Python does on
    Windows, and is recorded: the update path must make none."""
    real_open = io.open
    text_writes: list[str] = []

    def windows_open(file: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        if "b" not in mode and any(m in mode for m in "wax+"):
            text_writes.append(str(file))
            kwargs["newline"] = "\r\n"
            args = args[:3]  # pathlib passes buffering, encoding, errors, newline by position
        return real_open(file, mode, *args, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(io, "open", windows_open)
        yield text_writes


def test_a_bundle_with_crlf_files_unpacks_byte_for_byte(tmp_path):
    crlf = (REPO / "signatures" / "tools" / "anydesk.toml").read_bytes().replace(b"\n", b"\r\n")
    meta = (REPO / "signatures" / "database.toml").read_bytes().replace(b"\n", b"\r\n")
    data = bundles.make("tools", {"database.toml": meta.decode(), "anydesk.toml": crlf.decode()})
    with _windows_text_writes() as text_writes:
        bundles.unpack("tools", data, tmp_path / "out")
    unpacked = tmp_path / "out" / "tools" / "anydesk.toml"
    assert hashlib.sha256(unpacked.read_bytes()).hexdigest() == hashlib.sha256(crlf).hexdigest()
    assert (tmp_path / "out" / "database.toml").read_bytes() == meta
    assert text_writes == []


def test_an_update_with_crlf_files_installs_byte_for_byte(feed_server, keyring, sources):
    """Published from files saved with Windows line endings, installed where text writes
    would translate them: the installed files are the signed ones, the guard accepts them."""
    url, feed, _ = feed_server
    tools, _providers = sources
    for path in [tools / "database.toml", *(tools / "tools").glob("*.toml")]:
        path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    _publish(keyring, sources, feed, version=2)
    with _windows_text_writes() as text_writes:
        assert _update(url, keyring).status == "installed"
    folder = paths.installed_signatures_dir()
    assert not [w for w in text_writes if Path(w).is_relative_to(installed.root())], text_writes
    anydesk = (folder / "tools" / "anydesk.toml").read_bytes()
    assert b"\r\n" in anydesk and b"\r\r\n" not in anydesk
    assert anydesk == (tools / "tools" / "anydesk.toml").read_bytes()
    manifest = json.loads((feed / "manifest.json").read_bytes())
    bundle = (folder / installed.TOOLS_BUNDLE).read_bytes()
    assert hashlib.sha256(bundle).hexdigest() == manifest["files"]["tools"]["sha256"]
    assert load_active().origin == "installed update"
    assert client.installed_version() == 2

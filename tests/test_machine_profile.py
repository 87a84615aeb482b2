"""An ISP's signed provider profile, installed for the whole computer (provider install).

Real keys, real files, the real CLI in a subprocess; the machine folder is the test's own
(SCAMGUARD_HOME/machine), pinned to the test's keys the way a staging install is.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import os
import shutil
import stat
import sys
from pathlib import Path

import pytest

from guard.providers import machine_profile, signed_file
from guard.providers.active import _with_machine_profile, load_active_profiles
from guard.state import machine_config, paths
from guard.updates import keys
from tests.conftest import run_cli

PROVIDERS = paths.builtin_signatures_dir() / "providers"


@pytest.fixture
def keyring(tmp_path: Path) -> dict[str, Path]:
    """A profile key pinned for this test's machine, a content key, and a stranger's key."""
    private, trusted = tmp_path / "private", tmp_path / "trusted"
    made: dict[str, Path] = {}
    for name, role in (("profile-1", "profile"), ("content-1", "content"), ("stranger", None)):
        key, pub = keys.generate(name, private)
        made[name] = key
        if role:
            (trusted / role).mkdir(parents=True, exist_ok=True)
            shutil.copy(pub, trusted / role / pub.name)
    machine_config.machine_dir().mkdir(parents=True)
    (machine_config.machine_dir() / machine_config.CONFIG_FILE).write_text(
        json.dumps({"trusted_keys": str(trusted)})
    )
    return made


def _sign(keyring: dict[str, Path], tmp_path: Path, provider: str = "talktalk", key="profile-1"):
    out = tmp_path / f"{provider}{signed_file.SUFFIX}"
    result = run_cli(
        "provider", "sign", str(PROVIDERS / f"{provider}.toml"),
        "--profile-key", str(keyring[key]), "--out", str(out),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return out


def _config() -> dict:
    return json.loads((machine_config.machine_dir() / machine_config.CONFIG_FILE).read_text())


def test_a_signed_profile_becomes_everyones_provider_and_people_cannot_change_it(keyring, tmp_path):
    signed = _sign(keyring, tmp_path)
    checked = run_cli("provider", "check", str(signed))
    assert checked.returncode == 0 and "accepted: TalkTalk [talktalk]" in checked.stdout
    assert not (
        machine_config.machine_dir() / machine_config.PROFILE_FILE
    ).exists()  # check changes nothing
    result = run_cli(
        "provider", "install", str(signed), "--feed", "https://updates.example.net/sg/"
    )
    assert result.returncode == 0, result.stderr
    assert "TalkTalk" in result.stdout
    config = _config()
    assert config["provider"] == "talktalk"
    assert config["update_feed"] == "https://updates.example.net/sg"
    assert (
        machine_config.machine_dir() / machine_config.PROFILE_FILE
    ).read_bytes() == signed.read_bytes()
    assert (
        "installed talktalk" in (machine_config.machine_dir() / machine_config.LOG_FILE).read_text()
    )

    shown = json.loads(run_cli("provider", "show", "--json").stdout)
    assert shown["id"] == "talktalk" and shown["active"] is True

    refused = run_cli("provider", "set", "bt")
    assert refused.returncode == 2
    assert "TalkTalk set up ScamGuard for everyone on this computer" in refused.stderr
    shown = json.loads(run_cli("provider", "show", "--json").stdout)
    assert shown["id"] == "talktalk"

    removed = run_cli("provider", "uninstall")
    assert removed.returncode == 0, removed.stderr
    assert "provider" not in _config() and "update_feed" not in _config()
    assert run_cli("provider", "set", "bt").returncode == 0
    assert json.loads(run_cli("provider", "show", "--json").stdout)["id"] == "bt"


def _tamper(path: Path) -> None:
    """Change one phone number inside the signed bundle, keeping the file well-formed."""
    doc = json.loads(path.read_bytes())
    bundle = json.loads(doc["bundle"])
    name = next(iter(bundle["files"]))
    bundle["files"][name] = bundle["files"][name].replace("0345 172 0088", "0345 172 0089")
    doc["bundle"] = json.dumps(bundle, sort_keys=True, separators=(",", ":"))
    path.write_text(json.dumps(doc))


@pytest.mark.parametrize(
    ("spoil", "reason"),
    [
        (_tamper, "changed after it was signed"),
        (
            lambda p: p.write_bytes(PROVIDERS.joinpath("talktalk.toml").read_bytes()),
            "unsigned profile (.toml)",
        ),
        (lambda p: p.write_text("{}"), "must first be checked and signed"),
    ],
    ids=["edited-number", "plain-toml", "empty-json"],
)
def test_a_spoiled_profile_is_refused_and_nothing_changes(keyring, tmp_path, spoil, reason):
    signed = _sign(keyring, tmp_path)
    if spoil is _tamper:
        assert "0345 172 0088" in json.loads(signed.read_bytes())["bundle"]
    spoil(signed)
    assert run_cli("provider", "check", str(signed)).returncode == 3
    result = run_cli("provider", "install", str(signed))
    assert result.returncode == 3
    assert reason in result.stderr and "the provider is unchanged" in result.stderr
    assert "provider" not in _config()
    assert not (machine_config.machine_dir() / machine_config.PROFILE_FILE).exists()
    assert (
        f"refused {signed}" in (machine_config.machine_dir() / machine_config.LOG_FILE).read_text()
    )
    assert json.loads(run_cli("provider", "show", "--json").stdout)["generic"] is True


def test_a_profile_signed_by_an_unpinned_key_is_refused(keyring, tmp_path):
    signed = _sign(keyring, tmp_path, key="stranger")
    result = run_cli("provider", "install", str(signed), "--json")
    assert result.returncode == 3
    assert json.loads(result.stdout)["status"] == "refused"
    assert "not signed by a trusted profile key" in result.stderr


def test_the_content_key_cannot_sign_a_provider(keyring, tmp_path):
    """The online content key is pinned, but only for manifests: never for numbers."""
    signed = _sign(keyring, tmp_path, key="content-1")
    result = run_cli("provider", "install", str(signed))
    assert result.returncode == 3
    assert "not signed by a trusted profile key" in result.stderr


def test_a_signature_moved_onto_another_provider_is_refused(keyring, tmp_path):
    bt = json.loads(_sign(keyring, tmp_path, "bt").read_bytes())
    talktalk = _sign(keyring, tmp_path, "talktalk")
    doc = json.loads(talktalk.read_bytes())
    doc["bundle"] = bt["bundle"]  # the record still names TalkTalk's bundle
    talktalk.write_text(json.dumps(doc))
    result = run_cli("provider", "install", str(talktalk))
    assert result.returncode == 3
    assert "changed after it was signed" in result.stderr


def test_an_installed_profile_that_stops_checking_out_is_not_shown(keyring, tmp_path):
    assert run_cli("provider", "install", str(_sign(keyring, tmp_path))).returncode == 0
    profiles, problems = load_active_profiles()
    assert profiles.get("talktalk").source.endswith(machine_config.PROFILE_FILE)
    assert not problems

    _tamper(machine_config.machine_dir() / machine_config.PROFILE_FILE)
    profiles, problems = load_active_profiles()
    assert "talktalk" in profiles  # the built-in profile, never the edited copy
    assert not profiles.get("talktalk").source.endswith(machine_config.PROFILE_FILE)
    assert any("changed after it was signed" in str(p) for p in problems)


def test_install_of_only_a_feed_keeps_the_provider_choice_open(keyring):
    result = run_cli("provider", "install", "--feed", "http://evil.example/feed")
    assert result.returncode == 2 and "https://" in result.stderr
    result = run_cli(
        "provider", "install", "--feed", "https://isp.example/feed", "--channel", "beta"
    )
    assert result.returncode == 0, result.stderr
    assert _config()["update_channel"] == "beta" and "provider" not in _config()
    assert run_cli("provider", "set", "bt").returncode == 0
    assert run_cli("provider", "install").returncode == 2


def test_the_newer_of_the_installed_and_updated_profile_is_shown(keyring, tmp_path):
    assert run_cli("provider", "install", str(_sign(keyring, tmp_path))).returncode == 0
    profiles, _ = load_active_profiles()
    installed = profiles.get("talktalk")
    assert installed.source.endswith(machine_config.PROFILE_FILE)
    from dataclasses import replace

    from guard.providers.model import ProfileSet

    newer = replace(installed, reviewed=installed.reviewed + dt.timedelta(days=1), source="update")
    merged, _ = _with_machine_profile(ProfileSet({"talktalk": newer}), [])
    assert merged.get("talktalk").source == "update"
    older = replace(
        installed, reviewed=installed.reviewed - dt.timedelta(days=1), source="built-in"
    )
    merged, _ = _with_machine_profile(ProfileSet({"talktalk": older}), [])
    assert merged.get("talktalk").source.endswith(machine_config.PROFILE_FILE)


def test_signing_refuses_a_profile_that_does_not_validate(keyring, tmp_path):
    bad = tmp_path / "badisp.toml"
    bad.write_text(
        PROVIDERS.joinpath("talktalk.toml").read_text().replace('id = "talktalk"', 'id = "badisp"')
        .replace("0345 172 0088", "0345 172 008")
    )  # fmt: skip
    result = run_cli("provider", "sign", str(bad), "--profile-key", str(keyring["profile-1"]))
    assert result.returncode == 3
    assert "not signed" in result.stderr
    assert not bad.with_suffix(signed_file.SUFFIX).exists()


def test_a_forged_signature_for_the_same_record_does_not_verify(keyring, tmp_path):
    signed = _sign(keyring, tmp_path)
    doc = json.loads(signed.read_bytes())
    sig = doc["signatures"]["signatures"][0]
    raw = bytearray(base64.b64decode(sig["signature"]))
    raw[0] ^= 1
    sig["signature"] = base64.b64encode(bytes(raw)).decode()
    signed.write_text(json.dumps(doc))
    with pytest.raises(signed_file.SignedProfileProblem, match="does not verify"):
        machine_profile.check_file(signed)


def test_machine_files_others_could_write_are_ignored(tmp_path, monkeypatch):
    """Outside tests the machine folder must be root's alone (Linux, macOS)."""
    monkeypatch.setattr(paths, "overridden", lambda: False)
    folder = tmp_path / "machine"
    folder.mkdir(mode=0o755)
    config = folder / "config.json"
    config.write_text('{"provider": "bt"}')
    os.chmod(folder, 0o755)
    os.chmod(config, 0o644)
    owned_by_root = os.geteuid() == 0
    if owned_by_root:
        assert machine_config.untrusted_reason(config) == ""
        os.chmod(config, 0o666)
        assert "can be changed by other users" in machine_config.untrusted_reason(config)
        os.chmod(config, 0o644)
        os.chmod(folder, 0o777)
        assert "can be changed by other users" in machine_config.untrusted_reason(config)
        os.chmod(folder, 0o755)
        os.chown(config, 65534, 65534)
    assert "not owned by root" in machine_config.untrusted_reason(config)
    assert stat.S_IMODE(config.stat().st_mode) == 0o644
    assert "cannot be checked" in machine_config.untrusted_reason(folder / "missing.json")
    link = tmp_path / "linked"
    link.symlink_to(folder)
    assert "is a symbolic link" in machine_config.untrusted_reason(link / "config.json")


def test_the_machine_folder_does_not_follow_the_environment(monkeypatch):
    """Ubuntu sessions set XDG_CONFIG_DIRS=/etc/xdg/xdg-ubuntu:/etc/xdg and sudo clears it:
    the installer and the tray must still agree on one folder, which no user can move."""
    monkeypatch.delenv(paths.ENV_HOME)
    monkeypatch.setenv("XDG_CONFIG_DIRS", "/etc/xdg/xdg-ubuntu:/etc/xdg")
    first = machine_config.machine_dir()
    monkeypatch.setenv("XDG_CONFIG_DIRS", "/tmp/anyone")
    assert machine_config.machine_dir() == first
    if sys.platform.startswith("linux"):
        assert first == Path("/etc/xdg/ScamGuard")


def test_uninstall_says_what_it_removed_and_purge_empties_the_folder(keyring, tmp_path):
    signed = _sign(keyring, tmp_path)
    assert (
        run_cli("provider", "install", str(signed), "--feed", "https://isp.example/f").returncode
        == 0
    )
    result = run_cli("provider", "uninstall", "--purge")
    assert result.returncode == 0, result.stderr
    assert "Removed TalkTalk (set up for everyone on this computer) and the update feed" in (
        result.stdout
    )
    assert sorted(p.name for p in machine_config.machine_dir().iterdir()) == []
    again = run_cli("provider", "uninstall")
    assert "No provider or update feed was installed" in again.stdout


def test_signing_warns_about_stale_numbers_and_a_missing_file_is_a_usage_error(keyring, tmp_path):
    old = tmp_path / "talktalk.toml"
    text = PROVIDERS.joinpath("talktalk.toml").read_text()
    old.write_text(text.replace("verified = 2026-11-21", "verified = 2024-01-02"))
    assert "verified = 2024-01-02" in old.read_text()
    result = run_cli("provider", "sign", str(old), "--profile-key", str(keyring["profile-1"]))
    assert result.returncode == 0, result.stderr
    assert (
        "STALE: TalkTalk customer services (0345 172 0088) was checked 2024-01-02" in result.stderr
    )
    missing = run_cli("provider", "install", str(tmp_path / "nosuch.scamguard-profile"))
    assert missing.returncode == 2 and "no such file" in missing.stderr
    assert not (machine_config.machine_dir() / machine_config.LOG_FILE).exists()


def test_a_bundle_that_is_not_text_is_refused_not_a_crash(keyring, tmp_path):
    signed = _sign(keyring, tmp_path)
    doc = json.loads(signed.read_bytes())
    doc["bundle"] = "\ud800"
    signed.write_text(json.dumps(doc))  # ASCII-escaped: a lone surrogate once parsed
    result = run_cli("provider", "check", str(signed))
    assert result.returncode == 3 and "changed after it was signed" in result.stderr


def test_on_windows_only_files_owned_by_system_or_administrators_count(tmp_path, monkeypatch):
    """The Windows API stands in as ``owner_of``; the decision is ours and tested here."""
    monkeypatch.setattr(paths, "overridden", lambda: False)
    folder = tmp_path / "ScamGuard"
    folder.mkdir()
    config = folder / "config.json"
    config.write_text("{}")
    owners = {config: "S-1-5-18", folder: "S-1-5-32-544"}

    def check() -> str:
        return machine_config.untrusted_reason(config, windows=True, owner_of=owners.__getitem__)

    assert check() == ""
    owners[folder] = "S-1-5-21-1004336348-1177238915-682003330-1001"  # made by a user first
    assert "is not owned by SYSTEM or Administrators" in check()
    owners[folder] = "S-1-5-32-544"
    owners[config] = "S-1-5-21-1004336348-1177238915-682003330-1001"  # planted by a user
    assert str(config) in check()
    owners[config] = "S-1-5-18"

    def denied(_path: Path) -> str:
        raise PermissionError(5, "Access is denied")

    assert "cannot be checked" in machine_config.untrusted_reason(
        config, windows=True, owner_of=denied
    )


def test_on_windows_a_machine_folder_reached_through_a_link_does_not_count(tmp_path, monkeypatch):
    """Owned by SYSTEM all the way, but reached through a junction or link: not trusted."""
    monkeypatch.setattr(paths, "overridden", lambda: False)
    folder = tmp_path / "ScamGuard"
    folder.mkdir()
    (folder / "config.json").write_text("{}")
    link = tmp_path / "junction"
    link.symlink_to(folder, target_is_directory=True)
    owners = dict.fromkeys([folder, folder / "config.json", link, link / "config.json"], "S-1-5-18")
    assert "is a junction or link" in machine_config.untrusted_reason(
        link / "config.json", windows=True, owner_of=owners.__getitem__
    )


def test_an_installed_build_honours_a_test_home_only_if_root_allowed_it(tmp_path, monkeypatch):
    """In a frozen build SCAMGUARD_HOME would move the machine folder (provider, feed, keys)
    to wherever a caller's `setx` or `systemctl --user set-environment` said."""
    folder = tmp_path / "etc-xdg-ScamGuard"
    folder.mkdir(mode=0o755)
    os.chmod(folder, 0o755)
    config = folder / "config.json"
    monkeypatch.setattr(paths, "system_machine_dir", lambda: folder)
    monkeypatch.setattr(sys, "frozen", True, raising=False)

    def allowed() -> bool:
        paths.test_homes_allowed.cache_clear()
        return paths.test_homes_allowed()

    try:
        assert not allowed() and paths._home() is None  # no config: the variable is ignored
        config.write_text('{"allow_test_home": true}')
        os.chmod(config, 0o644)
        assert allowed() is (os.geteuid() == 0)  # root's file only
        os.chmod(config, 0o666)
        assert not allowed()  # anyone could have written it
        os.chmod(config, 0o644)
        config.write_text('{"allow_test_home": "yes"}')
        assert not allowed()
    finally:
        paths.test_homes_allowed.cache_clear()

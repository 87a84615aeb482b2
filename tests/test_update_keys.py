"""Ed25519 update keys: generating, loading, pinning, signing and verifying."""

from __future__ import annotations

import base64
import json
import os
import stat
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ec import SECP256R1, generate_private_key

from guard.updates import keys
from guard.updates.keys import BadSignature, KeyProblem, TrustedKey
from tests.conftest import run_cli

posix_only = pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")

MANIFEST = b'{"schema":1,"version":7}\n'


def _key_set(tmp_path: Path) -> tuple[Path, dict[str, Path]]:
    """signatures/keys with a current and a backup key in each role; returns private paths."""
    pinned = tmp_path / "keys"
    private = {}
    for role in keys.ROLES:
        for which in ("current", "backup"):
            name = f"{role}-{which}"
            key_path, pub_path = keys.generate(name, tmp_path / "secret")
            (pinned / role).mkdir(parents=True, exist_ok=True)
            (pinned / role / pub_path.name).write_bytes(pub_path.read_bytes())
            private[name] = key_path
    return pinned, private


def _signed(key_path: Path, purpose: str, data: bytes) -> bytes:
    return keys.signature_file([keys.sign(keys.load_private(key_path), purpose, data)])


def _reason(excinfo: pytest.ExceptionInfo[BadSignature]) -> str:
    return str(excinfo.value)


# --- generate -------------------------------------------------------------------------------


@posix_only
def test_generate_writes_both_files(tmp_path: Path) -> None:
    out = tmp_path / "new" / "keys"
    key_path, pub_path = keys.generate("content-2025", out)
    assert (key_path, pub_path) == (out / "content-2025.key", out / "content-2025.pub")
    assert stat.S_IMODE(key_path.stat().st_mode) == 0o600
    assert stat.S_IMODE(out.stat().st_mode) & 0o077 == 0
    assert key_path.read_bytes().startswith(b"-----BEGIN PRIVATE KEY-----")

    line = pub_path.read_text()
    assert line.endswith("\n") and line.count("\n") == 1
    prefix, kid, encoded, name = line.split()
    assert (prefix, name) == ("scamguard-ed25519", "content-2025")
    private = keys.load_private(key_path)
    assert kid == keys.key_id(private.public_key())
    assert len(kid) == 16
    raw = private.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    assert base64.b64decode(encoded) == raw

    trusted = keys.load_public(pub_path, "content")
    assert trusted == TrustedKey("content", "content-2025", kid, private.public_key())
    assert hash(trusted) == hash(TrustedKey("content", "content-2025", kid, trusted.public))


def test_generate_refuses_to_overwrite(tmp_path: Path) -> None:
    key_path, pub_path = keys.generate("k1", tmp_path)
    before = key_path.read_bytes(), pub_path.read_bytes()
    with pytest.raises(KeyProblem, match=r"k1\.key: already exists"):
        keys.generate("k1", tmp_path)
    assert (key_path.read_bytes(), pub_path.read_bytes()) == before

    # Only the public half left over: still refused, and no lone private key is written.
    (tmp_path / "k2.pub").write_text("anything\n")
    with pytest.raises(KeyProblem, match=r"k2\.pub: already exists"):
        keys.generate("k2", tmp_path)
    assert not (tmp_path / "k2.key").exists()


@pytest.mark.parametrize(
    "name", ["", "Upper", "-leading-dash", "has space", "dot.ted", "a/b", "x" * 42, "ünï"]
)
def test_generate_refuses_bad_names(tmp_path: Path, name: str) -> None:
    with pytest.raises(KeyProblem, match="a key name is"):
        keys.generate(name, tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_generate_accepts_longest_name(tmp_path: Path) -> None:
    name = "a" * 41
    key_path, pub_path = keys.generate(name, tmp_path)
    assert keys.load_public(pub_path, "profile").name == name
    assert key_path.name == f"{name}.key"


# --- load_private / load_public -------------------------------------------------------------


@posix_only
def test_load_private_refuses_readable_by_others(tmp_path: Path) -> None:
    key_path, _ = keys.generate("k", tmp_path)
    key_path.chmod(0o644)
    with pytest.raises(KeyProblem, match=r"permissions too open: chmod 600 .*k\.key") as excinfo:
        keys.load_private(key_path)
    assert "\n" not in str(excinfo.value)
    key_path.chmod(0o640)
    with pytest.raises(KeyProblem, match="permissions too open"):
        keys.load_private(key_path)
    key_path.chmod(0o600)
    keys.load_private(key_path)


def _private_file(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    path.chmod(0o600)
    return path


def test_load_private_problems(tmp_path: Path) -> None:
    with pytest.raises(KeyProblem, match=r"missing\.key: no such file"):
        keys.load_private(tmp_path / "missing.key")
    garbage = _private_file(tmp_path / "garbage.key", b"not a key\n")
    with pytest.raises(KeyProblem, match=r"garbage\.key: not a PEM private key"):
        keys.load_private(garbage)
    ec_pem = generate_private_key(SECP256R1()).private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    ec = _private_file(tmp_path / "ec.key", ec_pem)
    with pytest.raises(KeyProblem, match=r"ec\.key: not an Ed25519 private key"):
        keys.load_private(ec)
    key_path, _ = keys.generate("enc", tmp_path / "gen")
    encrypted = keys.load_private(key_path).private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(b"pass phrase"),
    )
    enc = _private_file(tmp_path / "enc.key", encrypted)
    with pytest.raises(KeyProblem, match=r"enc\.key: the key is encrypted"):
        keys.load_private(enc)


def test_load_public_checks_the_key_id(tmp_path: Path) -> None:
    _, pub_path = keys.generate("k", tmp_path)
    prefix, kid, encoded, name = pub_path.read_text().split()
    wrong = "0" * 16 if kid != "0" * 16 else "1" * 16
    pub_path.write_text(f"{prefix} {wrong} {encoded} {name}\n")
    with pytest.raises(KeyProblem, match=rf"k\.pub: key id {wrong} does not match the key"):
        keys.load_public(pub_path, "content")


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", "exactly one line"),
        ("ssh-ed25519 AAAA comment\n", "expected 'scamguard-ed25519"),
        ("scamguard-ed25519 0123456789abcdef AAAA\n", "expected 'scamguard-ed25519"),
        ("scamguard-ed25519 0123456789ABCDEF AAAA k\n", "16 lower-case hex"),
        ("scamguard-ed25519 0123456789abcdef !!!! k\n", "not valid base64"),
        ("scamguard-ed25519 0123456789abcdef AAAA k\n", "an Ed25519 key is 32"),
        ("line one\nline two\n", "exactly one line"),
        ("scamguard-ed25519 é\n", "not plain ASCII"),
    ],
)
def test_load_public_refuses_malformed(tmp_path: Path, text: str, problem: str) -> None:
    path = tmp_path / "bad.pub"
    path.write_bytes(text.encode("utf-8"))
    with pytest.raises(KeyProblem, match=r"bad\.pub: ") as excinfo:
        keys.load_public(path, "content")
    assert problem in str(excinfo.value)


def test_load_public_refuses_big_files(tmp_path: Path) -> None:
    _, pub_path = keys.generate("k", tmp_path)
    pub_path.write_bytes(pub_path.read_bytes() + b" " * 4096)
    with pytest.raises(KeyProblem, match="larger than 4096 bytes"):
        keys.load_public(pub_path, "content")


# --- trusted_keys ---------------------------------------------------------------------------


def test_trusted_keys_reads_both_roles(tmp_path: Path) -> None:
    pinned, _ = _key_set(tmp_path)
    (pinned / "README.md").write_text("public keys only\n")
    (pinned / "content" / ".gitkeep").write_text("")
    found = keys.trusted_keys(pinned)
    assert set(found) == set(keys.ROLES)
    assert [k.name for k in found["content"]] == ["content-backup", "content-current"]
    assert [k.name for k in found["profile"]] == ["profile-backup", "profile-current"]
    assert all(k.role == role for role in keys.ROLES for k in found[role])


def test_trusted_keys_missing_folders_mean_no_keys(tmp_path: Path) -> None:
    assert keys.trusted_keys(tmp_path / "nowhere") == {"content": (), "profile": ()}
    _, pub_path = keys.generate("only-content", tmp_path / "gen")
    (tmp_path / "k" / "content").mkdir(parents=True)
    (tmp_path / "k" / "content" / pub_path.name).write_bytes(pub_path.read_bytes())
    found = keys.trusted_keys(tmp_path / "k")
    assert len(found["content"]) == 1 and found["profile"] == ()


def test_trusted_keys_refuses_a_malformed_pub(tmp_path: Path) -> None:
    pinned, _ = _key_set(tmp_path)
    (pinned / "profile" / "broken.pub").write_text("scamguard-ed25519 nonsense\n")
    with pytest.raises(KeyProblem, match=r"broken\.pub"):
        keys.trusted_keys(pinned)


def test_trusted_keys_refuses_one_key_in_both_roles(tmp_path: Path) -> None:
    pinned, _ = _key_set(tmp_path)
    shared = pinned / "content" / "content-current.pub"
    (pinned / "profile" / "shared.pub").write_bytes(shared.read_bytes())
    with pytest.raises(KeyProblem, match="both a content and a profile key"):
        keys.trusted_keys(pinned)


def test_trusted_keys_caps_keys_per_role(tmp_path: Path) -> None:
    _, pub_path = keys.generate("k", tmp_path / "gen")
    folder = tmp_path / "pinned" / "content"
    folder.mkdir(parents=True)
    for n in range(keys.MAX_KEYS_PER_ROLE + 1):
        (folder / f"k{n}.pub").write_bytes(pub_path.read_bytes())
    with pytest.raises(KeyProblem, match="17 public keys, at most 16"):
        keys.trusted_keys(tmp_path / "pinned")


def test_builtin_keys_dir_is_shipped() -> None:
    folder = keys.builtin_keys_dir()
    assert folder.name == "keys"
    assert (folder / "README.md").is_file()
    assert not list(folder.rglob("*.key")), "a private key must never be shipped"
    keys.trusted_keys(folder)  # whatever is pinned must load


# --- sign / verify --------------------------------------------------------------------------


def test_sign_verify_round_trip(tmp_path: Path) -> None:
    pinned, private = _key_set(tmp_path)
    trusted = keys.trusted_keys(pinned)
    sig = _signed(private["content-current"], "manifest", MANIFEST)
    assert sig.endswith(b"\n")
    assert json.loads(sig) == {"signatures": [json.loads(sig)["signatures"][0]]}
    key = keys.verify(trusted["content"], "manifest", MANIFEST, sig)
    assert key.name == "content-current" and key.role == "content"


def test_signature_file_is_canonical(tmp_path: Path) -> None:
    key_path, _ = keys.generate("k", tmp_path)
    entry = keys.sign(keys.load_private(key_path), "profiles", b"data")
    reordered = {"signature": entry["signature"], "key_id": entry["key_id"]}
    assert keys.signature_file([entry]) == keys.signature_file([reordered])
    assert keys.signature_file([entry]).count(b" ") == 0
    with pytest.raises(ValueError, match="1 to 8"):
        keys.signature_file([])


def test_backup_key_signature_verifies(tmp_path: Path) -> None:
    pinned, private = _key_set(tmp_path)
    trusted = keys.trusted_keys(pinned)
    sig = _signed(private["profile-backup"], "profiles", b"profiles bundle")
    assert keys.verify(trusted["profile"], "profiles", b"profiles bundle", sig).name == (
        "profile-backup"
    )


def test_first_valid_signature_wins_among_several(tmp_path: Path) -> None:
    pinned, private = _key_set(tmp_path)
    trusted = keys.trusted_keys(pinned)
    outsider, _ = keys.generate("outsider", tmp_path / "elsewhere")
    entries = [
        keys.sign(keys.load_private(outsider), "manifest", MANIFEST),
        keys.sign(keys.load_private(private["content-backup"]), "manifest", MANIFEST),
        keys.sign(keys.load_private(private["content-current"]), "manifest", MANIFEST),
    ]
    sig = keys.signature_file(entries)
    assert keys.verify(trusted["content"], "manifest", MANIFEST, sig).name == "content-backup"


def test_wrong_role_is_an_unknown_key(tmp_path: Path) -> None:
    pinned, private = _key_set(tmp_path)
    trusted = keys.trusted_keys(pinned)
    # The online content key must not be able to sign contact details.
    sig = _signed(private["content-current"], "profiles", b"forged numbers")
    with pytest.raises(BadSignature) as excinfo:
        keys.verify(trusted["profile"], "profiles", b"forged numbers", sig)
    kid = json.loads(sig)["signatures"][0]["key_id"]
    assert _reason(excinfo) == f"signed by an unknown key (key ids: {kid})"


def test_unknown_key_id(tmp_path: Path) -> None:
    pinned, _ = _key_set(tmp_path)
    outsider, _ = keys.generate("outsider", tmp_path / "elsewhere")
    sig = _signed(outsider, "manifest", MANIFEST)
    with pytest.raises(BadSignature, match=r"^signed by an unknown key \(key ids: [0-9a-f]{16}\)$"):
        keys.verify(keys.trusted_keys(pinned)["content"], "manifest", MANIFEST, sig)
    with pytest.raises(BadSignature, match="no trusted key is pinned"):
        keys.verify((), "manifest", MANIFEST, sig)


def test_tampered_data(tmp_path: Path) -> None:
    pinned, private = _key_set(tmp_path)
    sig = _signed(private["content-current"], "manifest", MANIFEST)
    tampered = MANIFEST.replace(b"7", b"8")
    with pytest.raises(BadSignature) as excinfo:
        keys.verify(keys.trusted_keys(pinned)["content"], "manifest", tampered, sig)
    assert _reason(excinfo) == "signature does not verify"


def test_tampered_signature(tmp_path: Path) -> None:
    pinned, private = _key_set(tmp_path)
    entry = keys.sign(keys.load_private(private["content-current"]), "manifest", MANIFEST)
    raw = bytearray(base64.b64decode(entry["signature"]))
    raw[10] ^= 0x01
    entry["signature"] = base64.b64encode(bytes(raw)).decode()
    sig = keys.signature_file([entry])
    with pytest.raises(BadSignature) as excinfo:
        keys.verify(keys.trusted_keys(pinned)["content"], "manifest", MANIFEST, sig)
    assert _reason(excinfo) == "signature does not verify"


def test_domain_separation(tmp_path: Path) -> None:
    """A manifest signature is never accepted as a profiles signature over the same bytes."""
    _, pub_path = keys.generate("both", tmp_path / "gen")
    key_path = tmp_path / "gen" / "both.key"
    trusted = [keys.load_public(pub_path, "profile")]
    sig = _signed(key_path, "manifest", MANIFEST)
    assert keys.verify(trusted, "manifest", MANIFEST, sig).name == "both"
    with pytest.raises(BadSignature) as excinfo:
        keys.verify(trusted, "profiles", MANIFEST, sig)
    assert _reason(excinfo) == (
        "signature does not verify (it is a manifest signature, not a profiles one)"
    )


@pytest.mark.parametrize(
    ("content", "why"),
    [
        (b"not json at all", "not JSON"),
        (b"\xff\xfe", "not JSON"),
        (b'{"signatures": ' + b" " * 4096 + b"[]}", "larger than 4096 bytes"),
        (b"[]", 'expected {"signatures": [...]}'),
        (b'{"signatures": {}}', 'expected {"signatures": [...]}'),
        (b'{"signatures": []}', "no signatures"),
        (b'{"signatures": ["x"]}', "signature 1 is not an object"),
        (
            b'{"signatures": [{"key_id": "zz", "signature": ""}]}',
            "signature 1: key_id is not 16 lower-case hex digits",
        ),
        (b'{"signatures": [{"key_id": "0123456789abcdef"}]}', "signature 1: no signature"),
        (
            b'{"signatures": [{"key_id": "0123456789abcdef", "signature": "!!"}]}',
            "signature 1: not base64",
        ),
        (
            b'{"signatures": [{"key_id": "0123456789abcdef", "signature": "AAAA"}]}',
            "signature 1: not an Ed25519 signature",
        ),
    ],
)
def test_malformed_signature_files(tmp_path: Path, content: bytes, why: str) -> None:
    pinned, _ = _key_set(tmp_path)
    with pytest.raises(BadSignature) as excinfo:
        keys.verify(keys.trusted_keys(pinned)["content"], "manifest", MANIFEST, content)
    assert _reason(excinfo) == f"malformed signature file ({why})"


def test_too_many_signatures(tmp_path: Path) -> None:
    pinned, private = _key_set(tmp_path)
    entry = keys.sign(keys.load_private(private["content-current"]), "manifest", MANIFEST)
    nine = json.dumps({"signatures": [entry] * 9}).encode()
    assert len(nine) < 4096
    with pytest.raises(BadSignature) as excinfo:
        keys.verify(keys.trusted_keys(pinned)["content"], "manifest", MANIFEST, nine)
    assert _reason(excinfo) == "malformed signature file (9 signatures, at most 8)"
    eight = json.dumps({"signatures": [entry] * 8}).encode()
    assert keys.verify(keys.trusted_keys(pinned)["content"], "manifest", MANIFEST, eight)


def test_unknown_purpose_is_a_programming_error(tmp_path: Path) -> None:
    key_path, _ = keys.generate("k", tmp_path)
    with pytest.raises(ValueError, match="unknown signature purpose"):
        keys.sign(keys.load_private(key_path), "firmware", b"x")
    with pytest.raises(ValueError, match="unknown signature purpose"):
        keys.verify((), "firmware", b"x", b"{}")


# --- CLI ------------------------------------------------------------------------------------


def test_cli_keys_generate(tmp_path: Path) -> None:
    out = tmp_path / "offline"
    result = run_cli("keys", "generate", "--name", "profile-2025", "--out", str(out))
    assert result.returncode == 0, result.stderr
    key_path, pub_path = out / "profile-2025.key", out / "profile-2025.pub"
    assert str(key_path) in result.stdout and str(pub_path) in result.stdout
    kid = keys.load_public(pub_path, "profile").key_id
    assert kid in result.stdout
    assert (
        "Keep profile-2025.key secret and offline (see docs/support-staff.md). Give "
        "profile-2025.pub to the app release as signatures/keys/<role>/profile-2025.pub."
    ) in result.stdout
    if os.name == "posix":
        assert stat.S_IMODE(key_path.stat().st_mode) == 0o600

    again = run_cli("keys", "generate", "--name", "profile-2025", "--out", str(out))
    assert again.returncode == 2
    assert again.stderr.count("\n") == 1
    assert "already exists" in again.stderr


def test_cli_keys_generate_bad_name() -> None:
    result = run_cli("keys", "generate", "--name", "Bad Name", "--out", "/nonexistent-dir")
    assert result.returncode == 2
    assert result.stderr.startswith("scamguard keys: 'Bad Name': a key name is")
    assert result.stderr.count("\n") == 1


def test_cli_keys_help() -> None:
    for command in (["keys"], ["keys", "generate"]):
        result = run_cli(*command, "--help")
        assert result.returncode == 0
        assert "usage: scamguard keys" in result.stdout
    missing = run_cli("keys", "generate", "--name", "k")
    assert missing.returncode == 2

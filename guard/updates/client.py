"""Taking an update: fetch, verify in a fixed order, test-load, then swap in atomically.

The order (issue 5; docs/architecture.md) is the point: nothing downloaded is trusted
until the manifest's signature checks against a pinned key; nothing is installed until every
file matches the manifest and the whole new data set loads exactly as the guard would load
it. Any failure leaves the installed data as it was and gives one plain reason. An expired
manifest or an unreachable feed never stops detection: the guard keeps its last good data.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import secrets
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from filelock import FileLock, Timeout

from guard import clock
from guard.errors import ScamGuardError
from guard.identify.index import SignatureIndex
from guard.providers.loader import load_profiles
from guard.sigdb.loader import check_database, load_database
from guard.state import machine_config, paths
from guard.updates import bundles, installed, installed_check, keys, profile_record
from guard.updates.manifest import (
    MAX_MANIFEST_BYTES,
    MAX_VERSION_JUMP,
    PRODUCT,
    Manifest,
    ManifestProblem,
    parse,
)
from guard.updates.publish import MANIFEST, SIGNATURE
from guard.updates.timed_http import OutOfTime, TimedHTTPHandler, TimedHTTPSHandler, TimedRequest

CONNECT_TIMEOUT = 10.0  # seconds to connect, and between bytes read
# Seconds for a whole update check: every request, its connection, headers and body, every
# file. One deadline (time.monotonic), so no server can hold a check open longer.
TOTAL_TIMEOUT = 120.0
MAX_SIGNATURE_BYTES = 4 * 1024
CHUNK = 64 * 1024
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")


class Rejected(ScamGuardError):
    """The update was refused; the message is the one-line reason. Nothing changed."""


@dataclass
class Outcome:
    status: str  # installed | current | deferred
    message: str
    version: int
    details: dict[str, object] = field(default_factory=dict)


def check_url(url: str) -> str:
    """HTTPS only; plain HTTP only to this computer, and file:// for local mirrors."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme == "https" and parts.netloc:
        return url.rstrip("/")
    if parts.scheme == "http" and parts.hostname in LOCAL_HOSTS:
        return url.rstrip("/")
    if parts.scheme == "file" and parts.path:
        return url.rstrip("/")
    raise ValueError(
        f"{url!r}: the feed must be an https:// address (http:// only for 127.0.0.1 or "
        "localhost, or a file:// folder)"
    )


def installed_version() -> int:
    """The version now installed, never below the database shipped with the app (so a fresh
    install cannot be rolled back below what it came with)."""
    shipped = load_database(paths.builtin_signatures_dir()).version
    recorded = installed.read_state().get("version", 0)
    in_use = installed.version_in_use()  # counts even if state.json was not written
    return max(shipped, recorded if isinstance(recorded, int) else 0, in_use)


def wait_asked(now: dt.datetime | None = None) -> str:
    """When the feed (429 Retry-After) asked us to come back, if that is still ahead."""
    value = installed.read_state().get("retry_after")
    if not isinstance(value, str):
        return ""
    try:
        until = dt.datetime.fromisoformat(value)
    except ValueError:
        return ""
    return value if until > (now or clock.now()) else ""


def out_of_date(now: dt.datetime | None = None) -> str:
    """Why the signatures in use count as out of date ("" when they do not): the installed
    update's manifest has expired, so the feed has not been re-signed since."""
    value = installed.read_state().get("expires")
    if not isinstance(value, str) or installed.current_folder() is None:
        return ""
    try:
        expires = dt.datetime.fromisoformat(value)
    except ValueError:
        return ""
    if (now or clock.now()) >= expires:
        return f"the installed update expired on {expires:%Y-%m-%d}; no newer one has arrived"
    return ""


def rollout_bucket(install_id: str) -> int:
    """0-99, fixed for an install: it takes an update once the rollout reaches its bucket."""
    return int.from_bytes(hashlib.sha256(install_id.encode()).digest()[:8], "big") % 100


def install_id() -> str:
    state = installed.read_state()
    value = state.get("install_id")
    if isinstance(value, str) and len(value) == 32:
        return value
    value = secrets.token_hex(16)
    installed.write_state(install_id=value)
    return value


class _SameRulesRedirect(urllib.request.HTTPRedirectHandler):
    """Follow a redirect only to an address ``check_url`` would accept, on the same scheme:
    never from https down to http, never to another kind of address."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # noqa: PLR0917 - urllib
        old, new = urllib.parse.urlsplit(req.full_url), urllib.parse.urlsplit(newurl)
        try:
            check_url(newurl)
        except ValueError:
            raise Rejected(f"the feed redirected to a refused address ({newurl})") from None
        if new.scheme != old.scheme:
            raise Rejected(f"the feed redirected from {old.scheme} to {new.scheme}: refused")
        follow = super().redirect_request(req, fp, code, msg, headers, newurl)
        if follow is not None and isinstance(req, TimedRequest):
            return TimedRequest.redirected(follow, req.deadline)  # the same one deadline
        return follow


OPENER = urllib.request.OpenerDirector()
for _handler in (
    TimedHTTPHandler(),
    TimedHTTPSHandler(),
    urllib.request.FileHandler(),
    urllib.request.HTTPErrorProcessor(),
    urllib.request.HTTPDefaultErrorHandler(),
    _SameRulesRedirect(),
):
    OPENER.add_handler(_handler)


class Fetcher:
    """Bounded reads from the feed: a size cap, timeouts, and nothing else trusted.

    ``timeout`` bounds each connection attempt and each read; ``time_limit`` (default
    TOTAL_TIMEOUT) bounds everything this fetcher does, from its creation on: one update
    check uses one fetcher, so one deadline covers all of its requests.
    """

    def __init__(
        self, base: str, timeout: float = CONNECT_TIMEOUT, time_limit: float | None = None
    ):
        self.base = base
        self.timeout = timeout
        self.time_limit = TOTAL_TIMEOUT if time_limit is None else time_limit
        self.deadline = time.monotonic() + self.time_limit

    def _late(self, path: str) -> Rejected:
        return Rejected(f"{path}: the download took longer than {self.time_limit:g} s")

    def _out_of_time(self, exc: BaseException) -> bool:
        reason = getattr(exc, "reason", None)
        return (
            isinstance(exc, OutOfTime)
            or isinstance(reason, OutOfTime)
            or time.monotonic() >= self.deadline
        )

    def get(
        self, path: str, limit: int, etag: str | None = None
    ) -> tuple[bytes | None, str | None]:
        """The file's bytes (None when unchanged since ``etag``) and its new ETag."""
        if time.monotonic() >= self.deadline:
            raise self._late(path)
        request = TimedRequest(f"{self.base}/{path}", deadline=self.deadline)
        if etag:
            request.add_header("If-None-Match", etag)
        request.add_header("User-Agent", "ScamGuard-updater")
        try:
            with OPENER.open(request, timeout=self.timeout) as response:
                declared = response.headers.get("Content-Length")
                if declared and declared.isdigit() and int(declared) > limit:
                    raise Rejected(f"{path} is {declared} bytes, more than the {limit} allowed")
                data = self._read(response, path, limit)
                return data, response.headers.get("ETag")
        except urllib.error.HTTPError as exc:
            if exc.code == 304:
                return None, etag
            if exc.code == 429:
                wait = exc.headers.get("Retry-After", "")
                installed.write_state(retry_after=_retry_at(wait))
                raise Rejected(
                    f"the feed asked to wait before asking again (429, {wait or '?'} s)"
                ) from None
            raise Rejected(f"{path}: the feed answered HTTP {exc.code}") from None
        except Rejected:
            raise
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            if self._out_of_time(exc):
                raise self._late(path) from None
            reason = getattr(exc, "reason", exc)
            raise Rejected(f"{path}: the feed could not be reached ({reason})") from None
        except Exception as exc:  # anything odd from the network is a refusal, never a crash
            if self._out_of_time(exc):
                raise self._late(path) from None
            raise Rejected(f"{path}: unusable answer from the feed ({exc!r})") from None

    def _read(self, response: object, path: str, limit: int) -> bytes:
        """Whatever has arrived, a piece at a time (``read1``), checking the overall deadline
        before every piece (each read itself also waits only for the time left: timed_http):
        a server trickling one byte every few seconds cannot hold the check open for longer
        than the time limit."""
        chunks: list[bytes] = []
        total = 0
        while True:
            if time.monotonic() > self.deadline:
                raise self._late(path)
            chunk = response.read1(CHUNK)  # type: ignore[attr-defined]
            if not chunk:
                return b"".join(chunks)
            total += len(chunk)
            if total > limit:
                raise Rejected(f"{path} is longer than the {limit} bytes allowed")
            chunks.append(chunk)


def _retry_at(header: str) -> str:
    seconds = int(header) if header.isdigit() else 4 * 3600
    return (clock.now() + dt.timedelta(seconds=min(seconds, 86400))).isoformat()


def update(
    feed: str,
    *,
    trusted: Path | None = None,
    channel: str = "stable",
    now: dt.datetime | None = None,
    fetcher: Callable[..., Fetcher] = Fetcher,
    report: Callable[[str], None] = lambda _line: None,
    time_limit: float | None = None,
) -> Outcome:
    """Check ``feed`` and install what it offers if, and only if, every check passes.

    ``time_limit`` (seconds, default TOTAL_TIMEOUT) bounds the whole exchange with the feed.
    A refusal records only when and why (``last_result``); the feed, its ETag and the
    installed version are written only after a check that succeeded.
    """
    now = now or clock.now()
    lock = FileLock(str(installed.root() / ".update.lock"), thread_local=False)
    try:
        installed.root().mkdir(parents=True, exist_ok=True)
        lock.acquire(timeout=0)
    except Timeout:
        raise Rejected("another update check is running on this computer; try again") from None
    except OSError as exc:
        raise Rejected(f"the update folder cannot be used ({exc.strerror or exc})") from None
    try:
        outcome = _update(
            feed, trusted=trusted, channel=channel, now=now, report=report,
            fetcher=functools.partial(fetcher, time_limit=time_limit),
        )  # fmt: skip
    except OSError as exc:  # a full disk, a folder in use: refused, data in use unchanged
        installed.write_state(last_check=now.isoformat(), last_result=f"refused: {exc}")
        raise Rejected(f"could not install ({exc.strerror or exc})") from None
    except Rejected as exc:
        installed.write_state(last_check=now.isoformat(), last_result=f"refused: {exc}")
        raise
    finally:
        lock.release()
    installed.write_state(last_check=now.isoformat(), last_result=outcome.status)
    return outcome


def _update(
    feed: str,
    *,
    trusted: Path | None,
    channel: str,
    now: dt.datetime,
    fetcher: Callable[[str], Fetcher],
    report: Callable[[str], None],
) -> Outcome:
    pinned = _pinned(trusted)
    source = fetcher(check_url(feed))
    state = installed.read_state()
    etag = state.get("etag") if state.get("feed") == feed else None
    body, new_etag = source.get(
        MANIFEST, MAX_MANIFEST_BYTES, etag if isinstance(etag, str) else None
    )
    current = installed_version()
    if body is None:  # unchanged since the last good check
        if out_of_date(now):
            raise Rejected("the feed has not been re-signed since its manifest expired")
        return Outcome("current", f"already up to date (version {current})", current)
    signature, _ = source.get(SIGNATURE, MAX_SIGNATURE_BYTES)
    if signature is None:
        raise Rejected("the feed answered 'not modified' for the signature it never sent")
    manifest = _verified(body, signature, pinned=pinned, channel=channel, now=now, current=current)
    hashes = {name: entry.sha256 for name, entry in manifest.files.items()}
    unchanged = manifest.version == current or hashes == state.get("files")
    if unchanged and _installed_loads(pinned["content"], channel):
        # Nothing new (or a heartbeat re-sign of what is installed): only the dates move.
        installed.write_state(
            feed=feed, etag=new_etag, version=max(current, manifest.version),
            expires=manifest.expires.isoformat(),
        )  # fmt: skip
        return Outcome("current", f"already up to date (version {manifest.version})", current)
    bucket = rollout_bucket(install_id())
    if bucket >= manifest.rollout:
        # Verified, just not for this computer yet: the feed is alive, so not out of date.
        installed.write_state(feed=feed, expires=manifest.expires.isoformat())
        return Outcome(
            "deferred",
            f"version {manifest.version} is being rolled out to {manifest.rollout}% of "
            "computers; this one will take it later",
            current,
            {"bucket": bucket, "offered": manifest.version},
        )
    payloads = {
        name: _download(source, entry.path, entry.sha256, entry.length)
        for name, entry in manifest.files.items()
    }
    try:
        record = profile_record.verify(
            payloads["providers_sig"], bundles.sha256(payloads["providers"]), pinned["profile"]
        )
    except profile_record.RecordProblem as exc:
        raise Rejected(f"the provider profiles were refused: {exc}") from None
    if record.channel != manifest.channel:
        raise Rejected(
            f"the provider profiles were signed for the {record.channel!r} channel, not "
            f"{manifest.channel!r}"
        )
    floor = installed.profiles_version_in_use(manifest.channel)
    if record.version < floor:
        raise Rejected(
            f"the provider profiles are version {record.version}, older than the installed "
            f"{floor}: refused (older phone numbers must never come back)"
        )
    signed = Signed(body, signature, f"{record.channel} {record.version}")
    _test_load(payloads, signed, pinned["content"], manifest.channel)
    folder = installed.install(manifest.version, lambda into: _unpack(payloads, into, signed))
    installed.write_state(
        feed=feed, etag=new_etag, version=manifest.version,
        expires=manifest.expires.isoformat(), files=hashes,
    )  # fmt: skip
    report(f"installed signature update version {manifest.version} into {folder}")
    return Outcome(
        "installed",
        f"installed version {manifest.version} (was {current})",
        manifest.version,
        {"folder": str(folder)},
    )


def _installed_loads(pinned: tuple[keys.TrustedKey, ...], channel: str) -> bool:
    """Is there an installed update, does it check out against these keys and this channel
    just as the guard checks it, and does it load? (If not, the same version is installed
    again rather than counted as current: a damaged copy gets repaired.)"""
    folder = installed.current_folder()
    if folder is None:
        return False
    try:
        installed_check.check(folder, pinned, channel)
        load_database(folder)
    except Exception:
        return False
    return True


def _pinned(trusted: Path | None) -> dict[str, tuple[keys.TrustedKey, ...]]:
    try:
        pinned = keys.trusted_keys(
            trusted or machine_config.trusted_keys_dir() or keys.builtin_keys_dir()
        )
    except keys.KeyProblem as exc:
        raise Rejected(f"the trusted keys cannot be read ({exc})") from None
    for role in keys.ROLES:
        if not pinned.get(role):
            raise Rejected(f"no trusted {role} key is installed, so no update can be checked")
    return pinned


def _verified(
    body: bytes,
    signature: bytes,
    *,
    pinned: dict[str, tuple[keys.TrustedKey, ...]],
    channel: str,
    now: dt.datetime,
    current: int,
) -> Manifest:
    if len(body) > MAX_MANIFEST_BYTES:
        raise Rejected(f"the manifest is larger than {MAX_MANIFEST_BYTES // 1024} KiB")
    try:
        keys.verify(pinned["content"], "manifest", body, signature)
    except keys.BadSignature as exc:
        raise Rejected(f"the manifest's signature was refused: {exc}") from None
    try:
        manifest = parse(body)
    except ManifestProblem as exc:
        raise Rejected(str(exc)) from None
    if manifest.product != PRODUCT:
        raise Rejected(f"the manifest is for {manifest.product!r}, not {PRODUCT!r}")
    if manifest.channel != channel:
        raise Rejected(f"the manifest is for the {manifest.channel!r} channel, not {channel!r}")
    if manifest.expired(now):
        raise Rejected(
            f"the manifest expired on {manifest.expires:%Y-%m-%d %H:%M} UTC; keeping the "
            "signatures in use (the feed has not been re-signed)"
        )
    installed_feed = installed.version_in_use()
    if installed_feed and manifest.version > max(current, installed_feed) + MAX_VERSION_JUMP:
        raise Rejected(
            f"the feed jumps from version {current} to {manifest.version}: more than "
            f"{MAX_VERSION_JUMP} at once is refused (it would freeze every later update)"
        )
    if manifest.version < current:
        raise Rejected(
            f"the feed offers version {manifest.version}, older than the installed "
            f"{current}: refused (an old update replayed, or a rollback)"
        )
    return manifest


def _download(source: Fetcher, path: str, sha256: str, length: int) -> bytes:
    data, _ = source.get(path, length)
    if data is None:
        raise Rejected(f"{path}: the feed answered 'not modified' for a file never fetched")
    if len(data) != length:
        raise Rejected(f"{path} is {len(data)} bytes, not the {length} the manifest says")
    if hashlib.sha256(data).hexdigest() != sha256:
        raise Rejected(f"{path} does not match the manifest's sha256 (tampered or damaged)")
    return data


@dataclass(frozen=True)
class Signed:
    """What is kept beside an installed update so the guard can re-check it at every load:
    the manifest and its signature exactly as the feed served them."""

    manifest: bytes
    signature: bytes
    profiles_version: str  # "<channel> <version>", from the signed profile record


def _unpack(payloads: dict[str, bytes], into: Path, signed: Signed) -> None:
    """The installed layout (installed.py), every file written as bytes."""
    manifest = parse(signed.manifest)
    bundles.unpack("tools", payloads["tools"], into)
    (into / installed.VERSION).write_bytes(f"{manifest.version}\n".encode())
    (into / installed.PROFILES_VERSION).write_bytes(f"{signed.profiles_version}\n".encode())
    bundles.unpack("providers", payloads["providers"], into / installed.PROVIDERS)
    (into / installed.TOOLS_BUNDLE).write_bytes(payloads["tools"])
    (into / installed.PROVIDERS_BUNDLE).write_bytes(payloads["providers"])
    (into / installed.PROVIDERS_SIG).write_bytes(payloads["providers_sig"])
    (into / installed.SIGNATURE_COPY).write_bytes(signed.signature)
    (into / installed.MANIFEST_COPY).write_bytes(signed.manifest)


def _test_load(
    payloads: dict[str, bytes],
    signed: Signed,
    pinned: tuple[keys.TrustedKey, ...],
    channel: str,
) -> None:
    """Load the new data exactly as the guard will, re-check included, before anything is
    swapped in: an install the guard would refuse is never made."""
    with tempfile.TemporaryDirectory() as scratch:
        new = Path(scratch) / "new"
        try:
            _unpack(payloads, new, signed)
        except bundles.BundleProblem as exc:
            raise Rejected(str(exc)) from None
        try:
            installed_check.check(new, pinned, channel)
        except installed_check.Refused as exc:
            raise Rejected(f"the new update would not pass the guard's own check: {exc}") from None
        sigset, problems = check_database(new, future_check=False)
        if sigset is None:
            shown = "; ".join(str(p) for p in problems[:3])
            raise Rejected(f"the new tool signatures fail validation: {shown}")
        profiles, problems = load_profiles(new / installed.PROVIDERS, future_check=False)
        if problems or not len(profiles):
            shown = "; ".join(str(p) for p in problems[:3]) or "no profiles"
            raise Rejected(f"the new provider profiles fail validation: {shown}")
        SignatureIndex(sigset)  # the index the identifier will build

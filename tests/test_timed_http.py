"""The updater's one deadline over HTTPS too: a real TLS server on 127.0.0.1 (a certificate
made for the test) that trickles its status line, or never finishes the handshake, is cut
off when the deadline passes; a normal answer is read whole."""

from __future__ import annotations

import contextlib
import datetime as dt
import socket
import ssl
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from guard import clock
from guard.updates.timed_http import OutOfTime, TimedHTTPSHandler, TimedRequest

ANSWER = b"HTTP/1.0 200 OK\r\nContent-Length: 5\r\n\r\nhello"


def _certificate(folder: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    # OpenSSL checks validity against the machine's clock, which ``make test-future`` does not
    # move (only Python's): a window of years either side holds whichever clock asks.
    now = clock.now()
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1000))
        .not_valid_after(now + dt.timedelta(days=1000))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


def _answer(tls: ssl.SSLSocket, _done: threading.Event) -> None:
    tls.recv(4096)
    tls.sendall(ANSWER)


def _trickle(tls: ssl.SSLSocket, done: threading.Event) -> None:
    tls.recv(4096)
    for byte in b"HTTP/1.0 200 OK\r\nX-Padding: " + b"x" * 200 + b"\r\n\r\n":
        if done.wait(0.05):
            return
        tls.sendall(bytes([byte]))


BEHAVIOURS = {"answer": _answer, "trickle": _trickle, "no handshake": None}


class TLSServer:
    """One connection at a time on 127.0.0.1. ``behaviour`` is what it sends once the
    handshake is done; None: it accepts the connection and never says a word."""

    def __init__(self, folder: Path, kind: str):
        self.cert, key = _certificate(folder)
        self.context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.context.load_cert_chain(self.cert, key)
        self.behaviour = BEHAVIOURS[kind]
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while not self.done.is_set():
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            with conn, contextlib.suppress(OSError):
                if self.behaviour is None:
                    self.done.wait(30)
                    continue
                with self.context.wrap_socket(conn, server_side=True) as tls:
                    self.behaviour(tls, self.done)

    def close(self) -> None:
        self.done.set()
        self.listener.close()
        self.thread.join(timeout=5)

    def client_context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=str(self.cert))


@pytest.fixture
def tls_server(tmp_path: Path) -> Iterator[Callable[[str], TLSServer]]:
    made: list[TLSServer] = []

    def start(kind: str) -> TLSServer:
        made.append(TLSServer(tmp_path, kind))
        return made[-1]

    yield start
    for server in made:
        server.close()


def _fetch(server: TLSServer, time_limit: float) -> bytes:
    opener = urllib.request.OpenerDirector()
    opener.add_handler(TimedHTTPSHandler(context=server.client_context()))
    request = TimedRequest(
        f"https://localhost:{server.port}/manifest.json", deadline=time.monotonic() + time_limit
    )
    with opener.open(request, timeout=10) as response:
        return response.read()


def test_a_normal_https_answer_is_read_whole(tls_server):
    assert _fetch(tls_server("answer"), time_limit=10) == b"hello"


@pytest.mark.parametrize("kind", ["trickle", "no handshake"])
def test_an_https_server_that_trickles_or_stalls_is_cut_off_at_the_deadline(tls_server, kind):
    """Each byte (or the silence) stays inside the 10 s per-read timeout; only the one
    deadline can end it, and it does, with the thread that asked carrying on."""
    server = tls_server(kind)
    with pytest.raises((OutOfTime, urllib.error.URLError)) as stopped:
        _fetch(server, time_limit=1.0)
    reason = getattr(stopped.value, "reason", stopped.value)
    assert isinstance(reason, OutOfTime), repr(stopped.value)  # the deadline, not a timeout

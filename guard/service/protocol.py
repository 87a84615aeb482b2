"""The service's message protocol (version 1): what a tray or the command line may say to the
privileged guard service, and what it says back.

Every message is one frame: a 4-byte big-endian length, then that many bytes of UTF-8 JSON
holding one object with a ``type``. The service trusts nothing a client sends: a frame
longer than ``MAX_REQUEST`` is refused before it is read, a message that is not one of the
shapes below (unknown type, missing or extra field, wrong type, over-long text) is refused
with a one-line reason, and neither ever reaches the engine. Frames are plain data: no
pickle, no code, no references to objects.

Client → service (each may carry ``id``, an integer the reply repeats as ``re``):

=============  =====================================================  ======================
type           fields                                                 who may
=============  =====================================================  ======================
``hello``      ``v`` (protocol version), ``client`` (tray, cli)       anyone; must be first
``subscribe``  –: events and owed warnings for this user from now on  anyone
``status``     –                                                      anyone
``decide``     ``incident``, ``action`` (block, allow), ``scope``,    the incident's user or
               ``nobody_on_phone`` (the warning's question answered)  an administrator
``trust``      ``tool``, ``action`` (add, remove), ``note``           administrators
``provider``   ``profile`` (a profile id)                             administrators
``stop``       ``reason``                                             administrators
``bye``        ``reason``: the tray quits on purpose                  anyone
``update``     –: check the update feed now (one check at a time)     anyone
``banking``    ``bank`` (its name): a bank came to this person's      anyone (acts on that
               foreground; a tool with a live session is frozen       person's tools only)
=============  =====================================================  ======================

A tray that goes away without ``bye`` was killed or crashed: the service journals it.

Service → client: ``welcome`` (the reply to ``hello``), ``reply`` (``ok``, ``message``,
``retry_after`` when a rule says "not yet", and per-request data), ``event`` (one guard event
and the incident it is about) and ``bye`` (the service is stopping).
"""

from __future__ import annotations

import json
import struct
from collections.abc import Callable, Mapping
from typing import Any

from guard.errors import ScamGuardError

VERSION = 1
HEADER = struct.Struct(">I")
MAX_REQUEST = 16 * 1024  # a client's message: a decision is a few hundred bytes
MAX_REPLY = 1024 * 1024  # the service's: an incident with its timeline
MAX_TEXT = 512  # any one text field a client sends
CLIENTS = ("tray", "cli")
ACTIONS = ("block", "allow")
TRUST_ACTIONS = ("add", "remove")


class ProtocolError(ScamGuardError):
    """A frame or message that breaks the protocol; the message is the one-line reason."""


def encode(message: Mapping[str, Any], limit: int) -> bytes:
    """One frame. Raises ProtocolError for a message over ``limit`` (never sent cut short)."""
    body = json.dumps(message, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    if len(body) > limit:
        raise ProtocolError(f"message of {len(body)} bytes is over the {limit}-byte limit")
    return HEADER.pack(len(body)) + body


def frame_length(header: bytes, limit: int) -> int:
    """The body length a header announces; refused when over ``limit`` before reading it."""
    (length,) = HEADER.unpack(header)
    if length > limit:
        raise ProtocolError(f"message of {length} bytes refused (the limit is {limit})")
    return int(length)


def decode(body: bytes) -> dict[str, Any]:
    """A frame's body as a JSON object with a text ``type``."""
    try:
        message = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise ProtocolError(f"not a JSON message ({exc})") from None
    except RecursionError:  # "[[[[…": nested deeper than any real message
        raise ProtocolError("not a JSON message (nested too deeply)") from None
    if not isinstance(message, dict) or not isinstance(message.get("type"), str):
        raise ProtocolError("a message must be a JSON object with a 'type'")
    return message


def _text(limit: int = MAX_TEXT, choices: tuple[str, ...] = ()) -> Callable[[Any], str]:
    def check(value: Any) -> str:
        if not isinstance(value, str):
            return "must be text"
        if len(value) > limit:
            return f"is longer than {limit} characters"
        if choices and value not in choices:
            return f"must be one of {', '.join(choices)}"
        return ""

    return check


def _optional_text(limit: int = MAX_TEXT) -> Callable[[Any], str]:
    inner = _text(limit)
    return lambda value: "" if value is None else inner(value)


def _flag(value: Any) -> str:
    return "" if isinstance(value, bool) else "must be true or false"


def _integer(value: Any) -> str:
    ok = isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 2**53
    return "" if ok else "must be a whole number"


# type -> {field: (required, check)}; ``id`` is allowed on every request.
REQUESTS: dict[str, dict[str, tuple[bool, Callable[[Any], str]]]] = {
    "hello": {"v": (True, _integer), "client": (True, _text(16, CLIENTS))},
    "subscribe": {},
    "status": {},
    "decide": {
        "incident": (True, _text(64)),
        "action": (True, _text(16, ACTIONS)),
        "scope": (False, _optional_text(32)),
        "nobody_on_phone": (False, _flag),
    },
    "trust": {
        "tool": (True, _text(64)),
        "action": (True, _text(16, TRUST_ACTIONS)),
        "note": (False, _optional_text()),
    },
    "provider": {"profile": (True, _text(64))},
    "stop": {"reason": (False, _optional_text())},
    "bye": {"reason": (False, _optional_text())},
    "update": {},
    "banking": {"bank": (True, _text(64))},
}
ADMIN_ONLY = frozenset({"trust", "provider", "stop"})


def validate_request(message: Mapping[str, Any]) -> str:
    """Why a client's message is not a valid request, in one line ("" when it is)."""
    kind = message.get("type")
    shape = REQUESTS.get(kind) if isinstance(kind, str) else None
    if shape is None:
        return f"unknown message type {str(kind)[:40]!r}"
    for name in message:
        if name not in shape and name not in ("type", "id"):
            return f"{kind}: unexpected field {str(name)[:40]!r}"
    if "id" in message and _integer(message["id"]):
        return f"{kind}: id must be a whole number"
    for name, (required, check) in shape.items():
        if name not in message:
            if required:
                return f"{kind}: missing field {name!r}"
            continue
        why = check(message[name])
        if why:
            return f"{kind}: {name} {why}"
    return ""


def reply(request: Mapping[str, Any], ok: bool, message: str, **data: Any) -> dict[str, Any]:
    """The answer to ``request``: ``re`` names it, ``message`` is one line for a person."""
    answer: dict[str, Any] = {"type": "reply", "ok": ok, "message": message, **data}
    if isinstance(request.get("id"), int):
        answer["re"] = request["id"]
    return answer

"""The privileged guard service's server: one engine for the whole computer, and a socket
through which each person's tray (and the command line) sees it and answers it.

What the split buys: the engine, its journal and its trust list run as root (LocalSystem),
so one dictated command run as the person (``kill``, ``systemctl --user stop``, editing a
settings file) no longer turns protection off, and a tool running as root or as another user
is frozen like any other. The tray only shows and asks; every decision comes back here, and
the **rules are enforced here**, not in the window, so a script or a second client cannot
skip them:

- "allow" only after the warning has been in front of that person for ``ALLOW_WAIT`` seconds
  (counted from when this service first showed it to one of their trays, or, with no tray,
  from their first request), only with the warning's question answered ("nobody is on the
  phone with me"), and only for a scope that ends (until it closes, or at most 24 hours);
- "block" by the incident's person or an administrator; a tool of a system account belongs
  to everyone signed in;
- trust, the provider and stopping the service: administrators only, journalled with who.

A person's tray that is killed or was never started loses nothing: the incident stays
frozen and its warning is *owed*: every tray of that person that connects (subscribes) gets
the open incidents first. Every refusal (a rule, a right, a malformed or oversized
message) is answered in one line and journalled as a ``refused`` event; none reaches the
engine, and none can stop the service.
"""

from __future__ import annotations

import contextlib
import functools
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from guard.engine.engine import Engine
from guard.engine.incidents import AllowScope, DecisionError, IncidentView, State
from guard.service import protocol
from guard.service.protocol import ProtocolError
from guard.service.transport import Channel, ChannelClosed, Listener
from guard.service.wire import event_to_wire, incident_to_wire
from guard.state.events import EventKind, GuardEvent

ALLOW_WAIT = 30.0  # seconds a warning is up before "I started this myself" is accepted
MAX_CLIENTS = 64
PER_PERSON = 8  # connections one account may hold: nobody can crowd the others' windows out
HELLO_SECONDS = 3.0  # a connection that has not said hello by then is closed
REFUSALS_PER_MINUTE = 20  # journalled per account; the rest are counted in one line
OUTBOX = 512  # messages waiting for a slow client before it is dropped
EVERYONE = None  # the owner of a tool running as a system account
MAX_NOTICES = 20
ADMIN_WORDS = {
    "trust": "change the trusted programs",
    "provider": "change whose numbers the warning shows",
    "stop": "stop the ScamGuard service",
}


@dataclass
class Session:
    """One connected client."""

    channel: Channel
    number: int
    client: str = ""
    subscribed: bool = False
    said_bye: bool = False
    outbox: queue.Queue[dict[str, Any] | None] = field(
        default_factory=lambda: queue.Queue(maxsize=OUTBOX)
    )

    @property
    def who(self) -> str:
        peer = self.channel.peer
        where = f", pid {peer.pid}" if peer.pid else ""
        return f"{peer.name}{where}{', ' + self.client if self.client else ''}"


@dataclass
class Actions:
    """What the service does for an administrator's request, outside the engine (the
    settings the engine reads): injected, so the server is tested with real files."""

    trust: Callable[[str, str, str, str], str]  # tool id, add/remove, note, who -> message
    provider: Callable[[str, str], str]  # profile id, who -> message
    stop: Callable[[str], None]  # reason
    update: Callable[[], tuple[str, bool]] = lambda: ("no update feed is set up", True)


class GuardService:
    def __init__(
        self,
        engine: Engine,
        listener: Listener,
        actions: Actions,
        *,
        status: Callable[[], dict[str, Any]] = dict,
        allow_wait: float = ALLOW_WAIT,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.engine = engine
        self.listener = listener
        self.actions = actions
        self.status = status
        self.allow_wait = allow_wait
        self.clock = clock
        self._lock = threading.Lock()
        self._sessions: dict[int, Session] = {}
        self._numbers = iter(range(1, 2**62))
        # "Protection was off" since this service started: each person's window says it once.
        self._notices: list[tuple[int, dict[str, Any]]] = []  # (number, message)
        self._noticed: set[tuple[int, str]] = set()  # (number, person) sent
        # (incident, person) -> when a window of that person first showed it (the wait's start)
        self._shown: dict[tuple[str, str], float] = {}
        self._banking: dict[str, str | None] = {}  # incident -> the bank it waits for
        self._pending: dict[str, bool] = {}  # incident -> waiting for a decision, last seen
        self._refusals: dict[int, tuple[float, int]] = {}  # uid -> (minute began, count)
        # Held while events are queued for windows, and while a window subscribes, so the
        # open incidents it is owed and the events after them arrive in order.
        self._delivery = threading.Lock()
        self._stopping = threading.Event()
        self._acceptor = threading.Thread(target=self._accept, name="service-accept", daemon=True)

    # --- running ---

    def start(self, accept: bool = True) -> None:
        """Hear the engine's events; and, unless ``accept`` is False (the runner first
        starts the rest of the service, ``accept_clients``), take clients."""
        self.engine.add_listener(self._on_event)
        if accept:
            self.accept_clients()

    def accept_clients(self) -> None:
        self._acceptor.start()

    def stop(self) -> None:
        self._stopping.set()
        self.engine.remove_listener(self._on_event)
        self.listener.close()
        with self._lock:
            sessions = list(self._sessions.values())
        for session in sessions:
            self._post(session, {"type": "bye", "message": "the ScamGuard service is stopping"})
            with contextlib.suppress(queue.Full):
                session.outbox.put_nowait(None)
        for session in sessions:
            session.channel.close()
        if self._acceptor.ident is not None:
            self._acceptor.join(timeout=5)

    def clients(self, subscribed_only: bool = False) -> list[Session]:
        with self._lock:
            return [s for s in self._sessions.values() if s.subscribed or not subscribed_only]

    def _accept(self) -> None:
        while not self._stopping.is_set():
            channel = self.listener.accept()
            if channel is None:
                return
            with self._lock:
                session = Session(channel, next(self._numbers))
                theirs = sum(
                    1 for s in self._sessions.values() if s.channel.peer.uid == channel.peer.uid
                )
                full = len(self._sessions) >= MAX_CLIENTS or theirs >= PER_PERSON
                if not full:
                    self._sessions[session.number] = session
            if full:
                self._refuse(session, "too many connections at once", close=True)
                continue
            timer = threading.Timer(HELLO_SECONDS, self._hello_due, args=(session,))
            timer.daemon = True
            timer.start()
            threading.Thread(
                target=self._serve,
                args=(session,),
                name=f"service-client-{session.number}",
                daemon=True,
            ).start()
            threading.Thread(
                target=self._send_loop,
                args=(session,),
                name=f"service-send-{session.number}",
                daemon=True,
            ).start()

    def _hello_due(self, session: Session) -> None:
        """A connection that said nothing in time holds a place for nobody: closed."""
        if not session.client:
            session.channel.close()

    def _serve(self, session: Session) -> None:
        try:
            while not self._stopping.is_set():
                try:
                    message = session.channel.receive()
                except ProtocolError as exc:
                    # The frame cannot be trusted to end where it says: drop the connection.
                    self._refuse(session, str(exc), close=True)
                    return
                self._handle(session, message)
        except (ChannelClosed, TimeoutError, OSError):
            pass
        finally:
            self._drop(session)

    def _send_loop(self, session: Session) -> None:
        while True:
            message = session.outbox.get()
            if message is None:  # everything before it was sent: now the link can go
                session.channel.close()
                return
            try:
                session.channel.send(message)
            except ProtocolError as exc:  # too big to send: skipped, the link stays
                self.engine.problem(f"a message to {session.who} was not sent ({exc})")
            except (ChannelClosed, OSError):
                session.channel.close()
                return

    def _post(self, session: Session, message: dict[str, Any]) -> None:
        """Queue a message for one client; a client that has stopped reading is dropped
        (its warnings stay owed), never waited for."""
        try:
            session.outbox.put_nowait(message)
        except queue.Full:
            self.engine.problem(
                f"the ScamGuard window of {session.channel.peer.name} stopped reading; "
                "disconnected it (its warnings will be shown when it connects again)"
            )
            session.channel.close()

    def _drop(self, session: Session) -> None:
        with self._lock:
            self._sessions.pop(session.number, None)
        try:  # the sender closes the link once what is queued (a last reply) has gone
            session.outbox.put(None, timeout=1.0)
        except queue.Full:
            session.channel.close()
        if session.client == "tray" and not session.said_bye and not self._stopping.is_set():
            self.engine.note(
                EventKind.ERROR,
                f"the ScamGuard window of {session.channel.peer.name} closed without Quit "
                "(killed or crashed); protection goes on, and its warnings are kept for it",
                user=session.channel.peer.name,
            )

    # --- requests ---

    def _handle(self, session: Session, message: dict[str, Any]) -> None:
        why = protocol.validate_request(message)
        if why:
            self._refuse(session, why, request=message)
            return
        kind = message["type"]
        if not session.client and kind != "hello":
            self._refuse(session, "say hello first", request=message)
            return
        if kind in protocol.ADMIN_ONLY and not session.channel.peer.admin:
            self._refuse(
                session,
                f"only an administrator can {ADMIN_WORDS.get(kind, kind)}; ask the person who "
                "looks after this computer (in a terminal: sudo scamguard ...)",
                request=message,
            )
            return
        handler = getattr(self, f"_on_{kind}")
        try:
            handler(session, message)
        except ValueError as exc:  # not a tool, not a profile...: a plain refusal
            self._refuse(session, str(exc), request=message)
        except Exception as exc:  # a request never takes the service down
            self.engine.problem(f"a request from {session.who} failed ({exc!r})")
            self._post(
                session, protocol.reply(message, False, f"the service could not do this ({exc!r})")
            )

    def _on_hello(self, session: Session, message: dict[str, Any]) -> None:
        if message["v"] != protocol.VERSION:
            self._refuse(
                session,
                f"protocol version {message['v']} is not {protocol.VERSION}",
                request=message,
                close=True,
            )
            return
        session.client = message["client"]
        peer = session.channel.peer
        self._post(
            session,
            {
                "type": "welcome",
                "v": protocol.VERSION,
                "re": message.get("id"),
                "user": peer.name,
                "admin": peer.admin,
                **self.status(),
            },
        )

    def _on_bye(self, session: Session, message: dict[str, Any]) -> None:
        session.said_bye = True
        self._post(session, protocol.reply(message, True, "goodbye"))

    def _on_status(self, session: Session, message: dict[str, Any]) -> None:
        views = [incident_to_wire(v) for v in self._visible(session)]
        self._post(
            session, protocol.reply(message, True, "protecting", incidents=views, **self.status())
        )

    def _on_subscribe(self, session: Session, message: dict[str, Any]) -> None:
        """From now on this client hears its person's events; first it gets every open
        incident of theirs: the warnings owed while no tray of theirs was there."""
        with self._delivery:
            self._subscribe(session, message)

    def _subscribe(self, session: Session, message: dict[str, Any]) -> None:
        owed = [
            v
            for v in self._visible(session)
            if v.state in (State.DETECTED, State.FROZEN, State.ALLOWED)
        ]
        with self._lock:
            session.subscribed = True
        self._post(session, protocol.reply(message, True, "subscribed", owed=len(owed)))
        self._send_notices(session)
        for view in owed:
            if view.pending and session.client == "tray":
                self._mark_shown(view.id, session.channel.peer.name)
            last = view.timeline[-1] if view.timeline else None
            self._post(
                session,
                {
                    "type": "event",
                    "owed": True,
                    "event": event_to_wire(last) if last else None,
                    "incident": incident_to_wire(view),
                },
            )

    def _on_decide(self, session: Session, message: dict[str, Any]) -> None:
        peer = session.channel.peer
        incident_id = message["incident"]
        try:
            view = self.engine.incident(incident_id)
        except DecisionError as exc:
            self._refuse(session, str(exc), request=message)
            return
        if not (peer.admin or self._owner(view) in (EVERYONE, peer.name)):
            self._refuse(session, f"incident {incident_id} is not yours to decide", request=message)
            return
        if message["action"] == "block":
            view = self.engine.block(incident_id)
            self.engine.wait_delivered()  # its events reach the client before this reply
            self._post(session, protocol.reply(message, True, f"{view.tool.name} was removed"))
            return
        why, retry = self._allow_refusal(view, session, message)
        if why:
            self._refuse(session, why, request=message, retry_after=retry)
            return
        scope = AllowScope.parse(message.get("scope") or "until-closed")
        try:
            via = "warning" if session.client == "tray" else "command-line"
            view = self.engine.allow(incident_id, scope, via=via)
        except DecisionError as exc:
            self._refuse(session, str(exc), request=message)
            return
        self.engine.wait_delivered()
        self._post(
            session, protocol.reply(message, True, f"{view.tool.name} was allowed {scope.label}")
        )

    def _allow_refusal(
        self, view: IncidentView, session: Session, message: dict[str, Any]
    ) -> tuple[str, float | None]:
        """Why an "allow" is refused now ("" when it is not), and when to ask again.

        The wait counts from when one of the person's *windows* was first given the warning
        (a script's request starts nothing), and starts again each time the tool comes back
        to waiting. Without a window, only an administrator (``sudo scamguard allow``, whose
        first request then starts the wait) can let a tool run."""
        person = session.channel.peer.name
        try:
            scope = AllowScope.parse(message.get("scope") or "until-closed")
        except ValueError as exc:
            return str(exc), None
        if scope.kind == "trusted":
            return "permanent trust is a setting for an administrator, not a decision", None
        with self._lock:
            shown = self._shown.get((view.id, person))
        if shown is None:
            if not session.channel.peer.admin:
                return (
                    "the warning has not been on this person's screen: open ScamGuard and "
                    "decide there (or ask an administrator)"
                ), None
            shown = self._mark_shown(view.id, person)
        waited = self.clock() - shown
        if waited < self.allow_wait:
            left = self.allow_wait - waited
            return (
                f"the warning has been up for {int(waited)} s; a tool can be let run only "
                f"after {int(self.allow_wait)} s (ask again in {left:.0f} s)"
            ), round(left, 1)
        if message.get("nobody_on_phone") is not True:
            return "the warning's question was not answered: is anyone on the phone with you?", None
        return "", None

    def _on_trust(self, session: Session, message: dict[str, Any]) -> None:
        said = self.actions.trust(
            message["tool"], message["action"], message.get("note") or "", session.who
        )
        self._post(session, protocol.reply(message, True, said))

    def _on_provider(self, session: Session, message: dict[str, Any]) -> None:
        said = self.actions.provider(message["profile"], session.who)
        self._post(session, protocol.reply(message, True, said))

    def _on_update(self, session: Session, message: dict[str, Any]) -> None:
        """Anyone may ask: an update is signed data, checked before it is used, and one
        check runs at a time (a second asker waits for the first's answer)."""
        said, ok = self.actions.update()
        self._post(session, protocol.reply(message, ok, said))

    def _on_banking(self, session: Session, message: dict[str, Any]) -> None:
        """A bank came to this person's foreground (their window says only which bank, never
        a title): every tool with a live session that concerns them is frozen at once: their
        own, and a system account's (which serves everyone signed in, so one person's bank
        stops it for all). It can only ever stop a tool, never let one run. The bank must be
        one of the banking data's, by name: its name is journalled and shown, and must never
        be words a caller chose."""
        bank = message["bank"]
        if bank not in known_banks():
            self._refuse(session, f"{bank[:64]!r} is not a bank ScamGuard knows", request=message)
            return
        frozen = self.engine.banking_opened(bank, person=session.channel.peer.name)
        self.engine.wait_delivered()
        said = f"{len(frozen)} connected tool(s) frozen" if frozen else "no live session"
        self._post(session, protocol.reply(message, True, said, frozen=frozen))

    def _on_stop(self, session: Session, message: dict[str, Any]) -> None:
        self._post(session, protocol.reply(message, True, "stopping"))
        reason = message.get("reason") or "stopped"
        threading.Thread(
            target=self.actions.stop, args=(f"{reason} (by {session.who})",), daemon=True
        ).start()

    def _refuse(
        self,
        session: Session,
        why: str,
        *,
        request: dict[str, Any] | None = None,
        close: bool = False,
        retry_after: float | None = None,
    ) -> None:
        kind = request.get("type") if isinstance(request, dict) else None
        what = f"a {str(kind)[:24]} request" if isinstance(kind, str) else "a message"
        unsaid = self._count_refusal(session.channel.peer.uid)
        if unsaid is not None:
            self.engine.note(
                EventKind.REFUSED,
                f"refused {what} from {session.who}: {why}"
                + (f" (and {unsaid} more refusals in the minute before, not written down)"
                   if unsaid else ""),
                user=session.channel.peer.name,
                uid=session.channel.peer.uid,
                client_pid=session.channel.peer.pid,
                reason=why,
                unwritten=unsaid,
            )  # fmt: skip
        extra = {"retry_after": retry_after} if retry_after is not None else {}
        answer = protocol.reply(request or {}, False, why, **extra)
        if close:
            with contextlib.suppress(ChannelClosed, ProtocolError, OSError):
                session.channel.send(answer)
            session.channel.close()
        else:
            self._post(session, answer)

    def _count_refusal(self, uid: int) -> int | None:
        """None when this refusal is one too many to write down this minute; otherwise how
        many went unwritten in the minute before (0 usually): a flood of bad requests must
        not fill the disk, and is still on record as a count."""
        now = self.clock()
        with self._lock:
            began, count = self._refusals.get(uid, (now, 0))
            if now - began >= 60:
                unsaid = max(0, count - REFUSALS_PER_MINUTE)
                self._refusals[uid] = (now, 1)
                return unsaid
            self._refusals[uid] = (began, count + 1)
            return 0 if count < REFUSALS_PER_MINUTE else None

    # --- events to trays ---

    def _on_event(self, event: GuardEvent, incident: IncidentView | None) -> None:
        """Runs on the engine's events thread: only queues."""
        if self._stopping.is_set():
            return
        owner = self._owner(incident) if incident is not None else EVERYONE
        payload = {
            "type": "event",
            "event": event_to_wire(event),
            "incident": incident_to_wire(incident) if incident is not None else None,
        }
        if incident is not None:
            self._follow(incident)
        with self._delivery:
            self._deliver(event, incident, owner, payload)

    def _follow(self, incident: IncidentView) -> None:
        """The wait starts again each time a tool comes back to waiting (a relaunch after it
        was allowed or had closed); an incident that is over is forgotten here."""
        with self._lock:
            was = self._pending.get(incident.id)
            banking_was = self._banking.get(incident.id)
            if incident.state in (State.BLOCKED, State.ENDED):
                self._pending.pop(incident.id, None)
                self._banking.pop(incident.id, None)
                self._shown = {k: v for k, v in self._shown.items() if k[0] != incident.id}
                return
            self._pending[incident.id] = incident.pending
            self._banking[incident.id] = incident.banking
            # Waiting again, or waiting now for the bank (a new warning): the wait restarts.
            fresh_bank = incident.banking is not None and banking_was != incident.banking
            if incident.pending and (was is False or fresh_bank):
                self._shown = {k: v for k, v in self._shown.items() if k[0] != incident.id}

    def _deliver(
        self,
        event: GuardEvent,
        incident: IncidentView | None,
        owner: str | None,
        payload: dict[str, Any],
    ) -> None:
        if event.kind is EventKind.PROTECTION_OFF and event.data.get("notice"):
            with self._lock:
                number = self._notices[-1][0] + 1 if self._notices else 1
                self._notices = [*self._notices[-(MAX_NOTICES - 1) :], (number, payload)]
                kept = {n for n, _ in self._notices}
                self._noticed = {k for k in self._noticed if k[0] in kept}
            for session in self.clients(subscribed_only=True):
                self._send_notices(session)
            return
        for session in self.clients(subscribed_only=True):
            peer = session.channel.peer
            if incident is None:
                # Errors and refusals name other people's files and programs: administrators.
                if event.kind in (EventKind.ERROR, EventKind.REFUSED) and not peer.admin:
                    continue
                # A session no incident holds (a Remote Desktop session) names who connected
                # from where: its own person, and administrators.
                if (
                    event.kind in (EventKind.SESSION_STARTED, EventKind.SESSION_ENDED)
                    and not peer.admin
                    and event.data.get("owner") not in (None, peer.name)
                ):
                    continue
            elif owner not in (EVERYONE, peer.name) and not peer.admin:
                continue
            if incident is not None and incident.pending and session.client == "tray":
                self._mark_shown(incident.id, peer.name)
            self._post(session, payload)

    def _send_notices(self, session: Session) -> None:
        """Every "protection was off" notice this person's windows have not been sent yet
        (a script's connection does not use them up)."""
        if session.client != "tray":
            return
        person = session.channel.peer.name
        with self._lock:
            due = [(key, n) for key, n in self._notices if (key, person) not in self._noticed]
            self._noticed.update((key, person) for key, _n in due)
        for _key, notice in due:
            self._post(session, notice)

    def _mark_shown(self, incident_id: str, person: str) -> float:
        with self._lock:
            return self._shown.setdefault((incident_id, person), self.clock())

    def _visible(self, session: Session) -> list[IncidentView]:
        peer = session.channel.peer
        return [
            v
            for v in self.engine.incidents()
            if peer.admin or self._owner(v) in (EVERYONE, peer.name)
        ]

    @staticmethod
    def _owner(view: IncidentView) -> str | None:
        """Whose incident this is: the engine keeps one incident per tool and person
        (``person_of``: who the process runs as, who owns the installer); a system account's
        tool, or a system setting, is everyone's (None)."""
        return view.owner


@functools.cache
def known_banks() -> frozenset[str]:
    """The names of the banks in the shipped banking data (signatures/banking/)."""
    from guard.banking.loader import BankingCatalog  # noqa: PLC0415 - read on first use

    catalog = BankingCatalog()
    catalog.reload()
    return frozenset(bank.name for bank in catalog.banking_set.banks)

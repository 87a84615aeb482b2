"""One module per ``scamguard`` sub-command; each has ``register(subparsers)``."""

from guard.commands import (
    decide,
    history,
    identify,
    provider,
    quarantine,
    scan,
    signatures,
    trust,
    watch,
)

COMMANDS = (identify, scan, watch, decide, history, quarantine, trust, provider, signatures)

"""One module per ``scamguard`` sub-command; each has ``register(subparsers)``."""

from guard.commands import history, identify, quarantine, scan, signatures, trust, watch

COMMANDS = (identify, scan, watch, history, quarantine, trust, signatures)

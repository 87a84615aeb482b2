"""One module per ``scamguard`` sub-command; each has ``register(subparsers)``."""

from guard.commands import identify, scan, signatures, watch

COMMANDS = (identify, scan, watch, signatures)

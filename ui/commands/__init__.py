"""Sub-commands that need Qt; each imports it only when it runs, so ``--help`` stays quick."""

from ui.commands import preview_warning, report

COMMANDS = (preview_warning, report)

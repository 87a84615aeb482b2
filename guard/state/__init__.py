"""What ScamGuard keeps on disk, in one place: where each file lives (``paths``), the
machine-wide config an installer writes (``machine_config``), the person's settings
(``settings`` and the record of what ScamGuard last wrote, ``settings_written``, with hand
edits told apart, ``settings_edits``), and the journalled changes to them (``changes``).

Imports flow one way: this package never imports the engine, the watchers, the live guard,
the commands or the UI (tests/test_layering.py), so a command that only changes a setting
loads none of them.
"""

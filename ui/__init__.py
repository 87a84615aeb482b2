"""The PySide6 tray app and its windows (the warning, history, settings).

It imports ``guard`` and subscribes to the engine's incidents; ``guard`` never imports this
package, so the engine runs headless. The tray and warning arrive with their own issue.
"""

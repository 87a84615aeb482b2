"""The recovery pack: after a remote-access incident, one page for the person and their bank.

``load_pack`` reads one incident from the journal into a ``RecoveryPack`` (plain words,
local times, the provider's numbers); ``html.render`` turns it into a self-contained,
accessible HTML page, and ``ui/report_pdf.py`` prints that page to PDF with Qt. Pure Python:
the HTML can be made with no display and no Qt.
"""

from guard.report.build import ReportError, build_pack, load_pack
from guard.report.model import RecoveryPack
from guard.report.steps import installed_profiles, recovery_steps

__all__ = [
    "RecoveryPack",
    "ReportError",
    "build_pack",
    "installed_profiles",
    "load_pack",
    "recovery_steps",
]

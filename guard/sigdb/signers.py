"""Code-signing publishers that can never identify a remote-access tool on their own.

A tool's ``[signing] signers`` say "a program signed by this publisher is this tool". That
holds for AnyDesk Software GmbH, which signs nothing else, and never for a publisher that
signs the operating system, a browser or thousands of ordinary programs: Quick Assist is
signed by Microsoft, as is Notepad, so Microsoft's name would freeze Notepad. Those
publishers are listed here, in code like the protected names, so a signature file (or a
forged update) cannot add one; tools they publish are identified by their file names,
version information and install locations instead.
"""

from __future__ import annotations

# Compared case-folded, on the certificate's common name and organisation alike.
# fmt: off
SHARED_SIGNERS: frozenset[str] = frozenset(s.casefold() for s in (
    "Microsoft Corporation", "Microsoft Windows", "Microsoft Windows Publisher",
    "Microsoft 3rd Party Application Component", "Google LLC", "Google Inc", "Google Inc.",
    "Apple Inc.", "Apple Inc", "Mozilla Corporation", "Adobe Inc.", "Adobe Systems Incorporated",
    "Cisco Systems, Inc.", "Zoom Video Communications, Inc.", "Python Software Foundation",
    "Oracle America, Inc.", "Intel Corporation", "NVIDIA Corporation",
    "Advanced Micro Devices, Inc.",
    "Dell Inc", "Dell Inc.", "HP Inc.", "Lenovo", "Amazon.com Services LLC", "Valve Corp.",
    "Opera Norway AS", "Brave Software, Inc.", "Citrix Systems, Inc.", "VMware, Inc.",
    "Canonical Ltd.", "Red Hat, Inc.", "Ivanti, Inc.", "SolarWinds Worldwide, LLC",
    "Zoho Corporation Private Limited", "Western Digital Technologies, Inc.",
    # Publishers in the LOLRMM catalog that also sign programs that are not remote access
    # (so a tool of theirs is identified by names, version info and paths, never by signer):
    "GoTo Technologies USA, LLC", "LogMeIn, Inc.",  # GoTo Meeting, LastPass
    "ConnectWise, LLC", "ConnectWise, Inc.",  # ticketing and business clients too
    "N-ABLE TECHNOLOGIES LTD", "Kaseya Holdings Inc.",  # backup, antivirus, documentation
    "Famatech Corp.",  # Advanced IP Scanner besides Radmin
    "IDrive, Inc.", "MSPBytes Corp", "MSPBytes, Corp.",  # backup software besides RemotePC/MSP360
    "ENTER S.R.L.",  # Iperius Backup besides Iperius Remote
    "Electronic Team, Inc.",  # dozens of utilities and players besides HelpWire
    "AOMEI International Network Limited",  # backup and partition tools besides AnyViewer
    "Unity Technologies SF",  # the Unity editor besides Parsec
    "Laplink Software", "Laplink Software Inc.",  # PCmover besides Laplink Everywhere
    "EASYVISTA SAS", "Quest Software Inc.", "Rocket Software, Inc.",  # large software houses
    "Comodo Security Solutions", "Comodo Security Solutions, Inc.",  # antivirus, browser
    "ESET, spol. s r.o.", "Symantec Corporation", "PDQ.com Corporation",
    "Tencent Technology (Shenzhen) Company Limited", "LG Uplus Corp.",
    "ALIBABA (CHINA) NETWORK TECHNOLOGY CO.,LTD.", "win.rar GmbH", "Martin Prikryl",
    "Devolutions Inc", "LANDesk Software, Inc.",
))
# fmt: on


def shared_signer_reason(name: str) -> str | None:
    """Why ``name`` can never identify a tool by itself, or None when a tool may claim it."""
    if name.strip().casefold() in SHARED_SIGNERS:
        return f"{name!r} signs many programs that are not remote-access tools"
    return None

"""The identifier: names, files and processes in; a tool and the evidence for it out.

It is deliberately conservative. A verdict needs one strong piece of evidence (a distinctive
name, an installer pattern, PE version info, a bundle id, a package, a hash) or two weak ones
of different kinds (a generic name *and* the tool's install folder). Protected system names
never match by name, and metadata outranks names, so a renamed AnyDesk is still AnyDesk.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Mapping
from pathlib import Path, PurePath, PureWindowsPath

from guard.errors import ScamGuardError, describe_os_error
from guard.identify.bundle import enclosing_app, read_bundle_info
from guard.identify.contents import look_at_contents
from guard.identify.evidence import Evidence, Identification, decide
from guard.identify.executable import ExecutableFacts, FileFacts
from guard.identify.index import SignatureIndex
from guard.identify.installpaths import InstallPaths
from guard.identify.packaged import PackagedPrograms
from guard.identify.process import ProcessInfo
from guard.identify.signer import signer_names
from guard.platform import DPKG_INFO, current_os, program_images


class InspectError(ScamGuardError):
    """A target could not be inspected at all; the message is one line for the person."""


def _basename(path: str) -> str:
    """Last component of a POSIX or Windows path (process paths can be either)."""
    return PureWindowsPath(path).name if "\\" in path else PurePath(path).name


class Identifier:
    """Identifies targets against one compiled SignatureIndex; ``use`` switches to a new one
    in place (an installed update), so every watcher holding this identifier follows."""

    def __init__(
        self,
        index: SignatureIndex,
        os_name: str | None = None,
        env: Mapping[str, str] | None = None,
        home: str | None = None,
        *,
        hash_files: bool = False,
        dpkg_info: Path = DPKG_INFO,
    ):
        self.os_name = os_name or current_os()
        self._env, self._home, self._hash_asked = env, home, hash_files
        self._dpkg_info = dpkg_info
        self.executables = ExecutableFacts()
        self.use(index)

    def use(self, index: SignatureIndex) -> None:
        """Identify against ``index`` from now on. Each attribute is replaced whole (atomic
        under the GIL): a look already under way finishes on the old database."""
        self.install_paths = InstallPaths(
            index.signatures.tools, self.os_name, self._env, self._home
        )
        # Hash files when asked (quarantine records) or when the database has hashes to match.
        self.hash_files = self._hash_asked or bool(index.sha256)
        # Linux: which installed file a tool's own package put there (packaged.py).
        self.packaged = (
            PackagedPrograms(index.packages, self._dpkg_info) if self.os_name == "linux" else None
        )
        self.index = index

    # --- names ---

    def identify_name(self, name: str) -> Identification:
        """A bare process or file name, nothing read from disk."""
        return decide(name, self.index.lookup_name(name), self.index.tools)

    # --- files ---

    def identify_file(self, path: str | Path) -> Identification:
        """Inspect a file (or .app bundle) on disk; raises InspectError if it cannot be."""
        p = Path(path)
        shown = str(path)
        try:
            st = p.stat()
        except FileNotFoundError:
            raise InspectError(f"{shown}: no such file or folder") from None
        except PermissionError:
            raise InspectError(f"{shown}: permission denied") from None
        except OSError as exc:
            raise InspectError(f"{shown}: cannot be read ({describe_os_error(exc)})") from None
        evidence: list[Evidence] = []
        facts: dict[str, str] = {}
        app = enclosing_app(p)
        if app is not None:
            evidence += self._bundle_evidence(app, facts)
        elif stat.S_ISDIR(st.st_mode):
            raise InspectError(f"{shown}: is a folder, not a program or installer")
        evidence += self.index.lookup_name(p.name)
        if p.suffix == ".desktop":
            evidence += self.index.lookup_exact("desktop-id", p.name)
        sha = None
        if stat.S_ISREG(st.st_mode):
            if not os.access(p, os.R_OK):
                evidence.append(
                    Evidence(
                        "unreadable",
                        shown,
                        "the file could not be read "
                        "(permission denied), so only its name was checked",
                    )
                )
            else:
                content = self.executables.read(p, self.hash_files)
                if content is not None:
                    facts.update(content.as_facts())
                    evidence += self.content_evidence(content)
                    sha = content.sha256
                # A zip, MSI, ISO, package... holding or naming a tool is that tool.
                inside = look_at_contents(p, self.index, shown)
                evidence += inside.evidence
                facts.update({k: v for k, v in inside.facts.items() if k not in facts})
                if inside.signature:  # an MSI's Authenticode signature
                    evidence += self.signature_evidence(inside.signature, facts)
        evidence += self.path_evidence(os.path.abspath(p))
        if stat.S_ISREG(st.st_mode):
            evidence += self.package_evidence(os.path.abspath(p))
        return decide(
            shown,
            _dedupe(evidence),
            self.index.tools,
            path=os.path.abspath(p),
            sha256=sha,
            facts=facts,
        )

    def package_evidence(self, path: str) -> list[Evidence]:
        """The tool package that installed the program file ``path`` (Linux, dpkg)."""
        package = self.packaged.owner(path) if self.packaged is not None else None
        if package is None:
            return []
        return [
            Evidence(e.kind, e.value, f"the {package} package installed {path}", e.tool_id)
            for e in self.index.lookup_exact("package", package)
        ]

    def signature_evidence(self, signature: bytes, facts: dict[str, str]) -> list[Evidence]:
        """Evidence from a detached Authenticode signature (an MSI's ``DigitalSignature``
        stream): its publisher, as for a signed program; the publisher joins ``facts``."""
        signers = signer_names(signature)
        if signers:
            facts.setdefault("Signer", signers[0])
        return self.index.lookup_signers(signers)

    def identify_folder(self, path: str | Path) -> Identification:
        """A folder that just appeared in a program folder (``/opt/teamviewer``,
        ``Program Files\\AnyDesk``): its name and whether it is a tool's install location.
        Nothing inside is read; a generic folder name alone never matches."""
        p = Path(path)
        if p.suffix.casefold() == ".app":
            return self.identify_file(p)
        evidence = self.index.lookup_name(p.name) + self.path_evidence(os.path.abspath(p))
        return decide(str(path), _dedupe(evidence), self.index.tools, path=os.path.abspath(p))

    def content_evidence(self, content: FileFacts) -> list[Evidence]:
        """What a program file's content says: its hash, version information and signer.
        None of it changes when the file is renamed."""
        evidence = self.index.lookup_pe(content.version) if content.version else []
        if content.signers:
            evidence += self.index.lookup_signers(content.signers)
        if content.sha256:
            evidence += self.index.lookup_exact("sha256", content.sha256)
        if content.build_id:
            evidence += self.index.lookup_exact("build-id", content.build_id)
        return evidence

    def _bundle_evidence(self, app: Path, facts: dict[str, str]) -> list[Evidence]:
        info = read_bundle_info(app)
        facts.update(info)
        evidence = self.index.lookup_name(app.stem)
        if "CFBundleIdentifier" in info:
            evidence += self.index.lookup_exact("bundle-id", info["CFBundleIdentifier"])
        if "CFBundleExecutable" in info:
            evidence += self.index.lookup_name(info["CFBundleExecutable"])
        return evidence

    def path_evidence(self, path: str) -> list[Evidence]:
        return [
            Evidence(
                "install-path", path, f"lies in {tool.name}'s install location {where}", tool.id
            )
            for tool, where in self.install_paths.under(path)
        ]

    # --- processes ---

    def identify_process(self, proc: ProcessInfo, inspect_file: bool = True) -> Identification:
        """A running process: its names (name, executable, argv[0]), install path and, when
        ``inspect_file``, what its program file is: hash, PE version and signer, bundle.

        Without ``inspect_file`` nothing is read from disk (the watcher's first, fast look);
        the content look follows at once on another thread (watch/content_look.py)."""
        names = [proc.name]
        if proc.exe:
            names.append(_basename(proc.exe))
        if proc.cmdline and proc.cmdline[0]:
            names.append(_basename(proc.cmdline[0]))
        evidence: list[Evidence] = []
        seen: set[str] = set()
        for n in names:
            if n and n.casefold() not in seen:
                seen.add(n.casefold())
                evidence += self.index.lookup_name(n, self.os_name)
        facts: dict[str, str] = {}
        if proc.exe:
            evidence += self.path_evidence(proc.exe)
            if inspect_file:
                exe = Path(proc.exe)
                app = enclosing_app(exe)
                if app is not None:
                    evidence += self._bundle_evidence(app, facts)
                content = self.read_program(proc)
                if content is not None:
                    facts.update(content.as_facts())
                    evidence += self.content_evidence(content)
                evidence += self.package_evidence(proc.exe)
        evidence += [Evidence("unreadable", proc.label, p) for p in proc.problems]
        return decide(proc.label, _dedupe(evidence), self.index.tools, path=proc.exe, facts=facts)

    def read_program(self, proc: ProcessInfo) -> FileFacts | None:
        """The content of the file ``proc`` runs: read through the kernel's own link where
        there is one (Linux ``/proc/PID/exe``: the very file, even renamed or deleted since
        it started, or a program that only ever lived in memory), else by its path."""
        for path in program_images(proc.pid, proc.exe, self.os_name):
            content = self.executables.read(path, self.hash_files)
            if content is not None:
                return content
        return None

    # --- the CLI's notion of a target ---

    def identify_target(self, target: str) -> Identification:
        """A path that exists is inspected; a bare name is looked up; a missing path is an
        error (so a typo is not silently reported as 'not a remote-access tool')."""
        if not target.strip():
            raise InspectError("an empty name was given")
        try:
            os.lstat(target)
        except (FileNotFoundError, NotADirectoryError):
            pass
        except PermissionError:
            raise InspectError(f"{target}: permission denied") from None
        except OSError as exc:
            raise InspectError(f"{target}: cannot be read ({describe_os_error(exc)})") from None
        else:
            return self.identify_file(target)
        if "/" in target or "\\" in target or target.startswith("~"):
            raise InspectError(f"{target}: no such file or folder")
        return self.identify_name(target)


def _dedupe(evidence: list[Evidence]) -> list[Evidence]:
    """The same observation reached two ways (name and bundle executable) counts once."""
    seen: set[tuple[str, str | None, str]] = set()
    out = []
    for ev in evidence:
        key = (ev.kind, ev.tool_id, ev.value.casefold())
        if key not in seen:
            seen.add(key)
            out.append(ev)
    return out

"""docs/support-staff.md is run exactly as written: every ```sh block, in order, as one bash
script, against a real HTTP server on 127.0.0.1 serving the walkthrough's feed folder."""

from __future__ import annotations

import functools
import http.server
import json
import os
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import REPO

DOC = REPO / "docs" / "support-staff.md"
FENCE = re.compile(r"^\s*```(.*)$")
KINDS = {"sh", "text"}


def _blocks(text: str) -> list[tuple[str, str, int]]:
    """Every fenced block as (info string, body, line number of its opening fence)."""
    blocks: list[tuple[str, str, int]] = []
    info: str | None = None
    body: list[str] = []
    start = 0
    for number, line in enumerate(text.splitlines(), start=1):
        fence = FENCE.match(line)
        if info is None:
            if fence:
                info, body, start = fence.group(1).strip(), [], number
        elif fence and not fence.group(1).strip():
            blocks.append((info, "\n".join(body), start))
            info = None
        else:
            body.append(line)
    assert info is None, f"docs/support-staff.md: the block opened on line {start} never closes"
    return blocks


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *_args: object) -> None:
        pass


@pytest.fixture
def feed_url(tmp_path: Path) -> Iterator[str]:
    """A real web server on 127.0.0.1 serving ``tmp_path/feed`` (the walkthrough's $FEED)."""
    folder = tmp_path / "feed"
    folder.mkdir()
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_Quiet, directory=str(folder))
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def test_every_block_is_marked_sh_or_text() -> None:
    blocks = _blocks(DOC.read_text(encoding="utf-8"))
    unmarked = [(info or "(none)", line) for info, _body, line in blocks if info not in KINDS]
    assert not unmarked, f"blocks must be ```sh or ```text (info string, line): {unmarked}"
    assert sum(info == "sh" for info, _b, _l in blocks) >= 10


def test_the_walkthrough_runs_as_written(tmp_path: Path, feed_url: str) -> None:
    script = "\n\n".join(
        f"# docs/support-staff.md line {line}\n{body}"
        for info, body, line in _blocks(DOC.read_text(encoding="utf-8"))
        if info == "sh"
    )
    (tmp_path / "walkthrough.sh").write_text(script + "\n", encoding="utf-8")
    bindir = Path(sys.executable).parent
    assert (bindir / "scamguard").exists(), f"no scamguard next to {sys.executable}"
    env = {
        **os.environ,
        "SCAMGUARD_HOME": str(tmp_path / "home"),
        "WORK": str(tmp_path),
        "URL": feed_url,
        "SRC": str(REPO / "signatures"),
        "PATH": f"{bindir}{os.pathsep}{os.environ.get('PATH', '')}",
        "QT_QPA_PLATFORM": "offscreen",
    }
    done = subprocess.run(
        ["bash", "-euo", "pipefail", str(tmp_path / "walkthrough.sh")],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    output = f"--- stdout\n{done.stdout}\n--- stderr\n{done.stderr}"
    assert done.returncode == 0, output

    # The final `scamguard update ... --trusted-keys ...` installed the newest published version.
    published = max(
        json.loads(path.read_bytes())["version"]
        for path in (tmp_path / "feed").glob("*/manifest.json")
    )
    info = subprocess.run(
        ["scamguard", "signatures", "info", "--json"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    active = json.loads(info.stdout)
    assert active["origin"] == "installed update", output
    assert active["update"]["version"] == published, output
    assert Path(active["directory"]).is_relative_to(tmp_path / "home")
    # The refusals the doc demonstrates were really refusals, each for its own reason.
    for reason in (
        "no trusted content key is installed|signed by an unknown key",
        "the manifest is for the 'stable' channel, not 'beta'",
        "older than the installed",
        "does not match the manifest's sha256",
        "signature does not verify",
        "could not be reached",
    ):
        assert re.search(reason, done.stderr), f"expected a refusal matching {reason!r}\n{output}"
    assert "anydesk-practice: not a known remote-access tool" in done.stdout, output

"""How much of the public LOLRMM catalog the shipped database covers, and how well.

Prints, for the database: how many tools, and how many carry each kind of identity (a
code-signing publisher, Windows version information, Linux names, macOS names, a bundle id,
a Linux package); then, from ``benchmarks/data/lolrmm-map.toml`` (which LOLRMM entries are in
scope and which tool covers each), the in-scope coverage. The LOLRMM folder itself is only
used to spot catalog files the map does not know yet (a newer catalog); without it the
script says so in one line and still prints the database figures. Tests never need it.

Run: ``make bench`` or ``python benchmarks/catalog_coverage.py [LOLRMM_YAML_DIR] [--db DIR]``.
"""

from __future__ import annotations

import argparse
import sys
import tomllib
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from guard.sigdb.loader import load_database
from guard.sigdb.model import SignatureSet
from guard.state import paths

MAP_FILE = Path(__file__).resolve().parent / "data" / "lolrmm-map.toml"
DEFAULT_CATALOG = Path("/tmp/lolrmm/yaml")


def database_figures(sigset: SignatureSet) -> list[tuple[str, int]]:
    """Counts of tools carrying each kind of identity."""
    tools = sigset.tools
    return [
        ("tools in the database", len(tools)),
        ("with a code-signing publisher", sum(1 for t in tools if t.signers)),
        ("with Windows version info ([[pe]])", sum(1 for t in tools if t.pe)),
        ("with Linux names", sum(1 for t in tools if t.names.get("linux"))),
        ("with macOS names", sum(1 for t in tools if t.names.get("macos"))),
        ("with a macOS bundle id", sum(1 for t in tools if t.bundle_ids)),
        ("with a Linux package", sum(1 for t in tools if t.packages)),
    ]


def coverage(sigset: SignatureSet, catalog_map: dict) -> tuple[int, int, list[str]]:
    """In-scope entries, how many a shipped tool covers, and the uncovered files."""
    ids = {t.id for t in sigset.tools}
    mapped: dict[str, str] = catalog_map.get("tools", {})
    missing: dict[str, str] = catalog_map.get("missing", {})
    uncovered = sorted([f for f, tool_id in mapped.items() if tool_id not in ids] + list(missing))
    in_scope = len(mapped) + len(missing)
    return in_scope, in_scope - len(uncovered), uncovered


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("catalog", nargs="?", type=Path, default=DEFAULT_CATALOG)
    parser.add_argument("--db", type=Path, default=None, help="database folder (default: shipped)")
    args = parser.parse_args(argv)

    sigset = load_database(args.db or paths.builtin_signatures_dir())
    for label, count in database_figures(sigset):
        print(f"{label:<40} {count:>5}")

    with MAP_FILE.open("rb") as fh:
        catalog_map = tomllib.load(fh)
    meta = catalog_map.get("catalog", {})
    in_scope, covered, uncovered = coverage(sigset, catalog_map)
    merged = len(catalog_map.get("tools", {})) - len(set(catalog_map.get("tools", {}).values()))
    print(
        f"{meta.get('name', 'catalog')} {meta.get('commit', '?')}: {meta.get('files', '?')} files, "
        f"{in_scope} in scope ({merged} duplicate entries merged), "
        f"{len(catalog_map.get('out', {}))} out of scope"
    )
    print(f"in-scope coverage: {covered}/{in_scope} = {covered / max(in_scope, 1):.1%}")
    if uncovered:
        print("not covered: " + ", ".join(uncovered))

    if not args.catalog.is_dir():
        print(f"catalog folder {args.catalog} not found: skipped the check for unmapped entries")
        return 0
    known = {*catalog_map.get("tools", {}), *catalog_map.get("missing", {})}
    known |= set(catalog_map.get("out", {}))
    files = {p.name for p in args.catalog.iterdir() if p.suffix in (".yaml", ".yml")}
    unmapped = sorted(files - known)
    print(
        f"catalog files not in the map: {len(unmapped)}"
        + (f" ({', '.join(unmapped)})" if unmapped else "")
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

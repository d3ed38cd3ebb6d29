"""Released versions: every git tag vX.Y.Z is published, frozen, at /data/vX.Y.Z/, and the
changelog lists each version's row-level changes, computed from the data itself.

A release also commits `datapackage/releases/vX.Y.Z.sha256` (the SHA256SUMS of its downloads):
every build re-exports each tag and fails if a single byte of a released version would change.
"""

from __future__ import annotations

import re
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from scripts import diff, export
from scripts.descriptor import local_file
from scripts.package import load_descriptor

SEMVER_TAG = re.compile(r"^v(\d+)\.(\d+)\.(\d+)$")
LEDGER = Path("datapackage") / "releases"


@dataclass
class Version:
    version: str
    package_dir: Path
    extra: dict[str, bytes]
    tag: str | None  # None for the working tree (latest, possibly unreleased)


def release_tags(repo: Path) -> list[str]:
    """vX.Y.Z tags in version order; none outside a git checkout."""
    try:
        out = subprocess.run(
            ["git", "-C", str(repo), "tag", "--list", "v*"], check=True, capture_output=True, text=True
        ).stdout.split()
    except (OSError, subprocess.CalledProcessError):
        return []
    tags = [t for t in out if SEMVER_TAG.match(t)]
    return sorted(tags, key=lambda t: tuple(int(x) for x in SEMVER_TAG.match(t).groups()))


def checkout(repo: Path, tag: str, dest: Path) -> Version:
    package_dir = diff.export(repo, tag, dest)
    try:
        citation = diff.git(repo, "show", f"{tag}:CITATION.cff")
    except subprocess.CalledProcessError:
        citation = b""
    return Version(
        load_descriptor(package_dir / "datapackage.json")["version"],
        package_dir,
        {"CITATION.cff": citation} if citation else {},
        tag,
    )


@dataclass
class Entry:
    """One version in the changelog: per resource, its rows added, removed and changed."""

    version: str
    tag: str | None
    first: bool
    resources: list[diff.ResourceDiff]
    package: list[str]


def entries(history: list[Version]) -> list[Entry]:
    out = []
    for i, ver in enumerate(history):
        if i == 0:
            out.append(Entry(ver.version, ver.tag, True, [], []))
            continue
        d = diff.diff_packages(history[i - 1].package_dir, ver.package_dir, check=False)
        out.append(Entry(ver.version, ver.tag, False, [r for r in d.resources if r.changed], d.package))
    return out


def changelog(history: list[Version]) -> str:
    """Markdown for CHANGELOG.md: newest first, each version with its row-level changes."""
    sections = []
    for entry in reversed(entries(history)):
        lines = [f"## {entry.version}" + ("" if entry.tag else " (unreleased)"), ""]
        if entry.first:
            lines.append("First published version.")
        for res in entry.resources:
            counts = {k: sum(1 for r in res.rows if r.kind == k) for k in ("added", "removed", "changed")}
            lines.append(
                f"- {res.name}: {counts['added']} added, {counts['removed']} removed, "
                f"{counts['changed']} changed" + (f"; schema: {'; '.join(res.schema)}" if res.schema else "")
            )
            for row in res.rows:
                cells = (
                    "; ".join(f"{f}: {diff.show(a)} -> {diff.show(b)}" for f, a, b in row.cells)
                    if row.kind == "changed"
                    else ""
                )
                lines.append(f"  - {row.kind} {', '.join(row.key)}" + (f": {cells}" if cells else ""))
        lines += [f"- package: {line}" for line in entry.package]  # the descriptor's own properties
        if not entry.first and not entry.resources and not entry.package:
            lines.append("No change to the data.")
        sections.append("\n".join(lines) + "\n")
    return "# Changelog\n\n" + "\n".join(sections)


def site_entries(repo: Path, package_dir: Path, version: str | None = None) -> list[Entry]:
    """The changelog for the site's changelog page, newest first."""
    with tempfile.TemporaryDirectory() as tmp:
        released, current = history(repo, package_dir, Path(tmp), version)
        return list(reversed(entries(released + ([current] if current else []))))


def history(repo: Path, package_dir: Path, tmp: Path, version: str | None = None) -> tuple[list[Version], Version]:
    """Released versions, then the whole history including the working tree when it differs.

    `version`: the working tree's, when the build has already read it (scripts/pipeline.py)."""
    released = [checkout(repo, tag, tmp / tag) for tag in release_tags(repo)]
    citation = local_file(repo, "CITATION.cff").read_bytes() if (repo / "CITATION.cff").exists() else b""
    current = Version(
        version or load_descriptor(package_dir / "datapackage.json")["version"],
        package_dir,
        {"CITATION.cff": citation} if citation else {},
        None,
    )
    unreleased = not released or diff_is_change(released[-1], current)
    return released, current if unreleased else None


def publish(repo: Path, package_dir: Path, site_dir: Path, version: str | None = None) -> list[Version]:
    """Export every released version, frozen, and the working tree as latest; returns the history."""
    with tempfile.TemporaryDirectory() as tmp:
        released, current = history(repo, package_dir, Path(tmp), version)
        full = released + ([current] if current else [])
        for i, ver in enumerate(released):
            files = export.export(ver.package_dir, site_dir / "data" / ver.tag, changelog(full[: i + 1]), ver.extra)
            check_frozen(repo, ver.tag, files)
        latest = current or released[-1]
        export.export(package_dir, site_dir / "data" / "latest", changelog(full), latest.extra)
        return [Version(v.version, Path(), {}, v.tag) for v in full]


def write_ledger(repo: Path, tag: str) -> Path:
    """At release: export the working tree as `tag` and record its checksums."""
    with tempfile.TemporaryDirectory() as tmp:
        released, current = history(repo, repo / "datapackage", Path(tmp) / "tags")
        current = current or Version(released[-1].version, repo / "datapackage", released[-1].extra, None)
        current.tag = tag  # as the build will see it once tagged
        full = released + [current]
        files = export.export(repo / "datapackage", Path(tmp) / "out", changelog(full), full[-1].extra)
    ledger = repo / LEDGER / f"{tag}.sha256"
    ledger.parent.mkdir(parents=True, exist_ok=True)
    ledger.write_bytes(export.sums(files))
    return ledger


def diff_is_change(old: Version, new: Version) -> bool:
    d = diff.diff_packages(old.package_dir, new.package_dir, check=False)
    return bool(d.package or any(r.changed for r in d.resources))


def check_frozen(repo: Path, tag: str, files: dict[str, bytes]) -> None:
    """A released version's files must match the checksums recorded when it was released."""
    ledger = repo / LEDGER / f"{tag}.sha256"
    if not ledger.exists():
        return
    recorded = ledger.read_text(encoding="utf-8")
    built = export.sums(files).decode()
    if recorded != built:
        changed = sorted(set(recorded.splitlines()) ^ set(built.splitlines()))
        raise RuntimeError(f"released version {tag} would change; frozen files differ:\n" + "\n".join(changed))


def last_data_change(repo: Path, package_dir: Path, fallback: str) -> str:
    """The date of the last commit that touched the data: stable from build to build."""
    try:
        out = subprocess.run(
            ["git", "-C", str(repo), "log", "-1", "--format=%cs", "--", str(package_dir)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        out = ""
    return out or fallback

"""Released versions. A release is a committed file, `datapackage/releases/vX.Y.Z.json`, naming its
version, date and the commit whose package it freezes; beside it, `vX.Y.Z.sha256` holds the
SHA256SUMS of its downloads. Every build exports each release from its commit (no git tag needed:
tags do not travel with a branch), publishes it at /data/vX.Y.Z/, and fails if a single byte of a
released version would change. The changelog lists each version's row-level changes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import shutil
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from scripts import git
from scripts.escape import markdown_file
from scripts.intake import validate
from scripts.intake.descriptor import UnsafePath, local_file
from scripts.intake.package import load_descriptor
from scripts.publish import changes, export

SEMVER = re.compile(r"(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)")
RECORD_NAME = re.compile(r"v(" + SEMVER.pattern + r")\.json")
COMMIT = re.compile(r"[0-9a-f]{40}")
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
LEDGER = Path("datapackage") / "releases"
# A record is three short fields and a ledger a few checksums: anything larger is refused unread.
MAX_RECORD_BYTES = 10_000
MAX_LEDGER_BYTES = 100_000


class ReleaseError(RuntimeError):
    """A release record that cannot be used: the message names its file and field."""


@dataclass
class Version:
    version: str
    package_dir: Path
    extra: dict[str, bytes]
    tag: str | None  # "vX.Y.Z" for a release (its folder under /data/); None for the working tree
    descriptor: dict | None = None  # the working tree's, as the build read it: not read again


@dataclass(frozen=True)
class Tree:
    """The working tree's package as the build read and validated it (scripts/pipeline.py), so that
    no later stage opens its descriptor again: its version, its descriptor and whether it is, byte
    for byte, the last release."""

    version: str
    descriptor: dict
    released: bool


@dataclass(frozen=True)
class Release:
    """A release as recorded in datapackage/releases/vX.Y.Z.json."""

    version: str
    date: str
    commit: str

    @property
    def tag(self) -> str:
        return f"v{self.version}"


def valid_date(text: str) -> bool:
    try:
        dt.date.fromisoformat(text)
        return True
    except ValueError:
        return False


def version_key(version: str) -> tuple[int, ...]:
    return tuple(int(x) for x in SEMVER.fullmatch(version).groups())


def read_capped(repo: Path, where: str, limit: int) -> str:
    """A file of the release ledger, through `local_file` and no larger than `limit` (read unread
    otherwise: a 300 MB record must not be read whole before it is refused)."""
    path = local_file(repo, where)
    size = path.stat().st_size
    if size > limit:
        raise ValueError(f"the file is {size:,} bytes; the limit is {limit:,}")
    with path.open("rb") as handle:
        return handle.read(limit + 1).decode("utf-8")


def read_release(repo: Path, name: str) -> Release:
    """One release record, checked field by field (it arrives by pull request like the data)."""
    where = f"{LEDGER.as_posix()}/{name}"
    try:
        data = json.loads(read_capped(repo, where, MAX_RECORD_BYTES))
    except (UnsafePath, OSError, UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise ReleaseError(f"{where}: cannot read the release record: {exc}") from None
    if not isinstance(data, dict) or set(data) != {"version", "date", "commit"}:
        raise ReleaseError(f'{where}: a release record has exactly "version", "date" and "commit"')
    match = RECORD_NAME.fullmatch(name)
    if not isinstance(data["version"], str) or not match or data["version"] != match[1]:
        raise ReleaseError(f"{where}: version: must be the version in the file name, MAJOR.MINOR.PATCH")
    if not isinstance(data["date"], str) or not ISO_DATE.fullmatch(data["date"]) or not valid_date(data["date"]):
        raise ReleaseError(f"{where}: date: must be a date, YYYY-MM-DD")
    if not isinstance(data["commit"], str) or not COMMIT.fullmatch(data["commit"]):
        raise ReleaseError(f"{where}: commit: must be a full commit id (40 hexadecimal digits)")
    return Release(data["version"], data["date"], data["commit"])


def releases(repo: Path) -> list[Release]:
    """Every recorded release, in version order; none where the folder is missing."""
    folder = repo / LEDGER
    if not folder.is_dir():
        return []
    names = sorted(p.name for p in folder.iterdir() if p.name.endswith(".json"))
    return sorted((read_release(repo, n) for n in names), key=lambda r: version_key(r.version))


# Each release's package, exported once per process: a commit never changes, so a rebuild under
# `mkdocs serve`, the citation state, the changelog and the downloads all share one export.
_checkouts: dict[tuple[str, str, str], tuple[tempfile.TemporaryDirectory, Version]] = {}


def checkout(repo: Path, release: Release) -> Version:
    """A release's package as committed at its commit, once it is proved to be one: the commit is
    an ancestor of the built commit (not a side branch's), its package holds no link, and it passes
    the validator as a frozen package (every check but the editorial rules: scripts/intake/rules.py)."""
    key = (str(Path(repo).resolve()), release.commit, release.tag)
    if key in _checkouts:
        return _checkouts[key][1]
    where = f"{LEDGER.as_posix()}/{release.tag}.json: commit"
    try:
        sha = git.resolve(repo, release.commit)
    except git.BadRevision:
        raise ReleaseError(
            f"{where}: {release.commit} is not in this clone "
            "(a shallow clone? fetch the full history: git fetch --unshallow)"
        ) from None
    if not git.is_ancestor(repo, sha):
        raise ReleaseError(
            f"{where}: {release.commit} is not an ancestor of the commit being built: a release names a "
            "commit of this branch's history"
        )
    # Links and submodules: a release is exported from its commit, which must hold its files.
    tree = git.git(repo, "ls-tree", "-r", "-z", "--full-tree", sha, "--", git.PACKAGE_REL, "CITATION.cff")
    for entry in filter(None, tree.split(b"\0")):
        mode, _, path = entry.partition(b"\t")
        if not mode.startswith(b"100"):
            raise ReleaseError(
                f"{where}: the package at {release.commit} holds {path.decode(errors='replace')!r}, "
                "which is a symbolic link or submodule, not a file"
            )
    tmp = tempfile.TemporaryDirectory(prefix=f"annex-{release.tag}-")
    try:
        package_dir = git.archive(repo, sha, Path(tmp.name))
    except (tarfile.TarError, OSError) as exc:
        tmp.cleanup()
        raise ReleaseError(f"{where}: cannot export the package at {release.commit}: {exc}") from None
    report = validate.validate(package_dir / "datapackage.json", frozen=True)
    if not report.valid:
        tmp.cleanup()
        shown = [str(p).replace(validate.display(Path(tmp.name)), release.tag, 1) for p in report.problems[:20]]
        raise ReleaseError(
            f"{where}: the package at {release.commit} does not pass the validator:\n" + "\n".join(shown)
        )
    try:
        citation = git.git(repo, "show", f"{sha}:CITATION.cff")
    except subprocess.CalledProcessError:
        citation = b""
    version = Version(
        load_descriptor(package_dir / "datapackage.json")["version"],
        package_dir,
        {"CITATION.cff": citation} if citation else {},
        release.tag,
    )
    _checkouts[key] = (tmp, version)
    return version


@dataclass(frozen=True)
class State:
    """What a build cites: the release the working tree's package is (None: unreleased), and the
    commit and date it was built from."""

    released: str | None
    commit: str
    built: str


def package_files(folder: Path, descriptor: bytes | None = None) -> dict[str, bytes]:
    """The package's files by relative path, the release records aside (they come after).
    `descriptor`: datapackage.json's bytes, when the build has already read them."""
    out = {}
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        if path.is_file() and not path.is_symlink() and not rel.startswith("releases/"):
            out[rel] = descriptor if rel == "datapackage.json" and descriptor is not None else path.read_bytes()
    return out


def state(repo: Path, package_dir: Path, built: str, descriptor: bytes | None = None) -> State:
    """Whether the package as built is a release: byte for byte the package at the last release's commit."""
    try:
        head = git.line(repo, "rev-parse", "--short=12", "HEAD")
    except (OSError, subprocess.CalledProcessError):
        head = ""
    # Every release is checked here, at the start of the build: a bad one stops it with its file and field.
    released = [checkout(repo, r) for r in releases(repo)]
    last = released[-1] if released else None
    return State(last.version if last and is_release(last, package_dir, descriptor) else None, head, built)


def is_release(release: Version, package_dir: Path, descriptor: bytes | None = None) -> bool:
    """The package is that release, byte for byte (the release records aside)."""
    return package_files(release.package_dir) == package_files(package_dir, descriptor)


@dataclass
class Entry:
    """One version in the changelog: per resource, its rows added, removed and changed."""

    version: str
    tag: str | None
    first: bool
    resources: list[changes.ResourceDiff]
    package: list[str]
    # The data changed since a release whose version the descriptor still gives: not that version.
    since_release: bool = False

    @property
    def title(self) -> str:
        if self.tag:
            return self.version
        return f"Unreleased changes since {self.version}" if self.since_release else f"{self.version} (unreleased)"


def entries(history: list[Version]) -> list[Entry]:
    out = []
    for i, ver in enumerate(history):
        if i == 0:
            out.append(Entry(ver.version, ver.tag, True, [], []))
            continue
        d = changes.diff_packages(
            history[i - 1].package_dir, ver.package_dir, check=False, new_descriptor=ver.descriptor
        )
        released = any(v.tag and v.version == ver.version for v in history[:i])
        out.append(Entry(ver.version, ver.tag, False, [r for r in d.resources if r.changed], d.package, released))
    return out


def changelog(history: list[Version]) -> str:
    """Markdown for CHANGELOG.md: newest first, each version with its row-level changes."""
    sections = []
    for entry in reversed(entries(history)):
        lines = [f"## {entry.title}", ""]
        if entry.first:
            lines.append("First published version.")
        for res in entry.resources:
            counts = {k: sum(1 for r in res.rows if r.kind == k) for k in ("added", "removed", "changed")}
            lines.append(
                f"- {res.name}: {counts['added']} added, {counts['removed']} removed, "
                f"{counts['changed']} changed"
                + (f"; schema: {markdown_file('; '.join(res.schema))}" if res.schema else "")
            )
            for row in res.rows:
                cells = (
                    "; ".join(
                        f"{f}: {markdown_file(changes.show(a))} -> {markdown_file(changes.show(b))}"
                        for f, a, b in row.cells
                    )
                    if row.kind == "changed"
                    else ""
                )
                lines.append(f"  - {row.kind} {', '.join(row.key)}" + (f": {cells}" if cells else ""))
        lines += [f"- package: {markdown_file(line)}" for line in entry.package]  # the descriptor's own properties
        if not entry.first and not entry.resources and not entry.package:
            lines.append("No change to the data.")
        sections.append("\n".join(lines) + "\n")
    return "# Changelog\n\n" + "\n".join(sections)


def site_entries(repo: Path, package_dir: Path, tree: Tree | None = None) -> list[Entry]:
    """The changelog for the site's changelog page, newest first."""
    released, current = history(repo, package_dir, tree)
    return list(reversed(entries(released + ([current] if current else []))))


def history(repo: Path, package_dir: Path, tree: Tree | None = None) -> tuple[list[Version], Version]:
    """Released versions, then the whole history including the working tree when it differs.

    `tree`: the working tree's package, when the build has already read it (scripts/pipeline.py)."""
    released = [checkout(repo, r) for r in releases(repo)]
    try:
        citation = local_file(repo, "CITATION.cff").read_bytes() if os.path.lexists(repo / "CITATION.cff") else b""
    except (UnsafePath, OSError) as exc:
        raise ReleaseError(f"CITATION.cff: {exc}") from None
    current = Version(
        tree.version if tree else load_descriptor(package_dir / "datapackage.json")["version"],
        package_dir,
        {"CITATION.cff": citation} if citation else {},
        None,
        tree.descriptor if tree else None,
    )
    unreleased = not released or not (tree.released if tree else is_release(released[-1], package_dir))
    return released, current if unreleased else None


# A release's downloads, exported once per process: its package (the checkout of its commit) and its
# changelog fix them, so a rebuild under `mkdocs serve` after a CSV edit only writes them again.
_exports: dict[tuple, dict[str, bytes]] = {}


def export_release(ver: Version, out: Path, log: str) -> dict[str, bytes]:
    extra = tuple(sorted((name, hashlib.sha256(data).hexdigest()) for name, data in ver.extra.items()))
    key = (str(ver.package_dir), ver.tag, hashlib.sha256(log.encode()).hexdigest(), extra)
    if key not in _exports:
        _exports[key] = export.export(ver.package_dir, out, log, ver.extra)
        return _exports[key]
    for name, data in _exports[key].items():
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        (out / name).write_bytes(data)
    return _exports[key]


def publish(repo: Path, package_dir: Path, site_dir: Path, tree: Tree | None = None) -> list[Version]:
    """Export every released version, frozen, and the working tree as latest; returns the history."""
    released, current = history(repo, package_dir, tree)
    full = released + ([current] if current else [])
    for i, ver in enumerate(released):
        files = export_release(ver, site_dir / "data" / ver.tag, changelog(full[: i + 1]))
        check_frozen(repo, ver.tag, files)
    if current is None:
        # The package is the last release, byte for byte: latest is its export, not a second one.
        shutil.copytree(site_dir / "data" / released[-1].tag, site_dir / "data" / "latest", dirs_exist_ok=True)
    else:
        export.export(
            package_dir, site_dir / "data" / "latest", changelog(full), current.extra, False, current.descriptor
        )
    return [Version(v.version, Path(), {}, v.tag) for v in full]


def write_release(repo: Path, version: str, commit: str, date: str) -> list[Path]:
    """At release: record the release (datapackage/releases/vX.Y.Z.json) and the checksums of its
    downloads, exported from the working tree, which is the package at `commit`."""
    tag = f"v{version}"
    with tempfile.TemporaryDirectory() as tmp:
        released, current = history(repo, repo / "datapackage")
        current = current or Version(released[-1].version, repo / "datapackage", released[-1].extra, None)
        current.tag = tag  # as the build will see it once recorded
        full = released + [current]
        files = export.export(repo / "datapackage", Path(tmp) / "out", changelog(full), full[-1].extra)
    folder = repo / LEDGER
    folder.mkdir(parents=True, exist_ok=True)
    record, ledger = folder / f"{tag}.json", folder / f"{tag}.sha256"
    record.write_text(json.dumps({"version": version, "date": date, "commit": commit}, indent=2) + "\n")
    ledger.write_bytes(export.sums(files))
    return [record, ledger]


def check_frozen(repo: Path, tag: str, files: dict[str, bytes]) -> None:
    """A released version's files must match the checksums recorded when it was released."""
    where = f"{LEDGER.as_posix()}/{tag}.sha256"
    try:
        recorded = read_capped(repo, where, MAX_LEDGER_BYTES)
    except (UnsafePath, OSError, UnicodeDecodeError, ValueError) as exc:
        raise ReleaseError(f"{where}: a release needs the checksums of its downloads: {exc}") from None
    built = export.sums(files).decode()
    if recorded != built:
        changed = sorted(set(recorded.splitlines()) ^ set(built.splitlines()))
        raise ReleaseError(f"released version {tag} would change; frozen files differ:\n" + "\n".join(changed))


def last_data_change(repo: Path, package_dir: Path, fallback: str) -> str:
    """The date of the last commit that touched the data: stable from build to build."""
    try:
        out = git.line(repo, "log", "-1", "--format=%cs", "--", str(package_dir))
    except (OSError, subprocess.CalledProcessError):
        out = ""
    return out or fallback

"""Cut a data release: `python -m scripts.release X.Y.Z [--dry-run]`.

Checks that the checkout is clean and on a branch, that X.Y.Z is a semantic version above the
package's current `version`, and that the package validates. Then it sets `version` in
datapackage/datapackage.json, pyproject.toml and CITATION.cff, records the checksums of the
version's downloads in datapackage/releases/vX.Y.Z.sha256, commits "Release data vX.Y.Z" and creates the
annotated tag vX.Y.Z. It pushes nothing: look at the commit, then push the branch and the tag.
With --dry-run it runs the checks and prints what it would do, changing nothing.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path

from scripts import versions
from scripts.validate import validate

SEMVER = re.compile(r"(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)")
# In the checkout being released (not scripts.paths.DESCRIPTOR, which ANNEX_DATAPACKAGE may move).
DESCRIPTOR_REL = "datapackage/datapackage.json"
# The top-level "version" of the descriptor and the first `version =` of pyproject.toml
# ([project]). Edited in place, so the rest of each file keeps its formatting byte for byte.
VERSION_LINES = {
    DESCRIPTOR_REL: r'^(  "version": ")[^"]*(",?)$',
    "pyproject.toml": r'^(version = ")[^"]*(")$',
    "CITATION.cff": r'^(version: ")[^"]*(")$',
}


class ReleaseError(Exception):
    pass


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, text=True).stdout.strip()


def parse(version: str) -> tuple[int, ...]:
    match = SEMVER.fullmatch(version)
    if not match:
        raise ReleaseError(f"{version!r} is not a version of the form MAJOR.MINOR.PATCH, such as 1.2.0")
    return tuple(map(int, match.groups()))


def with_version(repo: Path, rel: str, version: str) -> str:
    """The file's text with its version set; checked by parsing the result back."""
    text, count = re.subn(
        VERSION_LINES[rel],
        lambda m: m[1] + version + m[2],
        (repo / rel).read_text(encoding="utf-8"),
        count=1,
        flags=re.M,
    )
    found = (
        json.loads(text).get("version")
        if rel.endswith(".json")
        else re.search(r'^version: "([^"]*)"$', text, re.M)[1]
        if rel.endswith(".cff")
        else tomllib.loads(text).get("project", {}).get("version")
    )
    if count != 1 or found != version:
        raise ReleaseError(f"cannot find the version to change in {rel}")
    return text


def check(repo: Path, version: str) -> tuple[str, str, dict[str, str]]:
    """Every precondition; returns (branch, current version, new text of each versioned file)."""
    target = parse(version)
    try:
        branch = git(repo, "symbolic-ref", "--short", "-q", "HEAD")
    except subprocess.CalledProcessError:
        raise ReleaseError("HEAD is detached: check out the branch to release from") from None
    dirty = git(repo, "status", "--porcelain")
    if dirty:
        raise ReleaseError(f"the working tree has uncommitted changes; commit or remove them first:\n{dirty}")
    current = json.loads((repo / DESCRIPTOR_REL).read_text(encoding="utf-8")).get("version", "")
    # The first release may tag the version the package already carries; later ones must bump it.
    first = not versions.release_tags(repo)
    if target < parse(current) or (target == parse(current) and not first):
        raise ReleaseError(f"{version} is not greater than the current version {current}")
    if git(repo, "tag", "--list", f"v{version}"):
        raise ReleaseError(f"the tag v{version} already exists")
    report = validate(repo / DESCRIPTOR_REL)
    if not report.valid:
        problems = "\n".join(map(str, report.problems))
        raise ReleaseError(f"the package does not validate; fix these first:\n{problems}")
    return branch, current, {rel: with_version(repo, rel, version) for rel in VERSION_LINES}


def release(repo: Path, version: str, dry_run: bool = False) -> str:
    branch, current, texts = check(repo, version)
    tag, message = f"v{version}", f"Release data v{version}"
    plan = [
        f"set version {current} → {version} in {', '.join(texts)}",
        f"record the checksums of its downloads in {versions.LEDGER}/{tag}.sha256",
        f"commit {message!r} on branch {branch}",
        f"create the annotated tag {tag}",
    ]
    if dry_run:
        return "Dry run: the checks pass. A release would:\n" + "\n".join(f"- {step}" for step in plan)
    for rel, text in texts.items():
        (repo / rel).write_text(text, encoding="utf-8")
    # Freeze the version: every later build must reproduce these exact downloads.
    ledger = versions.write_ledger(repo, tag)
    git(repo, "add", "--", ledger)
    git(repo, "commit", "--quiet", "-m", message, "--", *texts, ledger)  # only these files
    git(repo, "tag", "--annotate", tag, "-m", f"Data release {tag}")
    return (
        "Done:\n"
        + "\n".join(f"- {step}" for step in plan)
        + f"\nNothing was pushed. Check the commit, then: git push origin {branch} {tag}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("version", help="the new version, MAJOR.MINOR.PATCH")
    parser.add_argument("--dry-run", action="store_true", help="check and print the plan; change nothing")
    args = parser.parse_args(argv)
    try:
        # The checkout we are run in, which need not be the one this code was installed from.
        repo = Path(git(Path.cwd(), "rev-parse", "--show-toplevel"))
        print(release(repo, args.version, args.dry_run))
    except subprocess.CalledProcessError as exc:
        print(f"error: git {' '.join(exc.cmd[3:])} failed: {exc.stderr.strip()}", file=sys.stderr)
        return 1
    except ReleaseError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Cut a data release: `python -m tools.release X.Y.Z [--dry-run] [--tag]`.

Checks that the checkout is clean and on a branch, that X.Y.Z is a semantic version above the
package's current `version` (the first release may keep it), and that the package validates.
Then it sets `version` in datapackage/datapackage.json, pyproject.toml and CITATION.cff and commits
"Release data vX.Y.Z" (when a version changed); that commit's package is the release. A second
commit, "Record release vX.Y.Z", adds datapackage/releases/vX.Y.Z.json (version, date, commit) and
vX.Y.Z.sha256 (the checksums of its downloads): the release travels with the branch, no tag
needed. With --tag it also creates the annotated tag vX.Y.Z. It pushes nothing.
With --dry-run it runs the checks and prints what it would do, changing nothing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path

from scripts.git import line as git
from scripts.intake.package import load_descriptor
from scripts.intake.validate import validate
from scripts.publish import versions
from scripts.publish.versions import ReleaseError

# In the checkout being released (not scripts.paths.DESCRIPTOR, which ANNEX_DATAPACKAGE may move).
DESCRIPTOR_REL = "datapackage/datapackage.json"
# The top-level "version" of the descriptor and the first `version =` of pyproject.toml
# ([project]). Edited in place, so the rest of each file keeps its formatting byte for byte.
VERSION_LINES = {
    DESCRIPTOR_REL: r'^(  "version": ")[^"]*(",?)$',
    "pyproject.toml": r'^(version = ")[^"]*(")$',
    "CITATION.cff": r'^(version: ")[^"]*(")$',
}


def parse(version: str) -> tuple[int, ...]:
    match = versions.SEMVER.fullmatch(version)
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
    report = validate(repo / DESCRIPTOR_REL)
    if not report.valid:
        problems = "\n".join(map(str, report.problems))
        raise ReleaseError(f"the package does not validate; fix these first:\n{problems}")
    current = load_descriptor(repo / DESCRIPTOR_REL)["version"]  # read once it has passed
    # The first release may keep the version the package already carries; later ones must bump it.
    recorded = versions.releases(repo)
    for previous in recorded:
        versions.checkout(repo, previous)  # each an ancestor of HEAD that passes the validator
    first = not recorded
    if target < parse(current) or (target == parse(current) and not first):
        raise ReleaseError(f"{version} is not greater than the current version {current}")
    if any(r.version == version for r in recorded):
        raise ReleaseError(f"release v{version} is already recorded in {versions.LEDGER}/")
    return branch, current, {rel: with_version(repo, rel, version) for rel in VERSION_LINES}


def release(repo: Path, version: str, dry_run: bool = False, tag: bool = False) -> str:
    branch, current, texts = check(repo, version)
    name = f"v{version}"
    bump = [rel for rel, text in texts.items() if (repo / rel).read_text(encoding="utf-8") != text]
    plan = (
        [f"set version {current} → {version} in {', '.join(bump)}", f"commit 'Release data {name}' on {branch}"]
        if bump
        else [f"release the package as committed at HEAD (it already carries version {version})"]
    )
    plan += [
        f"record {versions.LEDGER}/{name}.json (version, date, commit) and {name}.sha256 (checksums)",
        f"commit 'Record release {name}' on {branch}",
    ] + ([f"create the annotated tag {name}"] if tag else [])
    if dry_run:
        return "Dry run: the checks pass. A release would:\n" + "\n".join(f"- {step}" for step in plan)
    if bump:
        for rel in bump:
            (repo / rel).write_text(texts[rel], encoding="utf-8")
        git(repo, "commit", "--quiet", "-m", f"Release data {name}", "--", *bump)  # only these files
    commit = git(repo, "rev-parse", "HEAD")
    files = versions.write_release(repo, version, commit, dt.date.today().isoformat())
    git(repo, "add", "--", *files)
    git(repo, "commit", "--quiet", "-m", f"Record release {name}", "--", *files)
    if tag:
        git(repo, "tag", "--annotate", name, commit, "-m", f"Data release {name}")
    return (
        "Done:\n"
        + "\n".join(f"- {step}" for step in plan)
        + f"\nNothing was pushed. Check the commits, then: git push origin {branch}"
        + (f" {name}" if tag else "")
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("version", help="the new version, MAJOR.MINOR.PATCH")
    parser.add_argument("--dry-run", action="store_true", help="check and print the plan; change nothing")
    parser.add_argument("--tag", action="store_true", help="also create the annotated tag vX.Y.Z (optional)")
    args = parser.parse_args(argv)
    try:
        # The checkout we are run in, which need not be the one this code was installed from.
        repo = Path(git(Path.cwd(), "rev-parse", "--show-toplevel"))
        print(release(repo, args.version, args.dry_run, args.tag))
    except subprocess.CalledProcessError as exc:
        print(
            f"error: git {' '.join(exc.cmd[3:])} failed: {exc.stderr.decode(errors='replace').strip()}", file=sys.stderr
        )
        return 1
    except ReleaseError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The repository's git, in one place: for the stages that read history (scripts/publish/versions.py),
the data diff (tools/diff.py) and the release tool (tools/release.py)."""

from __future__ import annotations

import io
import subprocess
import tarfile
from pathlib import Path

# Where the package sits in any checkout of this repository. Not scripts.paths.PACKAGE_DIR:
# ANNEX_DATAPACKAGE may point that at a copy outside the checkout.
PACKAGE_REL = "datapackage"


class BadRevision(Exception):
    pass


def git(repo: Path, *args: str) -> bytes:
    """git's output, bytes as they are (file contents, archives); raises CalledProcessError."""
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True).stdout


def line(repo: Path, *args: str) -> str:
    """git's output as text, without the surrounding blanks (a commit id, a branch name, a status)."""
    return git(repo, *args).decode().strip()


def resolve(repo: Path, rev: str) -> str:
    try:  # --end-of-options: a revision that looks like an option is still a revision
        return line(repo, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}")
    except subprocess.CalledProcessError:
        raise BadRevision(f"{rev!r} is not a commit in {repo}") from None


def is_ancestor(repo: Path, sha: str, of: str = "HEAD") -> bool:
    return not subprocess.run(["git", "-C", str(repo), "merge-base", "--is-ancestor", sha, of], check=False).returncode


def archive(repo: Path, sha: str, dest: Path) -> Path:
    """The package folder as committed at `sha`, extracted under `dest`."""
    try:
        data = git(repo, "archive", "--format=tar", sha, "--", PACKAGE_REL)
    except subprocess.CalledProcessError:
        data = b""  # the revision has no package folder yet: compare against an empty package
    if data:
        with tarfile.open(fileobj=io.BytesIO(data)) as tar:
            tar.extractall(dest, filter="data")  # refuses links and paths outside dest
    return dest / PACKAGE_REL

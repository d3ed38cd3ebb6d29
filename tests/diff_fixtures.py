"""Fixtures for the data diff and release tests: package copies and throwaway git clones.

Import the fixtures into a test module (`from diff_fixtures import two_packages`); pytest only
finds fixtures defined in conftest.py or imported by name.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from scripts.paths import PACKAGE_DIR, ROOT

# A fixed identity and no user or system git config, so a developer's signing or hooks settings
# can't change what the tests see.
GIT_ENV = {
    **os.environ,
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_AUTHOR_NAME": "Test",
    "GIT_AUTHOR_EMAIL": "test@example.invalid",
    "GIT_COMMITTER_NAME": "Test",
    "GIT_COMMITTER_EMAIL": "test@example.invalid",
}


def git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(repo), *args], check=True, capture_output=True, text=True, env=GIT_ENV
    ).stdout.strip()


@pytest.fixture
def two_packages(tmp_path: Path) -> tuple[Path, Path]:
    """(old, new): two identical snapshots of the real package, so a test can edit `new`.

    Both are copied from one snapshot: the real folder may be mid-edit in a working checkout.
    """
    old = tmp_path / "old" / "datapackage"
    shutil.copytree(PACKAGE_DIR, old)
    new = tmp_path / "new" / "datapackage"
    shutil.copytree(old, new)
    return old, new


@pytest.fixture
def clone(tmp_path: Path) -> Path:
    """A git clone of this repository's committed state (on a branch), for CLI tests."""
    target = tmp_path / "clone"
    subprocess.run(
        ["git", "clone", "--quiet", "--no-hardlinks", str(ROOT), str(target)],
        check=True,
        capture_output=True,
        env=GIT_ENV,
    )
    git(target, "checkout", "--quiet", "-B", "test-branch")
    return target


def commit_files(repo: Path, sources: dict[str, Path], message: str) -> None:
    """Copy working files (which may not be committed yet) into a clone, and commit them there."""
    for rel, source in sources.items():
        (repo / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, repo / rel)
    git(repo, "add", "--", *sources)
    if git(repo, "status", "--porcelain"):
        git(repo, "commit", "--quiet", "-m", message)


def without_releases(repo: Path) -> Path:
    """The clone as before any release was recorded, so a test can cut the first one itself."""
    if (repo / "datapackage" / "releases").exists():
        git(repo, "rm", "-r", "--quiet", "--", "datapackage/releases")
        git(repo, "commit", "--quiet", "-m", "Start without recorded releases")
    return repo


# -- a clone that runs make ----------------------------------------------------------------
STAMPED = ("requirements-uv.lock", "requirements.lock", "requirements-test.lock", "pyproject.toml", "package-lock.json")
STAMPS = (".venv/.installed-uv", ".venv/.installed-build", ".venv/.installed-test", "node_modules/.installed-build")


def checkout(target: Path, fetch_depth: int) -> None:
    """What actions/checkout makes: a clone of this checkout's tracked files, as deep as asked
    (its default is 1: one commit, no tags, no history). Changes not yet committed come along as
    one more commit, so the test runs the workflows being edited."""
    depth = [] if fetch_depth == 0 else ["--depth", str(fetch_depth)]
    subprocess.run(["git", "clone", "--quiet", *depth, f"file://{ROOT}", str(target)], check=True, env=GIT_ENV)
    patch = subprocess.run(["git", "-C", ROOT, "diff", "HEAD", "--binary"], capture_output=True, check=True).stdout
    if patch:
        subprocess.run(["git", "-C", target, "apply", "--whitespace=nowarn", "-"], input=patch, check=True)
        git(target, "commit", "--quiet", "-am", "Uncommitted changes of the checkout under test")
    # The environment this run uses, shared: same lock files, so make's stamps stand for it (their
    # mtimes set back, or make would install into the shared .venv from the clone).
    for name in (".venv", "node_modules"):
        (target / name).symlink_to(ROOT / name)
    for name in STAMPED:
        assert (target / name).read_bytes() == (ROOT / name).read_bytes(), f"{name} differs from the .venv's"
        os.utime(target / name, (0, 0))
    for stamp in STAMPS:
        assert (ROOT / stamp).exists(), f"{stamp} is missing: run `make install-test`"


def clone_env(repo: Path) -> dict:
    """The environment for `make` in such a clone: the clone's own scripts (not the shared .venv's
    editable install of this checkout), and nothing of this test run's."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "ANNEX_", "GITHUB_", "RUNNER_"))}
    return {**env, "PYTHONPATH": str(repo), "NO_MKDOCS_2_WARNING": "1"}

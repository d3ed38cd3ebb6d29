"""`python -m tools.release` in a throwaway clone: the bump, the release record, the refusals."""

import json
import re
import subprocess
import sys
import tomllib

import pytest
from conftest import set_cell
from diff_fixtures import GIT_ENV, clone, commit_files, git, without_releases  # noqa: F401 (pytest fixture)

from scripts.paths import ROOT

pytestmark = pytest.mark.data

DESCRIPTOR = "datapackage/datapackage.json"


@pytest.fixture
def repo(clone):
    # A clone holds only committed files: bring in this checkout's release script if it is new.
    commit_files(clone, {"tools/release.py": ROOT / "tools" / "release.py"}, "Add the release script")
    return without_releases(clone)


def current(repo) -> str:
    return json.loads((repo / DESCRIPTOR).read_text(encoding="utf-8"))["version"]


def higher(version: str) -> str:
    major, minor, _ = map(int, version.split("."))
    return f"{major}.{minor + 1}.0"


def release(repo, *args):
    return subprocess.run(
        [sys.executable, "-m", "tools.release", *args], cwd=repo, capture_output=True, text=True, env=GIT_ENV
    )


def assert_refused(repo, version, words):
    head = git(repo, "rev-parse", "HEAD")
    result = release(repo, version)
    assert result.returncode == 1, result.stdout + result.stderr
    assert words in result.stderr, result.stderr
    assert git(repo, "rev-parse", "HEAD") == head and git(repo, "tag", "--list", "v*") == ""
    assert not list((repo / "datapackage" / "releases").glob("*.json"))


def record(repo, version: str) -> dict:
    return json.loads((repo / f"datapackage/releases/v{version}.json").read_text(encoding="utf-8"))


def test_release_bumps_commits_and_records(repo):
    old, new = current(repo), higher(current(repo))
    result = release(repo, new)
    assert result.returncode == 0, result.stderr
    assert "git push origin test-branch\n" in result.stdout + "\n"
    assert current(repo) == new
    assert tomllib.loads((repo / "pyproject.toml").read_text())["project"]["version"] == new
    assert git(repo, "log", "-2", "--format=%s").splitlines() == [f"Record release v{new}", f"Release data v{new}"]
    # The record names the commit whose package is the release; no tag is needed.
    assert record(repo, new) == {
        "version": new,
        "date": record(repo, new)["date"],
        "commit": git(repo, "rev-parse", "HEAD~1"),
    }
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", record(repo, new)["date"])
    assert git(repo, "tag", "--list", "v*") == ""
    assert git(repo, "status", "--porcelain") == ""
    # Exactly one line changed in each file: the version, nothing reformatted.
    changed = git(repo, "diff", "--numstat", "HEAD~2", "HEAD~1").splitlines()
    assert sorted(changed) == sorted([f"1\t1\t{DESCRIPTOR}", "1\t1\tpyproject.toml", "1\t1\tCITATION.cff"])
    recorded = git(repo, "diff", "--name-only", "HEAD~1", "HEAD").splitlines()
    assert sorted(recorded) == [f"datapackage/releases/v{new}.json", f"datapackage/releases/v{new}.sha256"]
    assert (repo / f"datapackage/releases/v{new}.sha256").read_text().count("  data/figures.csv\n") == 1
    assert f'-  "version": "{old}",' in git(repo, "diff", "HEAD~2", "HEAD~1", "--", DESCRIPTOR)


def test_tag_is_optional(repo):
    new = higher(current(repo))
    result = release(repo, new, "--tag")
    assert result.returncode == 0, result.stderr
    assert git(repo, "cat-file", "-t", f"v{new}") == "tag"  # annotated, not lightweight
    assert git(repo, "rev-parse", f"v{new}^{{commit}}") == record(repo, new)["commit"]


def test_dry_run_changes_nothing(repo):
    head, new = git(repo, "rev-parse", "HEAD"), higher(current(repo))
    result = release(repo, new, "--dry-run")
    assert result.returncode == 0, result.stderr
    assert "Dry run" in result.stdout and f"record datapackage/releases/v{new}.json" in result.stdout
    assert git(repo, "rev-parse", "HEAD") == head and git(repo, "tag", "--list") == ""
    assert git(repo, "status", "--porcelain") == ""


def test_first_release_may_keep_the_current_version(repo):
    head = git(repo, "rev-parse", "HEAD")
    result = release(repo, current(repo))
    assert result.returncode == 0, result.stderr
    assert record(repo, current(repo))["commit"] == head  # nothing to bump: HEAD is the release
    assert git(repo, "log", "-1", "--format=%s") == f"Record release v{current(repo)}"
    again = release(repo, current(repo))
    assert again.returncode == 1 and "not greater" in again.stderr


def test_refuses_a_version_not_above_the_current(repo):
    assert_refused(repo, "0.0.0", "is not greater than the current version")
    assert release(repo, current(repo)).returncode == 0  # once released, equal is refused
    head = git(repo, "rev-parse", "HEAD")
    result = release(repo, current(repo))
    assert result.returncode == 1 and "is not greater than the current version" in result.stderr
    assert git(repo, "rev-parse", "HEAD") == head


@pytest.mark.parametrize("version", ["1.2", "v1.2.0", "01.2.0", "1.2.0-rc1"])
def test_refuses_a_malformed_version(repo, version):
    assert_refused(repo, version, "is not a version of the form MAJOR.MINOR.PATCH")


def test_refuses_a_dirty_tree(repo):
    with (repo / "Makefile").open("a") as handle:
        handle.write("# edited\n")
    assert_refused(repo, higher(current(repo)), "uncommitted changes")
    git(repo, "checkout", "--", "Makefile")
    (repo / "untracked.txt").write_text("new file\n")
    assert_refused(repo, higher(current(repo)), "uncommitted changes")


def test_refuses_a_detached_head(repo):
    git(repo, "checkout", "--quiet", "--detach")
    assert_refused(repo, higher(current(repo)), "HEAD is detached")


def test_refuses_an_invalid_package(repo):
    set_cell(repo / DESCRIPTOR, "figures", "uk-contribution-port-tunnel-security", "value", "64000000")
    git(repo, "commit", "--quiet", "-am", "Break a figure")
    assert_refused(repo, higher(current(repo)), "does not validate")

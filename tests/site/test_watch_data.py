"""The preview keeps mkdocs-macros' `git` variable (twelve git commands per build) by the state of the
repository (hooks/watch_data.py's `keep_git_info`): through commits, a tag, a config change, a
checkout and a worktree, what it gives is what mkdocs-macros asks of git afresh, and git is asked
again only when that state changed."""

import subprocess
from pathlib import Path

import pytest
from mkdocs_macros.context import get_git_info

from hooks.watch_data import keep_git_info

pytestmark = pytest.mark.unit


def test_git_info_is_kept_by_the_state_of_the_repository(tmp_path, monkeypatch):
    repo = tmp_path / "repo"
    repo.mkdir()
    for name in ("AUTHOR", "COMMITTER"):
        monkeypatch.setenv(f"GIT_{name}_NAME", "Tester")
        monkeypatch.setenv(f"GIT_{name}_EMAIL", "tester@localhost")
    monkeypatch.chdir(repo)

    def git(*args: str) -> None:
        subprocess.run(["git", *args], check=True, capture_output=True)

    def commit(message: str) -> None:
        Path("file.txt").write_text(message)  # in the working directory: the repository or a worktree
        git("add", "file.txt")
        git("commit", "-q", "-m", message)

    asked = []

    def counted():
        asked.append(1)
        return get_git_info()

    kept = keep_git_info(counted)

    def check(asked_again: bool) -> dict:
        before = len(asked)
        info = kept()
        assert info == get_git_info()  # what mkdocs-macros would give, asked now
        assert len(asked) == before + asked_again
        return info

    git("init", "-q", "-b", "main")
    commit("first")
    first = check(True)
    check(False)  # nothing changed: kept
    commit("second")
    assert check(True)["commit"] != first["commit"]
    git("tag", "v1")
    assert check(True)["tag"] == "v1"
    git("config", "log.date", "iso")  # `git log`'s dates follow it
    check(True)
    git("checkout", "-q", "-b", "other")
    check(True)
    check(False)
    git("worktree", "add", "-q", str(tmp_path / "tree"), "main")
    monkeypatch.chdir(tmp_path / "tree")
    check(True)
    commit("in the worktree")
    assert check(True)["message"] == "in the worktree"

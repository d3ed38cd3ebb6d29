"""What the preview keeps between builds beside the pages (hooks/watch_data.py) gives what a fresh
build finds: mkdocs-macros' `git` variable (twelve git commands per build), kept by the state of the
repository, through commits, a tag, a config change, a checkout and a worktree, asking git again
only when that state changed; the theme's static files, found with the filter's answers kept; and
the theme's templates, compiled once for every environment made from it."""

import subprocess
from pathlib import Path

import jinja2
import pytest
from mkdocs.config import load_config
from mkdocs.structure.files import Files
from mkdocs.theme import Theme
from mkdocs_macros.context import get_git_info

from hooks.watch_data import keep_compiled, keep_git_info, keep_theme_filter
from scripts.paths import ROOT

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


def test_theme_files_are_found_as_mkdocs_finds_them(monkeypatch):
    """The theme's static files, found with the filter's answers kept (`keep_theme_filter`), are the
    ones mkdocs finds, build after build, and for other static templates."""
    monkeypatch.setenv("NO_MKDOCS_2_WARNING", "1")
    config = load_config(str(ROOT / "mkdocs.yml"))
    kept = keep_theme_filter(Files.add_files_from_theme)

    def found(add) -> list[tuple[str, str]]:
        files = Files([])
        add(files, config.theme.get_env(), config)
        return [(f.src_uri, f.abs_src_path) for f in files]

    fresh = found(Files.add_files_from_theme)
    assert len(fresh) > 10 and not any(src.endswith(".html") for src, _ in fresh)
    assert found(kept) == fresh
    assert found(kept) == fresh  # from the kept answers
    config.theme.static_templates.add(fresh[0][0])  # a static file becomes a template
    assert found(kept) == found(Files.add_files_from_theme) == fresh[1:]


def test_theme_environments_share_the_compiled_templates(monkeypatch):
    """Every environment made from the theme (the search plugin makes three per build) compiles
    with the kept templates (`keep_compiled`): a template compiled once is not compiled again, and
    renders as one compiled afresh."""
    monkeypatch.setenv("NO_MKDOCS_2_WARNING", "1")
    config = load_config(str(ROOT / "mkdocs.yml"))
    theme = config.theme
    kept = keep_compiled(Theme.get_env)
    compiled = []
    compile_ = jinja2.Environment.compile

    def counted(self, *args, **kwargs):
        compiled.append(1)
        return compile_(self, *args, **kwargs)

    monkeypatch.setattr(jinja2.Environment, "compile", counted)

    def words(env) -> str:  # as the search plugin reads them
        return env.get_template("partials/language.html", None, {"config": config}).module.t("search.placeholder")

    first = words(kept(theme))
    compiled.clear()
    assert words(kept(theme)) == first
    assert compiled == []
    assert words(Theme.get_env(theme)) == first and compiled  # a plain environment compiles

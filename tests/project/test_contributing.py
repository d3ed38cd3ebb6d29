"""CONTRIBUTING.md, walked as a contributor walks it, in a throwaway clone: find the row, edit it,
`make validate` answers with the message its table names, fix it, `make diff BASE=main` shows the
change cell by cell, and a build shows it on the page. If the guide and the code drift, this fails."""

import re
import subprocess

import pytest
from conftest import read_table, set_cell
from diff_fixtures import checkout, clone_env, git

from scripts.paths import ROOT

pytestmark = pytest.mark.build

GUIDE = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
FIGURE = "uk-contribution-port-tunnel-security"  # the guide's example: "£63m" is 63000000, GBP


def step(number: int) -> str:
    """The text of step `number` of "Correct a figure (or any record) in five steps"."""
    section = GUIDE.split("## Correct a figure")[1].split("\n## ")[0]
    return re.search(rf"^{number}\. (.*?)(?=^\d\. |\Z)", section, re.M | re.S)[1]


def table_row(excerpt_start: str) -> str:
    """The excerpt of the message table's row that starts with `excerpt_start`."""
    rows = re.findall(r"^\| `([^`]*)` \|", GUIDE, re.M)
    return next(r for r in rows if r.startswith(excerpt_start))


def make(repo, *args) -> subprocess.CompletedProcess:
    return subprocess.run(["make", "--silent", *args], cwd=repo, env=clone_env(repo), capture_output=True, text=True)


def test_the_five_steps(tmp_path):
    assert len(re.findall(r"^\d\. \*\*", GUIDE.split("## Correct a figure")[1].split("\n## ")[0], re.M)) == 5
    repo = tmp_path / "repo"
    checkout(repo, 0)
    # A contributor works on a branch of their own; `main` is the branch a pull request is compared with.
    git(repo, "checkout", "-q", "-B", "correction")
    git(repo, "branch", "--force", "main", "HEAD")
    descriptor = repo / "datapackage" / "datapackage.json"

    # 1. Find the row: the tables and the identifier column the guide names.
    for table in re.findall(r"`(\w+)\.csv`", step(1)):
        assert (repo / "datapackage" / "data" / f"{table}.csv").is_file(), table
    assert "`figure_id`" in step(1) and "figure_id" in read_table(repo / "datapackage" / "data" / "figures.csv")[0]

    # 2. Edit the row, with a mistake the guide's table explains: the value disagrees with as_stated.
    assert "`63000000`" in step(2)
    line = set_cell(descriptor, "figures", FIGURE, "value", "36000000")

    # 3. Check it: `make validate` names file, line and field, with the words of the guide's table.
    assert "make validate" in step(3)
    result = make(repo, "validate")
    assert result.returncode != 0, result.stdout + result.stderr  # make exits 2 when the validator exits 1
    excerpt = table_row("value:")  # "value: V disagrees with '£63m', which means 63000000"
    words = re.escape(excerpt).replace("V", r"\S+")
    problem = f"datapackage/data/figures.csv:{line}: {words}"
    assert re.search(problem, result.stdout + result.stderr), (problem, result.stdout + result.stderr)
    assert "Traceback" not in result.stderr
    # Fixed: the right value, and a note of the contributor's own.
    set_cell(descriptor, "figures", FIGURE, "value", "63000000")
    set_cell(descriptor, "figures", FIGURE, "note", "Checked against the annex by a contributor.")
    result = make(repo, "validate")
    assert result.returncode == 0, result.stdout + result.stderr

    # 5. The data diff CI writes, as the guide says to produce it locally.
    command = re.search(r"`(make diff BASE=\w+)`", step(5))[1]
    result = make(repo, *command.split()[1:])
    assert result.returncode == 0, result.stderr
    assert FIGURE in result.stdout and "Checked against the annex by a contributor." in result.stdout, result.stdout

    # 4. Preview it: what `make serve` serves, built once (`make build`, as deployed).
    assert "make serve" in step(4)
    result = make(repo, "build")
    assert result.returncode == 0, result.stderr[-3000:]
    page = (repo / "site" / "figures" / FIGURE / "index.html").read_text(encoding="utf-8")
    assert "Checked against the annex by a contributor." in page

"""The data diff on copies of the real package: rows, cells, schema, provenance flags, escaping, CLI."""

import json
import re
import subprocess
import sys

import pytest
from conftest import csv_line_of, read_table, set_cell, write_table
from diff_fixtures import clone, git, two_packages  # noqa: F401 (pytest fixtures)

from tools.diff import diff_packages, render_markdown

pytestmark = pytest.mark.data

FIGURE = "uk-contribution-port-tunnel-security"  # value 63000000, as_stated "£63m"


def resource(diff, name):
    return next(r for r in diff.resources if r.name == name)


def only_change(diff, name):
    rows = resource(diff, name).rows
    assert len(rows) == 1, rows
    return rows[0]


def cell_of(descriptor, table, key, field):
    header, rows = read_table(descriptor.parent / "data" / f"{table}.csv")
    return next(r for r in rows if r[1] == key)[header.index(field)]


def test_identical_packages_have_no_changes(two_packages):
    old, new = two_packages
    diff = diff_packages(old, new)
    assert not any(r.changed for r in diff.resources) and not diff.package
    assert "No data changes." in render_markdown(diff)


def test_changed_cell_old_to_new_and_still_valid(two_packages):
    old, new = two_packages
    before = cell_of(new / "datapackage.json", "figures", "cao-centres", "note")
    line = set_cell(new / "datapackage.json", "figures", "cao-centres", "note", "A corrected note.")
    change = only_change(diff_packages(old, new), "figures")
    assert (change.kind, change.key, change.line) == ("changed", ("cao-centres",), line)
    assert change.cells == [("note", before, "A corrected note.")]
    assert change.problems == []
    md = render_markdown(diff_packages(old, new))
    assert "### figures" in md
    assert f"| cao-centres (line {line}) | changed | note: " in md
    assert "→ A corrected note. | ✅ passes |" in md


def test_value_disagreeing_with_as_stated_is_flagged(two_packages):
    old, new = two_packages
    line = set_cell(new / "datapackage.json", "figures", FIGURE, "value", "64000000")
    diff = diff_packages(old, new)
    change = only_change(diff, "figures")
    assert change.cells == [("value", "63000000", "64000000")]
    assert [(p.line, p.field) for p in change.problems] == [(line, "value")]
    assert "disagrees with '£63m', which means 63000000" in change.problems[0].message
    assert not diff.valid
    md = render_markdown(diff)
    assert "value: 63000000 → 64000000 | ❌ value: 64000000 disagrees" in md
    assert "❌ The validator finds" in md


def test_rows_added_and_removed(two_packages):
    old, new = two_packages
    path = new / "data" / "terms.csv"
    header, rows = read_table(path)
    copy = list(rows[0])
    copy[1] = "uk-again"
    removed = rows.pop(1)
    write_table(path, header, rows + [copy])
    changes = {c.kind: c for c in resource(diff_packages(old, new), "terms").rows}
    assert set(changes) == {"added", "removed"}
    assert changes["added"].key == ("uk-again",)
    assert changes["added"].line == csv_line_of(path, -1)  # the last record of the file
    assert ("term_id", None, "uk-again") in changes["added"].cells
    assert changes["added"].problems == []
    assert changes["removed"].key == (removed[1],) and changes["removed"].line is None
    assert ("definition", removed[header.index("definition")], None) in changes["removed"].cells
    md = render_markdown(diff_packages(old, new))
    assert re.search(r"^\| uk-again \(line \d+\) \| added \| document_id: ", md, re.M)
    assert re.search(rf"^\| {removed[1]} \| removed \| .* \| — \|$", md, re.M)


def test_schema_changes_are_reported(two_packages):
    old, new = two_packages
    descriptor = json.loads((new / "datapackage.json").read_text(encoding="utf-8"))
    fields = {r["name"]: {f["name"]: f for f in r["schema"]["fields"]} for r in descriptor["resources"]}
    fields["figures"]["note"]["constraints"] = {"maxLength": 500}
    fields["paragraphs"]["page"]["type"] = "string"
    terms = next(r for r in descriptor["resources"] if r["name"] == "terms")
    terms["schema"]["fields"].append({"name": "source", "type": "string"})
    (new / "datapackage.json").write_text(json.dumps(descriptor, indent=2, ensure_ascii=False), encoding="utf-8")
    diff = diff_packages(old, new)
    assert resource(diff, "figures").schema == ['field note: constraints null → {"maxLength": 500}']
    assert any(line.startswith('field page: type "integer" → "string"') for line in resource(diff, "paragraphs").schema)
    assert resource(diff, "terms").schema == ["field source added (string)"]
    # The CSV lacks the new column: the header problem is not on a row, so it is listed apart.
    assert any(p.field == "source" and "column is missing" in p.message for p in diff.other_problems)
    md = render_markdown(diff)
    assert "### terms" in md and "- field source added (string)" in md
    assert "### Other problems in the new package" in md
    assert "- data/terms.csv:1: source: column is missing from the header" in md


def test_removed_resource(two_packages):
    old, new = two_packages
    descriptor = json.loads((new / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["resources"] = [r for r in descriptor["resources"] if r["name"] != "terms"]
    descriptor["version"] = "2.0.0"
    (new / "datapackage.json").write_text(json.dumps(descriptor, indent=2), encoding="utf-8")
    diff = diff_packages(old, new)
    terms = resource(diff, "terms")
    assert terms.status == "removed" and {c.kind for c in terms.rows} == {"removed"}
    assert any(line.startswith("version: ") and line.endswith('→ "2.0.0"') for line in diff.package)
    assert "### terms (resource removed)" in render_markdown(diff)


def test_markup_in_a_cell_is_escaped(two_packages):
    old, new = two_packages
    evil = '<img src=x onerror="alert(1)"> | [click](https://evil.example) **bold** `code`\nnext'
    set_cell(new / "datapackage.json", "figures", "cao-centres", "note", evil)
    md = render_markdown(diff_packages(old, new))
    row = next(line for line in md.splitlines() if line.startswith("| cao-centres"))
    assert "<img" not in md and '&lt;img src=x onerror="alert(1)"&gt;' in row
    assert r"\[click](https://evil.example)" in row and r"\*\*bold\*\*" in row and r"\`code\`" in row
    assert "next" in row  # the newline did not end the table row
    # Exactly the five pipes that delimit the four columns are unescaped.
    assert len(re.findall(r"(?<!\\)\|", row)) == 5


def run_cli(repo, *args):
    # -P: import scripts from this checkout's installed package, not from the clone's own copy
    # (which may predate tools/diff.py).
    return subprocess.run([sys.executable, "-P", "-m", "tools.diff", *args], cwd=repo, capture_output=True, text=True)


def test_cli_on_a_git_clone(clone):
    descriptor = clone / "datapackage" / "datapackage.json"
    set_cell(descriptor, "figures", FIGURE, "value", "64000000")
    git(clone, "commit", "--quiet", "-am", "Change a figure")

    result = run_cli(clone, "HEAD~1", "HEAD")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(r"## Data changes: HEAD\~1 (")  # "~" would strike through
    assert "value: 63000000 → 64000000 | ❌ value: 64000000 disagrees" in result.stdout

    # Against the working tree, and without touching it.
    set_cell(descriptor, "figures", FIGURE, "note", "Uncommitted note.")
    status = git(clone, "status", "--porcelain")
    result = run_cli(clone, "HEAD")
    assert result.returncode == 0, result.stderr
    assert "→ working tree" in result.stdout and "value: 63000000" not in result.stdout
    # Only the note changed since HEAD, but the row still fails its check on the value.
    assert "→ Uncommitted note. | ❌ value: 64000000 disagrees" in result.stdout
    assert git(clone, "status", "--porcelain") == status

    assert "No data changes." in run_cli(clone, "HEAD", "HEAD").stdout


def test_cli_bad_revision_exits_2(clone):
    result = run_cli(clone, "no-such-revision")
    assert result.returncode == 2
    assert "'no-such-revision' is not a commit" in result.stderr and result.stdout == ""

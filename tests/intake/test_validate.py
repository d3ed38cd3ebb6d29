"""The real package passes Frictionless and every project check, through both commands."""

import subprocess
import sys

import pytest

from scripts.intake.package import load_tables
from scripts.intake.validate import validate
from scripts.paths import DESCRIPTOR, ROOT

pytestmark = pytest.mark.data

BIN = __import__("pathlib").Path(sys.executable).parent


def test_real_package_is_valid():
    report = validate(DESCRIPTOR)
    assert report.problems == []
    assert report.resources == 9


def test_cli_prints_one_line_summary():
    result = subprocess.run(
        [sys.executable, "-m", "scripts.intake.validate"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    rows = sum(len(t) for t in load_tables().values())
    assert result.stdout.strip() == f"valid: 9 resources, {rows} rows, 23 checks passed"


def test_frictionless_alone_accepts_it():
    result = subprocess.run(
        [str(BIN / "frictionless"), "validate", "datapackage.json"],
        cwd=DESCRIPTOR.parent,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout


def test_every_field_has_a_description():
    import json

    descriptor = json.loads(DESCRIPTOR.read_text(encoding="utf-8"))
    for resource in descriptor["resources"]:
        for field in resource["schema"]["fields"]:
            assert field.get("description"), f"{resource['name']}.{field['name']}"


def test_every_table_carries_document_id():
    for name, rows in load_tables().items():
        assert all(row["document_id"] for row in rows), name


def test_completeness_counts():
    """What the annex holds, counted once by hand and pinned: a dropped row fails here too."""
    tables = load_tables()
    counts = {name: len(rows) for name, rows in tables.items()}
    assert counts == {
        "documents": 1,
        "paragraphs": 12,
        "figures": 17,
        "commitments": 28,
        "events": 7,
        "terms": 16,
        "exchange_rates": 1,
        "followups": 102,
        "amounts": 11,
    }


def test_project_rules_report_inside_frictionless(package_copy):
    """The row rules are Frictionless checks: Frictionless's own report carries their errors, beside
    its schema errors, with the row they belong to."""
    from conftest import set_cell
    from frictionless import Checklist
    from frictionless import Package as FPackage

    from scripts.intake import rules
    from scripts.intake.validate import Package

    line = set_cell(package_copy, "followups", "uk-funded-calais-wall-construction-starts", "date", "2099-01-01")
    pkg = Package(package_copy)
    assert pkg.load()
    checks = rules.rules(pkg.tables, {}, "operative-phrases.csv")
    report = FPackage(str(package_copy)).validate(Checklist(checks=checks), limit_errors=0)
    found = [
        (task.name, e.row_number, e.field_name, e.note)
        for task in report.tasks
        for e in task.errors
        if e.type == rules.RuleError.type and task.name == "followups" and e.field_name == "date"
    ]
    index = next(i for i, r in enumerate(pkg.table("followups")) if r.line == line)
    assert [(n, row, field) for n, row, field, _ in found] == [("followups", index + 2, "date")], found
    assert "evidence cannot come from the future" in found[0][3]

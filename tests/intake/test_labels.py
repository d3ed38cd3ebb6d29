"""The words for a value come from the descriptor's `categories` alone: an allowed value without a
label is refused by the validator, naming the file, line and field; one added with a label renders."""

from __future__ import annotations

import csv
import json

import pytest
from conftest import build_site

from scripts.intake.validate import validate

NEW = "withdrawn"


def add_status(descriptor_path, category: dict | None) -> None:
    """A new follow-up status, with or without its words."""
    data = json.loads(descriptor_path.read_text(encoding="utf-8"))
    resource = next(r for r in data["resources"] if r["name"] == "followups")
    field = next(f for f in resource["schema"]["fields"] if f["name"] == "status")
    field["constraints"]["enum"].append(NEW)
    if category:
        field["categories"].append({"value": NEW, **category})
    descriptor_path.write_text(json.dumps(data, indent=2, ensure_ascii=True) + "\n", encoding="utf-8")


def set_status(package_dir, followup_id: str, status: str) -> None:
    path = package_dir / "data" / "followups.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    i, key = rows[0].index("status"), rows[0].index("followup_id")
    for row in rows[1:]:
        if row[key] == followup_id:
            row[i] = status
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


@pytest.mark.data
def test_an_allowed_value_without_a_label_is_refused_with_file_line_and_field(package_copy):
    add_status(package_copy, None)
    problems = [p for p in validate(package_copy).problems if f"'{NEW}'" in p.message]
    assert len(problems) == 1, problems
    assert problems[0].field.endswith(".categories") and "no label" in problems[0].message
    text = package_copy.read_text(encoding="utf-8").splitlines()
    # The line of that field's categories: after followups' "status" field begins.
    start = next(n for n, line in enumerate(text) if '"name": "followups"' in line)
    start = next(n for n in range(start, len(text)) if '"name": "status"' in text[n])
    categories = next(n for n in range(start, len(text)) if '"categories"' in text[n]) + 1
    assert problems[0].path.endswith("datapackage.json") and problems[0].line == categories


def drop_categories(descriptor_path, resource_name: str, field_name: str) -> None:
    data = json.loads(descriptor_path.read_text(encoding="utf-8"))
    resource = next(r for r in data["resources"] if r["name"] == resource_name)
    next(f for f in resource["schema"]["fields"] if f["name"] == field_name).pop("categories")
    descriptor_path.write_text(json.dumps(data, indent=2, ensure_ascii=True) + "\n", encoding="utf-8")


@pytest.mark.data
def test_an_enum_with_no_categories_is_refused_but_not_in_a_frozen_release(package_copy):
    drop_categories(package_copy, "amounts", "kind")
    problems = [p for p in validate(package_copy).problems if "'payment'" in p.message]
    assert len(problems) == 1 and problems[0].path.endswith("datapackage.json"), problems
    assert problems[0].field.endswith(".constraints.enum") and "no label" in problems[0].message
    assert '"enum"' in package_copy.read_text(encoding="utf-8").splitlines()[problems[0].line - 1]
    # Released versions predate the rule, and their bytes cannot change.
    assert not [p for p in validate(package_copy, frozen=True).problems if "'payment'" in p.message]


@pytest.mark.build
def test_an_allowed_value_added_with_a_label_renders(tmp_path, package_copy):
    add_status(package_copy, {"label": "Withdrawn by both parties (test)", "short": "withdrawn (test)"})
    # The finding that sets C1's status (its last one within its window) takes the new value.
    set_status(package_copy.parent, "uk-funded-calais-wall-construction-starts", NEW)
    report = validate(package_copy)
    assert report.valid, "\n".join(map(str, report.problems))
    result = build_site(tmp_path / "site", "http://127.0.0.1:1/", package_copy.parent)
    assert result.returncode == 0, result.stderr[-3000:]
    page = (tmp_path / "site" / "commitments" / "1a-pursue-port-tunnel-security" / "index.html").read_text("utf-8")
    assert "Withdrawn by both parties (test)" in page
    charts = (tmp_path / "site" / "embed" / "status" / "index.html").read_text("utf-8")
    assert "withdrawn (test)" in charts.lower()


def edit_category(descriptor_path, resource_name: str, field_name: str, value: str, change) -> None:
    data = json.loads(descriptor_path.read_text(encoding="utf-8"))
    resource = next(r for r in data["resources"] if r["name"] == resource_name)
    field = next(f for f in resource["schema"]["fields"] if f["name"] == field_name)
    change(next(c for c in field["categories"] if c["value"] == value))
    descriptor_path.write_text(json.dumps(data, indent=2, ensure_ascii=True) + "\n", encoding="utf-8")


@pytest.mark.data
@pytest.mark.parametrize(
    "resource,field,value,change,words",
    [
        # The site writes an amount with its currency's symbol, and a pledge with who is bound.
        ("figures", "unit", "EUR", lambda c: c.pop("symbol"), "needs a symbol"),
        ("commitments", "actor", "France", lambda c: c.pop("party"), "needs a party"),
        ("commitments", "strength", "pledge", lambda c: c.update(party="the parties"), "is not in the singular"),
    ],
)
def test_words_the_site_needs_beyond_a_label_are_required_with_file_line_and_field(
    package_copy, resource, field, value, change, words
):
    edit_category(package_copy, resource, field, value, change)
    problems = [p for p in validate(package_copy).problems if words in p.message]
    assert len(problems) == 1, validate(package_copy).problems
    assert problems[0].path.endswith("datapackage.json") and problems[0].field.startswith("resources[")
    assert ".categories[" in problems[0].field and repr(value) in problems[0].message or "party" in words
    text = package_copy.read_text(encoding="utf-8").splitlines()
    assert text[problems[0].line - 1].strip() == "{"  # the category's own line
    assert f'"value": "{value}"' in text[problems[0].line]

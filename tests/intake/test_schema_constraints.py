"""Every constraint of every Table Schema rejects a value that breaks it: generated from the
descriptor, so a constraint added to the schema is tested without a new line here."""

import json

import pytest
from conftest import read_table, write_table

from scripts.intake.validate import validate
from scripts.paths import DESCRIPTOR

pytestmark = pytest.mark.data

DESCRIPTORS = json.loads(DESCRIPTOR.read_text(encoding="utf-8"))


def breaking_values(field: dict) -> list[tuple[str, str]]:
    """(constraint, value) pairs; each value breaks exactly that rule of the field."""
    c = field.get("constraints", {})
    out = []
    if c.get("required"):
        out.append(("required", ""))
    if "pattern" in c:
        out.append(("pattern", "Not A Valid Value!"))
    if "enum" in c:
        out.append(("enum", "not-in-the-list"))
    if "minimum" in c:
        below = c["minimum"] - 1 if field["type"] in ("integer", "number") else "1999-12-31"
        out.append(("minimum", str(below)))
    if "maximum" in c:
        above = c["maximum"] + 1 if field["type"] in ("integer", "number") else "2099-01-01"
        out.append(("maximum", str(above)))
    if "maxLength" in c:
        out.append(("maxLength", "x" * (c["maxLength"] + 1)))
    if c.get("minLength", 0) > 1:
        out.append(("minLength", "x"))
    if field["type"] in ("integer", "number", "date"):
        out.append(("type", "not-a-" + field["type"]))
    return out


CASES = [
    (r["name"], f["name"], rule, value)
    for r in DESCRIPTORS["resources"]
    for f in r["schema"]["fields"]
    for rule, value in breaking_values(f)
]


def test_every_constrained_field_is_covered():
    constrained = {
        (r["name"], f["name"])
        for r in DESCRIPTORS["resources"]
        for f in r["schema"]["fields"]
        if f.get("constraints") or f["type"] != "string"
    }
    assert constrained <= {(t, f) for t, f, _, _ in CASES}


@pytest.mark.parametrize("table,field,rule,value", CASES, ids=[f"{t}.{f}:{r}" for t, f, r, _ in CASES])
def test_constraint_rejects(package_copy, table, field, rule, value):
    resource = next(r for r in DESCRIPTORS["resources"] if r["name"] == table)
    path = package_copy.parent / resource["path"]
    header, rows = read_table(path)
    rows[-1][header.index(field)] = value
    write_table(path, header, rows)
    from scripts.intake.package import read_csv

    line = read_csv(path)[-1].line
    problems = [p for p in validate(package_copy).problems if p.path.endswith(resource["path"])]
    assert any(p.line == line and field in p.field.split(", ") for p in problems), (
        f"{resource['path']}:{line}: {field} ({rule}={value!r}) not rejected; got {[str(p) for p in problems]}"
    )

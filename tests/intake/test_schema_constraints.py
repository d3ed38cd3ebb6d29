"""Every constraint of every Table Schema rejects a value that breaks it: generated from the
descriptor, so a constraint added to the schema is tested without a new line here."""

import json

import pytest
from conftest import csv_line_of, read_table, small_package, write_table

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
        # An address must stay one (a type error otherwise) to break only the pattern.
        out.append(("pattern", "http://example.org/" if field.get("format") == "uri" else "Not A Valid Value!"))
    if "enum" in c:
        out.append(("enum", "not-in-the-list"))
    if "minimum" in c:
        below = c["minimum"] - 1 if field["type"] in ("integer", "number") else "1999-12-31"
        out.append(("minimum", str(below)))
    if "maximum" in c:
        above = c["maximum"] + 1 if field["type"] in ("integer", "number") else "2099-01-01"
        out.append(("maximum", str(above)))
    if "maxLength" in c:
        # An address past the length, not a word that is no address (a type error instead).
        start = "https://example.org/" if field.get("format") == "uri" else ""
        out.append(("maxLength", start + "x" * (c["maxLength"] + 1 - len(start))))
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


def expected(rule: str) -> str:
    """The words of Frictionless's error for the broken rule (the validator keeps them)."""
    return "type-error" if rule == "type" else f'constraint "{rule}"'


def break_cell(path, field: str, value: str, index: int = -1) -> int:
    """Set `field` of record `index` of a CSV; returns the line the record starts on."""
    header, rows = read_table(path)
    rows[index][header.index(field)] = value
    write_table(path, header, rows)
    return csv_line_of(path, index % len(rows))


@pytest.fixture(scope="module")
def reports(tmp_path_factory) -> dict[tuple, tuple[int, list]]:
    """Each case's line and its table's problems. Per table, one package of that table alone, one
    row per case: a copy of the table's last row with that case's cell broken. One validation a
    table, not one a case: Frictionless's cost is in opening a table, not in its rows."""
    out = {}
    for table in dict.fromkeys(case[0] for case in CASES):
        cases = [case for case in CASES if case[0] == table]
        descriptor = small_package(tmp_path_factory.mktemp(table), {table: None})
        path = descriptor.parent / next(r["path"] for r in DESCRIPTORS["resources"] if r["name"] == table)
        header, rows = read_table(path)
        write_table(path, header, [list(rows[-1]) for _ in cases])
        lines = [break_cell(path, field, value, i) for i, (_, field, _, value) in enumerate(cases)]
        problems = [p for p in validate(descriptor).problems if p.path.endswith(path.name)]
        out.update({case: (line, problems) for case, line in zip(cases, lines)})
    return out


@pytest.mark.parametrize("table,field,rule,value", CASES, ids=[f"{t}.{f}:{r}" for t, f, r, _ in CASES])
def test_constraint_rejects(reports, table, field, rule, value):
    """On a row of its own, in a package of that one table: the rule is the schema's."""
    line, problems = reports[(table, field, rule, value)]
    assert any(p.line == line and field in p.field.split(", ") and expected(rule) in p.message for p in problems), (
        f"data/{table}.csv:{line}: {field} ({rule}={value!r}) not rejected; got {[str(p) for p in problems]}"
    )


def test_one_of_each_rule_is_reported_in_the_full_package(package_copy):
    """The wiring, once for the family: one broken value of each kind of rule, each in a row of its
    own, in the full package, all reported as FILE:LINE: FIELD with Frictionless's words."""
    used: dict[str, int] = {}
    wanted = []
    for rule in dict.fromkeys(case[2] for case in CASES):
        for table, field, case_rule, value in CASES:
            path = package_copy.parent / next(r["path"] for r in DESCRIPTORS["resources"] if r["name"] == table)
            if case_rule == rule and used.get(table, 0) < len(read_table(path)[1]):
                used[table] = used.get(table, 0) + 1
                line = break_cell(path, field, value, -used[table])
                wanted.append((path.relative_to(package_copy.parent).as_posix(), line, field, rule))
                break
    assert len(wanted) == len({case[2] for case in CASES})
    problems = validate(package_copy).problems
    for path, line, field, rule in wanted:
        assert any(
            p.path.endswith(path) and p.line == line and field in p.field.split(", ") and expected(rule) in p.message
            for p in problems
        ), f"{path}:{line}: {field}: {expected(rule)} not reported; got {[str(p) for p in problems]}"

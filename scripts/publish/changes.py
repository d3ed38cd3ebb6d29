"""Data changes between two packages, row by row and cell by cell: for every resource, rows added,
removed and changed (matched by the primary key), schema changes, and whether each new or changed
row passes the validator. Used by the changelog (scripts/publish/versions.py) and by the data diff
tool (tools/diff.py, `make diff`), which writes it as Markdown."""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from pathlib import Path

from scripts.intake.descriptor import check, parse, read_text
from scripts.intake.package import Row, read_csv, resource_path
from scripts.intake.validate import Problem, validate

SCHEMA_ATTRS = ("type", "format", "constraints")
SCHEMA_KEYS = ("primaryKey", "foreignKeys", "missingValues")


@dataclass
class RowChange:
    kind: str  # "added", "removed" or "changed"
    key: tuple[str, ...]
    line: int | None  # the row's line in the new file (None when removed)
    cells: list[tuple[str, str | None, str | None]]  # (field, old, new); all fields unless changed
    problems: list[Problem] = field(default_factory=list)  # validator problems on the new row


@dataclass
class ResourceDiff:
    name: str
    status: str  # "added", "removed" or "present"
    schema: list[str] = field(default_factory=list)
    rows: list[RowChange] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return self.status != "present" or bool(self.schema or self.rows)


@dataclass
class DataDiff:
    package: list[str]  # changes to the descriptor's own properties (version, ...)
    resources: list[ResourceDiff]
    problems: list[Problem]  # every validator problem of the new package
    other_problems: list[Problem]  # those not on an added or changed row
    new_dir: Path | None = None  # to name files relative to the package
    old_label: str = "old"
    new_label: str = "new"
    refused: bool = False  # the new descriptor failed scripts/intake/descriptor.py: no file of it was read

    @property
    def valid(self) -> bool:
        return not self.problems


# -- reading -------------------------------------------------------------------------------------
def load(package_dir: Path, strict: bool = False, data: dict | None = None) -> dict:
    """The descriptor, or an empty package when the revision has none (or an unreadable one).

    With `strict` (the side under review), a descriptor that scripts/intake/descriptor.py refuses keeps
    its top-level properties for the comparison but lists no resources: none of its files is read,
    and the validator's report says why.
    """
    try:  # `data`: the descriptor as the build has already read it
        data = data if data is not None else parse(read_text(package_dir / "datapackage.json"))
    except (OSError, ValueError):
        return {"resources": []}
    if strict and any(True for _ in check(data, package_dir)):
        return {**data, "resources": None}  # None: refused, so not compared (rather than all "removed")
    resources = data.get("resources")
    good = (
        [r for r in resources if isinstance(r, dict) and isinstance(r.get("schema"), dict)]
        if isinstance(resources, list)
        else []
    )
    return {**data, "resources": good}


def rows_of(package_dir: Path, resource: dict) -> list[Row]:
    # A file the validator rejects (bad UTF-8, missing, outside the package) is shown as empty;
    # its problems say why.
    try:
        return read_csv(resource_path(package_dir / "datapackage.json", resource))
    except (OSError, ValueError, csv.Error, KeyError):
        return []


def show(value) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


# -- comparing -----------------------------------------------------------------------------------
def schema_changes(old: dict, new: dict) -> list[str]:
    old_fields = {f.get("name"): f for f in old.get("fields", [])}
    new_fields = {f.get("name"): f for f in new.get("fields", [])}
    out = [f"field {name} added ({f.get('type', 'any')})" for name, f in new_fields.items() if name not in old_fields]
    out += [f"field {name} removed" for name in old_fields if name not in new_fields]
    for name in (n for n in new_fields if n in old_fields):
        for attr in SCHEMA_ATTRS:
            before, after = old_fields[name].get(attr), new_fields[name].get(attr)
            if before != after:
                out.append(f"field {name}: {attr} {show(before)} → {show(after)}")
    common = [n for n in new_fields if n in old_fields]
    if common != [n for n in old_fields if n in new_fields]:
        out.append("field order changed: " + ", ".join(map(str, new_fields)))
    for key in SCHEMA_KEYS:
        if old.get(key) != new.get(key):
            out.append(f"{key}: {show(old.get(key))} → {show(new.get(key))}")
    return out


def row_changes(old_rows: list[Row], new_rows: list[Row], key_fields: list[str]) -> list[RowChange]:
    def key(row: Row) -> tuple[str, ...]:
        return tuple(row.values.get(f) or "" for f in key_fields)

    old_by_key = {key(r): r for r in old_rows}
    seen: set[tuple[str, ...]] = set()
    changes = []
    for row in new_rows:
        k = key(row)
        old = old_by_key.get(k) if k not in seen else None  # a duplicate key is a new row
        seen.add(k)
        if old is None:
            changes.append(RowChange("added", k, row.line, [(f, None, v) for f, v in row.values.items()]))
            continue
        names = list(row.values) + [f for f in old.values if f not in row.values]
        cells = [(f, old.values.get(f), row.values.get(f)) for f in names if old.values.get(f) != row.values.get(f)]
        if cells:
            changes.append(RowChange("changed", k, row.line, cells))
    changes += [
        RowChange("removed", key(r), None, [(f, v, None) for f, v in r.values.items()])
        for r in old_rows
        if key(r) not in seen
    ]
    return changes


def diff_packages(
    old_dir: Path,
    new_dir: Path,
    old_label: str = "old",
    new_label: str = "new",
    check: bool = True,
    new_descriptor: dict | None = None,
    new_tables: dict[str, list[Row]] | None = None,
) -> DataDiff:
    """Compare two package folders (each holding datapackage.json); with `check`, validate the new one
    (the changelog compares released versions, which were validated when they were built).
    `new_descriptor`, `new_tables`: the new one's descriptor and rows, when the build has read them."""
    old_dir, new_dir = Path(old_dir), Path(new_dir)
    # A descriptor the build read has passed the validator, which runs check() first: not run again.
    old, new = load(old_dir), load(new_dir, strict=new_descriptor is None, data=new_descriptor)
    package = [
        f"{k}: {show(old.get(k))} → {show(new.get(k))}"
        for k in dict.fromkeys([*new, *old])
        if k != "resources" and old.get(k) != new.get(k)
    ]
    descriptor = new_dir / "datapackage.json"
    problems = validate(descriptor).problems if check and descriptor.exists() else []
    # The validator names files as the reader would type them; resolve both sides to match.
    by_place: dict[tuple[Path, int], list[Problem]] = {}
    for p in problems:
        by_place.setdefault((Path(p.path).resolve(), p.line), []).append(p)
    matched: set[Problem] = set()

    old_res = {r.get("name"): r for r in old.get("resources", [])}
    refused = new.get("resources", []) is None
    if refused:
        old_res = {}
    new_res = {r.get("name"): r for r in new.get("resources") or []}
    resources = []
    for name in dict.fromkeys([*new_res, *old_res]):
        before, after = old_res.get(name, {}), new_res.get(name, {})
        status = "added" if not before else "removed" if not after else "present"
        schema = after.get("schema") or before.get("schema") or {}
        keys = schema.get("primaryKey") or [f.get("name") for f in schema.get("fields", [])]
        keys = [keys] if isinstance(keys, str) else keys
        new_rows = (new_tables[name] if new_tables and name in new_tables else rows_of(new_dir, after)) if after else []
        rows = row_changes(rows_of(old_dir, before) if before else [], new_rows, keys)
        if after.get("path"):  # without one, the validator reports the resource itself
            path = (new_dir / after["path"]).resolve()
            for change in rows:
                if change.line is not None:
                    change.problems = by_place.get((path, change.line), [])
                    matched.update(change.problems)
        resources.append(
            ResourceDiff(name, status, schema_changes(before.get("schema", {}), after.get("schema", {})), rows)
        )
    other = [p for p in problems if p not in matched]
    return DataDiff(package, resources, problems, other, new_dir, old_label, new_label, refused)


# -- rendering -----------------------------------------------------------------------------------

"""Data diff: what a change does to the data package, row by row and cell by cell.

`python -m scripts.diff BASE [HEAD]` (or `make diff BASE=<rev>`) compares the package at git
revision BASE with the working tree, or with revision HEAD. For every resource it lists rows
added, removed and changed (matched by the primary key), schema changes, and whether each new
or changed row passes the validator. The output is Markdown: CI appends it to the job summary,
and it reads as plain text in a terminal. Old revisions are exported to a temporary folder
with `git archive`; nothing here writes to the working tree.
"""

from __future__ import annotations

import argparse
import csv
import html
import json
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from scripts.descriptor import check, parse, read_text, visible
from scripts.git import PACKAGE_REL, BadRevision, archive, line, resolve
from scripts.package import Row, read_csv, resource_path
from scripts.validate import Problem, validate

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
    refused: bool = False  # the new descriptor failed scripts/descriptor.py: no file of it was read

    @property
    def valid(self) -> bool:
        return not self.problems


# -- reading -------------------------------------------------------------------------------------
def load(package_dir: Path, strict: bool = False, data: dict | None = None) -> dict:
    """The descriptor, or an empty package when the revision has none (or an unreadable one).

    With `strict` (the side under review), a descriptor that scripts/descriptor.py refuses keeps
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
) -> DataDiff:
    """Compare two package folders (each holding datapackage.json); with `check`, validate the new one
    (the changelog compares released versions, which were validated when they were built).
    `new_descriptor`: the new one's descriptor, when the build has already read it."""
    old_dir, new_dir = Path(old_dir), Path(new_dir)
    old, new = load(old_dir), load(new_dir, strict=True, data=new_descriptor)
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
        rows = row_changes(rows_of(old_dir, before) if before else [], rows_of(new_dir, after) if after else [], keys)
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
# What can turn text into markup: "[" (links, images), "|" (table cells), emphasis and code,
# a backslash (it would cancel our escapes) and "_" at a word's edge. "<" and ">" go as HTML
# entities. "_" inside a word is plain text in GitHub Markdown, so identifiers stay readable.
MARKDOWN_SPECIALS = re.compile(r"[\\`*\[|~]|(?<!\w)_|_(?!\w)")


def cell(text: str | None) -> str:
    """Data as inert Markdown: no HTML, links, emphasis or table breaks can come out of a value."""
    if text is None:
        return "_(missing)_"
    if text == "":
        return "_(empty)_"
    text = html.escape(MARKDOWN_SPECIALS.sub(lambda m: "\\" + m[0], text), quote=False)
    # Bidi overrides and zero-width characters would hide what a row really says: show them.
    return visible(text.replace("\r", "").replace("\n", " ↵ "))


def problem_text(p: Problem, base: Path | None = None) -> str:
    path = Path(p.path)
    if base is not None and path.resolve().is_relative_to(base.resolve()):
        path = path.resolve().relative_to(base.resolve())
    return f"{path.as_posix()}:{p.line}: {p.field}: {p.message}"


def render_row(change: RowChange) -> str:
    key = " / ".join(cell(k) for k in change.key)
    where = f" (line {change.line})" if change.line else ""
    if change.kind == "changed":
        cells = [f"{cell(f)}: {cell(old)} → {cell(new)}" for f, old, new in change.cells]
    else:
        cells = [f"{cell(f)}: {cell(old if change.kind == 'removed' else new)}" for f, old, new in change.cells]
    if change.kind == "removed":
        check = "—"
    elif change.problems:
        check = "❌ " + "<br>".join(cell(f"{p.field}: {p.message}") for p in change.problems)
    else:
        check = "✅ passes"
    return f"| {key}{where} | {change.kind} | {'<br>'.join(cells)} | {check} |"


def render_markdown(diff: DataDiff) -> str:
    changed = [r for r in diff.resources if r.changed]
    counts = {
        kind: sum(1 for r in changed for c in r.rows if c.kind == kind) for kind in ("added", "changed", "removed")
    }
    flagged = sum(1 for r in changed for c in r.rows if c.problems)
    out = [f"## Data changes: {cell(diff.old_label)} → {cell(diff.new_label)}", ""]
    if diff.refused:
        out.append(
            "The new datapackage.json is refused (see the problems below), so no file it names was "
            "read and no row is compared."
        )
    elif not changed and not diff.package:
        out.append("No data changes.")
    else:
        out.append(
            f"Rows: {counts['added']} added, {counts['changed']} changed, "
            f"{counts['removed']} removed, in {len(changed)} of {len(diff.resources)} resources."
        )
    out.append("")
    out.append(
        "✅ The new package passes the validator."
        if diff.valid
        else f"❌ The validator finds {len(diff.problems)} problem(s); "
        f"{flagged} added or changed row(s) are flagged below."
    )
    if diff.package:
        out += ["", "### Package", ""] + [f"- {cell(line)}" for line in diff.package]
    for res in changed:
        out += ["", f"### {cell(res.name)}" + (f" (resource {res.status})" if res.status != "present" else ""), ""]
        if res.schema:
            out += ["Schema:", ""] + [f"- {cell(line)}" for line in res.schema] + [""]
        if res.rows:
            out += ["| Row | Change | Cells | Checks |", "|---|---|---|---|"]
            out += [render_row(c) for c in res.rows]
    if diff.other_problems:
        out += ["", "### Other problems in the new package", ""]
        out += [f"- {cell(problem_text(p, diff.new_dir))}" for p in diff.other_problems]
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base", help="git revision to compare from")
    parser.add_argument("head", nargs="?", help="git revision to compare to (default: the working tree)")
    parser.add_argument("--repo", type=Path, default=Path.cwd(), help="the git checkout (default: here)")
    args = parser.parse_args(argv)
    try:
        repo = Path(line(args.repo, "rev-parse", "--show-toplevel"))
    except (subprocess.CalledProcessError, FileNotFoundError):
        print(f"error: {args.repo} is not inside a git checkout", file=sys.stderr)
        return 2
    try:
        base = resolve(repo, args.base)
        head = resolve(repo, args.head) if args.head else None
    except BadRevision as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="data-diff-") as tmp:
        old_dir = archive(repo, base, Path(tmp) / "old")
        new_dir = archive(repo, head, Path(tmp) / "new") if head else repo / PACKAGE_REL
        diff = diff_packages(
            old_dir, new_dir, f"{args.base} ({base[:12]})", f"{args.head} ({head[:12]})" if head else "working tree"
        )
        sys.stdout.write(render_markdown(diff))
    return 0


if __name__ == "__main__":
    sys.exit(main())

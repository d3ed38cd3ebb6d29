"""Data diff: what a change does to the data package, row by row and cell by cell.

`python -m tools.diff BASE [HEAD]` (or `make diff BASE=<rev>`) compares the package at git
revision BASE with the working tree, or with revision HEAD. For every resource it lists rows
added, removed and changed (matched by the primary key), schema changes, and whether each new
or changed row passes the validator. The output is Markdown: CI appends it to the job summary,
and it reads as plain text in a terminal. Old revisions are exported to a temporary folder
with `git archive`; nothing here writes to the working tree.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

from scripts.escape import markdown_cell
from scripts.git import PACKAGE_REL, BadRevision, archive, line, resolve
from scripts.intake.descriptor import visible
from scripts.intake.validate import Problem
from scripts.publish.changes import DataDiff, RowChange, diff_packages


def cell(text: str | None) -> str:
    """Data as inert Markdown: no HTML, links, emphasis or table breaks can come out of a value."""
    if text is None:
        return "_(missing)_"
    if text == "":
        return "_(empty)_"
    # Bidi overrides and zero-width characters would hide what a row really says: show them.
    return visible(markdown_cell(text))


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

"""Load and validate the data package: Frictionless first, then the checks it cannot do.

Every problem names the CSV, its physical line and the field, as
`datapackage/data/FILE.csv:LINE: FIELD: message`. Nothing here writes to the package.
Run it with `make validate` or `python -m scripts.intake.validate [datapackage.json]`.
"""

from __future__ import annotations

import argparse
import copy
import csv
import dataclasses
import datetime as dt
import hashlib
import io
import json
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from scripts import kinds
from scripts.intake import annex_text, descriptor, quantities, rules, status
from scripts.intake.descriptor import UnsafePath, local_file, visible
from scripts.intake.package import Row, parse_csv, read_csv
from scripts.paths import DESCRIPTOR

# What to write instead, for a cell that is not of its column's type (Frictionless only names the type).
TYPE_HINTS = {
    "date": "is not a valid date written YYYY-MM-DD: write it so, for example 2016-09-20",
    "integer": "is not a whole number: write digits only (1300, not 1,300 or 1300.0)",
    "number": "is not a number: write digits with an optional '.' and decimals (63000000 or 0.77435), no separators",
    "boolean": "is not true or false: write true or false",
}
MAX_FILE_BYTES = 10_000_000
MAX_CELL_CHARS = 100_000
# Rows the site is built for, all tables together: every record gets a page and the follow-ups fill
# the commitment pages, so build time grows with the rows. The 100× synthetic package of `make bench`
# (15,900 rows, 6,900 of them follow-ups, 6,248 pages) built in 295 s on a busy two-core machine;
# 60,000 follow-ups validated in seconds but took the build past ten minutes.
MAX_ROWS = 20_000


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        # One problem, one line: Frictionless quotes cell values, line breaks and all, in its notes.
        text = f"{self.path}:{self.line}: {self.field or '-'}: {self.message}"
        return visible(text.replace("\r", "\\r").replace("\n", "\\n"))


@dataclass
class Report:
    problems: list[Problem]
    resources: int
    rows: int
    checks: int
    # Data that is valid but may not do what its author meant (a row that cannot set the status it
    # reports): printed, never a failure.
    warnings: list[Problem] = dataclasses.field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        return f"valid: {self.resources} resources, {self.rows} rows, {self.checks} checks passed"


def display(path: Path) -> str:
    """The path as a reader types it: relative to the working directory when it can be."""
    path = Path(path).absolute()
    cwd = Path.cwd()
    return str(path.relative_to(cwd)) if path.is_relative_to(cwd) else str(path)


class Package:
    """The descriptor and its tables, read once; checks record problems against it."""

    def __init__(self, descriptor_path: Path):
        self.descriptor_path = descriptor_path
        self.base = descriptor_path.parent
        self.problems: list[Problem] = []
        self.warnings: list[Problem] = []
        self.checks = 0
        self.descriptor: dict = {}
        self.where: dict[tuple, int] = {}  # the descriptor's line of each value, by its path
        self.descriptor_bytes = b""  # as read, once: the build compares it with releases (scripts/publish/versions.py)
        # Each file read, by its path in the package, as validated: the build publishes these bytes
        # (scripts/publish/versions.py, export.py) instead of reading the files again.
        self.files: dict[str, bytes] = {}
        self.tables: dict[str, list[Row]] = {}
        self.paths: dict[str, Path] = {}
        self.unreadable: set[str] = set()  # tables whose file could not be read at all
        self.mistyped: set[tuple[str, int, str]] = set()  # (table, line, field): a type error said it all

    def problem(self, resource: str | Path, line: int, field: str, message: str) -> None:
        if (resource, line, field) in self.mistyped:
            return  # the checks after Frictionless's would read a cell that is not of its type as if it were
        path = self.paths.get(resource, resource) if isinstance(resource, str) else resource
        self.problems.append(Problem(display(Path(path)), line, field, message))

    def table(self, name: str) -> list[Row]:
        return self.tables.get(name, [])

    def bytes_of(self, name: str) -> bytes | None:
        """The bytes read of the resource called `name` (`files`), or None if none were."""
        path = next((r["path"] for r in self.descriptor.get("resources", []) if r["name"] == name), None)
        return None if path is None else self.files.get(path)

    def review_table(self, path: Path) -> list[Row]:
        """A reviewed table under checks/ (the number allowlist, the operative phrases), read like a
        resource: through `local_file`, so a link or a path outside the package is refused."""
        rel = Path(path).relative_to(self.base).as_posix() if Path(path).is_relative_to(self.base) else str(path)
        if not (self.base / rel).exists() and not (self.base / rel).is_symlink():
            return []
        try:
            return read_csv(local_file(self.base, rel))
        except (UnsafePath, OSError, UnicodeDecodeError, csv.Error) as exc:
            self.problem(path, 1, "-", f"cannot read this reviewed table: {exc}")
            return []

    # -- reading ----------------------------------------------------------------------------
    def load(self) -> bool:
        """Read the descriptor, prove it may be used (scripts/intake/descriptor.py), then read each table."""
        try:
            self.descriptor_bytes = descriptor.read_bytes(self.descriptor_path)
            text = descriptor.text_of(self.descriptor_bytes)
            self.descriptor = descriptor.parse(text)
        except (OSError, UnicodeDecodeError, ValueError, UnsafePath) as exc:
            line = getattr(exc, "lineno", 1)
            self.problem(self.descriptor_path, line, "-", f"cannot read the descriptor: {exc}")
            return False
        where = self.where = descriptor.lines(text)
        refused = list(descriptor.check(self.descriptor, self.base))
        for at, message in refused:
            line = where.get(at) or where.get(at[:-1]) or 1
            self.problem(self.descriptor_path, line, descriptor.pointer(at), message)
        if refused:
            return False  # nothing the descriptor names is read until it is safe to
        for resource in self.descriptor["resources"]:
            path = local_file(self.base, resource["path"])
            self.paths[resource["name"]] = path
            self.tables[resource["name"]] = self.read_table(resource["name"], path, resource)
        return True

    def read_table(self, name: str, path: Path, resource: dict) -> list[Row]:
        """Read a CSV strictly: UTF-8, no byte-order mark, the schema's header, not empty."""

        def unreadable(line: int, message: str) -> list[Row]:
            self.problem(path, line, "-", message)
            self.unreadable.add(name)
            return []

        try:
            data = path.read_bytes()
        except OSError as exc:
            return unreadable(1, f"cannot read the file: {exc.strerror or exc}")
        if len(data) > MAX_FILE_BYTES:
            return unreadable(1, f"file is {len(data):,} bytes; the limit is {MAX_FILE_BYTES:,}")
        if not data.strip():
            return unreadable(1, "file is empty: it needs at least its header row")
        if data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
            return unreadable(1, "file starts with a byte-order mark: save it as UTF-8 without BOM")
        if b"\x00" in data:  # checked before decoding, so a UTF-16 file is named as such on line 1
            return unreadable(
                data[: data.index(b"\x00")].count(b"\n") + 1,
                "contains a NUL byte (UTF-16 text is full of them): save the file as UTF-8",
            )
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            return unreadable(
                data[: exc.start].count(b"\n") + 1,
                f"not valid UTF-8 (byte 0x{data[exc.start]:02x}): save the file as UTF-8",
            )
        if "\r" in text:
            return unreadable(
                text[: text.index("\r")].count("\n") + 1,
                "contains a carriage return (Windows line ending?): save the file with LF line endings",
            )
        try:
            rows = parse_csv(io.StringIO(text, newline=""))
        except csv.Error as exc:
            return unreadable(getattr(exc, "line", 1), f"cannot parse the CSV: {exc}")
        self.files[resource["path"]] = data
        before = sum(map(len, self.tables.values()))
        if before + len(rows) > MAX_ROWS:
            return unreadable(
                rows[max(0, MAX_ROWS - before)].line,
                f"the package passes {MAX_ROWS:,} rows here ({before:,} in the tables before this one, "
                f"{len(rows):,} in this one); the limit is {MAX_ROWS:,} rows in all",
            )
        expected = [f.get("name") for f in resource.get("schema", {}).get("fields", [])]
        header = next(csv.reader(io.StringIO(text)), [])
        if expected and header != expected:
            missing = [f for f in expected if f not in header]
            extra = [f for f in header if f not in expected]
            for field in missing:
                self.problem(path, 1, field, "column is missing from the header")
            for field in extra:
                self.problem(path, 1, field or "(blank)", "column is not in the schema")
            if not missing and not extra:
                self.problem(path, 1, "-", f"columns are out of order: expected {', '.join(expected)}")
            # Every row would now be read against the wrong columns: one message, not one per cell.
            self.unreadable.add(name)
        for row in rows:
            for field, value in row.values.items():
                if value is not None and len(value) > MAX_CELL_CHARS:
                    self.problem(
                        path,
                        row.line,
                        field or "-",
                        f"cell is {len(value):,} characters; the limit is {MAX_CELL_CHARS:,}",
                    )
                    self.unreadable.add(name)
            width = len(row.values)
            # A quote never closed swallows the lines after it, up to the next quote: its cell holds a
            # line break and the row is misshapen, or the cell holds a line that starts like this row.
            misshapen = row.extra_cells or None in row.values.values()
            record_start = f"\n{next(iter(row.values.values()), None) or ''},"
            runaway = next(
                (f for f, v in row.values.items() if v and "\n" in v and (misshapen or record_start in v)), None
            )
            if runaway:
                self.problem(
                    path,
                    row.line,
                    runaway,
                    'a quoted cell runs on over the lines after it: is a closing quote (") missing?',
                )
            elif row.extra_cells:
                self.problem(path, row.line, "-", f"row has {width + row.extra_cells} cells; the header has {width}")
            elif len([v for v in row.values.values() if v is not None]) < len(header):
                self.problem(path, row.line, "-", f"row has fewer cells than the header's {len(header)}")
        return rows


def check_labels(pkg: Package) -> None:
    """Every allowed value has a label in its field's `categories`: the only place the site takes
    the words for a value from. (scripts/intake/descriptor.py refuses categories that label some values
    and not others; this is a field with an enum and no categories at all.)"""
    pkg.checks += 1
    for i, resource in enumerate(pkg.descriptor["resources"]):
        for j, field in enumerate(resource["schema"]["fields"]):
            enum = field.get("constraints", {}).get("enum", [])
            if enum and not field.get("categories"):
                at = ("resources", i, "schema", "fields", j, "constraints", "enum")
                pkg.problem(
                    pkg.descriptor_path,
                    pkg.where.get(at) or 1,
                    descriptor.pointer(at),
                    f"{', '.join(map(repr, enum))} of {field['name']!r}'s enum have no label: each allowed value "
                    "needs one in the field's categories (label; singular, plural, short, meaning where the site "
                    "uses them)",
                )
    for at, message in needed_words(pkg.descriptor):
        pkg.problem(
            pkg.descriptor_path, pkg.where.get(at) or pkg.where.get(at[:-1]) or 1, descriptor.pointer(at), message
        )


def needed_words(data: dict) -> Iterator[tuple[tuple, str]]:
    """The words the site needs for some values beyond a label, as (path of keys, message): the
    symbol of a unit that is money (a currency of the exchange rates), and who a commitment's actor
    is in a sentence; a strength's `party` is the words of its singular and plural that it replaces."""
    fields = {
        (r["name"], f["name"]): (("resources", i, "schema", "fields", j), f)
        for i, r in enumerate(data["resources"])
        for j, f in enumerate(r["schema"]["fields"])
    }

    def categories(resource: str, name: str):
        at, field = fields.get((resource, name), ((), {}))
        return [(at + ("categories", k), c) for k, c in enumerate(field.get("categories", []))]

    currencies = {
        v
        for name in ("base_currency", "quote_currency")
        for v in fields.get(("exchange_rates", name), ((), {}))[1].get("constraints", {}).get("enum", [])
    }
    for at, c in categories("figures", "unit"):
        if c["value"] in currencies and not c.get("symbol"):
            yield at, f"{c['value']!r} is a currency of the exchange rates: its category needs a symbol (£)"
    for at, c in categories("commitments", "actor"):
        if not c.get("party"):
            yield at, f"{c['value']!r} names who is bound: its category needs a party, its words in a sentence (the UK)"
    for at, c in categories("commitments", "strength"):
        for key in ("singular", "plural"):
            if c.get("party") and c["party"] not in c.get(key, c["party"]):
                yield (
                    at,
                    f"{c['value']!r}'s party {c['party']!r} is not in the {key} {c[key]!r}, where a commitment's "
                    "own party replaces it",
                )


# -- Frictionless -------------------------------------------------------------------------------
class TablesRead(Mapping):
    """The package's tables as the row rules get them, noting each table a rule reads: a rule may
    read other tables than the one it checks (scripts/intake/rules.py), so what a resource's result
    depends on is whatever was read while it was checked. A Mapping's `get`, `in`, keys, values and
    items all go through these three methods, so none of them reads a table unnoted."""

    def __init__(self, tables: dict[str, list[Row]]):
        self.tables = tables
        self.read: set[str] = set()

    def __getitem__(self, name):
        self.read.add(name)
        return self.tables[name]

    def __iter__(self):
        self.read.update(self.tables)
        return iter(self.tables)

    def __len__(self):
        return len(self.tables)


class FrictionlessMemo:
    """Frictionless's result for each resource, kept by everything its validation read, for a
    long-lived process (`mkdocs serve`: hooks/build.py). Every result depends on the whole
    descriptor, the package's folder, the reviewed operative phrases, `frozen` and today's date
    (`context`); a resource's, also on the bytes of its file and of each table the row rules read
    while it was checked (the foreign keys' targets among them: rules.ForeignKeys). A result is reused only when
    all of these are what they were, so the report is the one a fresh run gives; an edit to one
    table checks again only that table and the tables whose checks read it."""

    KEEP = 2  # results kept per resource, the last used: an edit and its undoing both find theirs

    def __init__(self):
        self.package: dict[str, list] = {}  # the descriptor's own errors, by context
        self.resources: dict[str, list[tuple[frozenset[str], str, object]]] = {}
        self.contexts: list[str] = []

    def use(self, context: str) -> None:
        """Results are kept for the last KEEP contexts only: a long preview stays small."""
        self.contexts = [context, *(c for c in self.contexts if c != context)]
        gone = set(self.contexts[self.KEEP :])
        del self.contexts[self.KEEP :]
        for c in gone:
            self.package.pop(c, None)
        for key in [k for k in self.resources if k.split("\0", 1)[0] in gone]:
            del self.resources[key]

    @staticmethod
    def key(pkg: Package, context: str, name: str, deps: frozenset[str]) -> str:
        digest = hashlib.sha256(f"{context}\0{name}".encode())
        for dep in sorted(deps):
            data = pkg.bytes_of(dep)
            digest.update(f"\0{dep}\0{-1 if data is None else len(data)}\0".encode())
            digest.update(data or b"")
        return digest.hexdigest()

    def find(self, pkg: Package, context: str, name: str):
        kept = self.resources.get(f"{context}\0{name}", [])
        for i, (deps, key, task) in enumerate(kept):
            if self.key(pkg, context, name, deps) == key:
                kept.insert(0, kept.pop(i))  # the last used goes first: `put` drops the oldest
                return task
        return None

    def put(self, pkg: Package, context: str, name: str, deps: frozenset[str], task) -> None:
        kept = self.resources.setdefault(f"{context}\0{name}", [])
        kept.insert(0, (deps, self.key(pkg, context, name, deps), task))
        del kept[self.KEEP :]


def frictionless_report(
    pkg: Package, row_rules: list, tables: TablesRead, context: str, memo: FrictionlessMemo | None
) -> tuple[list, list]:
    """What `Package.validate` gives, as (the descriptor's errors, one task per resource): each
    resource validated in turn as it does, or its result taken from `memo`."""
    from frictionless import Checklist, FrictionlessException, system
    from frictionless import Package as FPackage

    names = [r["name"] for r in pkg.descriptor["resources"]]
    if memo:
        memo.use(context)
    found = {name: memo.find(pkg, context, name) for name in names} if memo else {}
    errors = memo.package.get(context) if memo else None
    if errors is not None and (errors or all(found.get(name) is not None for name in names)):
        return errors, [found[name] for name in ([] if errors else names)]
    # The foreign keys are a row rule (rules.ForeignKeys), not Frictionless's: see there why.
    given = copy.deepcopy(pkg.descriptor)
    for resource in given["resources"]:
        resource["schema"].pop("foreignKeys", None)
    with system.use_context(trusted=False):
        fpackage = FPackage(given, basepath=str(pkg.base))
        if errors is None:
            try:
                fpackage.to_descriptor(validate=True)
                errors = []
            except FrictionlessException as exception:
                errors = exception.to_errors()
            if memo:
                memo.package[context] = errors
        if errors:
            return errors, []
        checklist = Checklist(checks=row_rules)
        tasks = []
        for resource in fpackage.resources:
            if found.get(resource.name) is not None:
                tasks.append(found[resource.name])
                continue
            tables.read.clear()
            tasks.extend(resource.validate(checklist, limit_errors=0).tasks)
            # Frictionless read the file itself: its result is kept only if the file still holds the
            # bytes it is kept by (a save during the check is checked by the next rebuild).
            if memo and unchanged(pkg, resource.name):
                memo.put(pkg, context, resource.name, frozenset({resource.name} | tables.read), tasks[-1])
    return errors, tasks


def unchanged(pkg: Package, name: str) -> bool:
    """The resource's file still holds the bytes that were read (`Package.bytes_of`)."""
    try:
        return pkg.paths[name].read_bytes() == pkg.bytes_of(name)
    except (OSError, KeyError):
        return False


def frictionless_check(pkg: Package, phrases: Path, frozen: bool = False, memo: FrictionlessMemo | None = None) -> None:
    """Schema types, constraints and keys, by Frictionless itself, and the project's row rules
    (scripts/intake/rules.py, the foreign keys among them) as Frictionless checks, into the same report.
    `memo` keeps each resource's result for the next run (`FrictionlessMemo`)."""
    resources = {r["name"]: r for r in pkg.descriptor["resources"]}
    tables = TablesRead(pkg.tables)
    phrase_table = operative_phrases(pkg, phrases)
    row_rules = rules.rules(tables, phrase_table, phrases.name, frozen, resources)
    pkg.checks += 1 + len(row_rules)
    context = hashlib.sha256(pkg.descriptor_bytes)
    today = rules.build_date().isoformat()
    context.update(json.dumps([str(pkg.base), frozen, phrases.name, phrase_table, today]).encode())
    try:
        errors, tasks = frictionless_report(pkg, row_rules, tables, context.hexdigest(), memo)
    except Exception as exc:  # frictionless raises on descriptors it cannot load
        pkg.problem(pkg.descriptor_path, 1, "-", f"Frictionless cannot load the package: {exc}")
        return
    for error in errors:
        pkg.problem(pkg.descriptor_path, 1, "-", f"{error.type}: {error.note}")
    for task in tasks:
        path = pkg.paths.get(task.name, pkg.base / (task.place or task.name))
        rows = pkg.tables.get(task.name, [])
        for error in task.errors:
            row_number = getattr(error, "row_number", None)
            line = 1
            if row_number:
                # rowNumber counts records from the header (1): map it to the physical line; one past
                # the last record is the line after it (where a rule reports the table as a whole).
                index = row_number - 2
                if 0 <= index < len(rows):
                    line = rows[index].line
                else:
                    line = rows[-1].line + 1 if index == len(rows) and rows else row_number
            field = getattr(error, "field_name", None) or "-"
            if error.type == rules.RuleError.type:
                pkg.problem(path, line, field, error.note)
                continue
            cell = getattr(error, "cell", None)
            if error.type == "type-error":
                pkg.mistyped.add((task.name, line, field))
                if hint := TYPE_HINTS.get(schema_field(pkg, task.name, field).get("type", "string")):
                    pkg.problem(path, line, field, f"type-error: {cell!r} {hint}")
                    continue
            shown = f" (value {cell!r})" if cell not in (None, "") else ""
            pkg.problem(path, line, field, f"{error.type}: {error.note}{shown}")


# -- Checks Frictionless cannot do ------------------------------------------------------------
def source_texts(pkg: Package) -> dict[str, str]:
    """Each document's source, checked against the SHA-256 the package records, and named among the
    descriptor's `sources` (which the evidence pack carries, scripts/publish/export.py)."""
    pkg.checks += 1
    texts: dict[str, str] = {}
    listed = {s.get("path"): s for s in pkg.descriptor.get("sources", [])}
    for row in pkg.table("documents"):
        rel = row["source_path"]
        source = listed.get(rel)
        if source is None:
            pkg.problem(
                "documents",
                row.line,
                "source_path",
                f"{rel} is not among datapackage.json's sources: add it there (title, path, sha256), "
                "so the evidence pack carries it",
            )
        elif source.get("sha256", row["sha256"]) != row["sha256"]:
            pkg.problem(
                "documents",
                row.line,
                "sha256",
                f"differs from the sha256 datapackage.json's sources give {rel} ({source['sha256']})",
            )
        try:
            data = local_file(pkg.base, rel).read_bytes()
        except (UnsafePath, OSError) as exc:
            pkg.problem("documents", row.line, "source_path", f"must be a file inside the package: {exc}")
            continue
        digest = hashlib.sha256(data).hexdigest()
        if digest != row["sha256"]:
            pkg.problem(
                "documents", row.line, "sha256", f"{rel} has SHA-256 {digest}, not the recorded {row['sha256']}"
            )
            continue
        try:
            texts[row["document_id"]] = data.decode("utf-8")
        except UnicodeDecodeError:
            pkg.problem("documents", row.line, "source_path", f"{rel} is not UTF-8")
    return texts


def check_paragraphs(pkg: Package, texts: dict[str, str]) -> dict[tuple[str, str], str]:
    """paragraphs.csv must equal what scripts/intake/annex_text.py derives from the source."""
    pkg.checks += 1
    derived: dict[tuple[str, str], dict[str, str]] = {}
    for doc_id, raw in texts.items():
        for p in annex_text.paragraph_rows(doc_id, raw):
            derived[(doc_id, p["paragraph_id"])] = p
    seen = set()
    for row in pkg.table("paragraphs"):
        key = (row["document_id"], row["paragraph_id"])
        seen.add(key)
        expected = derived.get(key)
        if row["document_id"] not in texts:
            continue
        if expected is None:
            pkg.problem(
                "paragraphs", row.line, "paragraph_id", f"paragraph {key[1]!r} is not in the source of {key[0]}"
            )
            continue
        for field in annex_text.PARAGRAPH_FIELDS[2:]:
            if row[field] != expected[field]:
                pkg.problem(
                    "paragraphs",
                    row.line,
                    field,
                    f"differs from the text derived from the source: expected {expected[field][:80]!r}",
                )
    last = pkg.table("paragraphs")[-1].line + 1 if pkg.table("paragraphs") else 2
    for key in derived.keys() - seen:
        pkg.problem("paragraphs", last, "paragraph_id", f"paragraph {key[1]!r} of {key[0]} is missing")
    return {key: annex_text.squash(p["text"]) for key, p in derived.items()}


def check_quotes(pkg: Package, paras: dict[tuple[str, str], str]) -> dict[tuple[str, str], list]:
    """Each quote of a kind that quotes the annex (scripts/kinds.py) is in its paragraph (fragments
    joined by " … " in order), and each of its words and phrases (`as_stated`, `operative_phrase` …)
    in its quote.

    Returns the spans of the paragraph text that records' words account for, for the number check.
    """
    pkg.checks += 1
    spans: dict[tuple[str, str], list[tuple[int, int]]] = {}
    for kind in kinds.KINDS:
        if not kind.quotes_annex:
            continue
        name = kind.table
        for row in pkg.table(name):
            key = (row["document_id"], row["paragraph_id"])
            if key not in paras:
                continue  # the foreign-key rule reports the dangling id
            text = paras[key]
            where = annex_text.locate(text, row["quote"]) if row["quote"] else None
            if where is None:
                pkg.problem(
                    name,
                    row.line,
                    "quote",
                    f"is not in paragraph {key[1]} of the annex (whitespace aside, it must be verbatim; "
                    "words may be left out only with ' … ')",
                )
                continue
            for field in kind.annex_words + kind.annex_phrases:
                if not row[field]:
                    continue
                found = annex_text.find_in_spans(text, where, row[field])
                if found is None:
                    pkg.problem(name, row.line, field, f"{row[field]!r} does not occur in the quote")
                elif field in kind.annex_words:
                    spans.setdefault(key, []).append(found)
    return spans


def number(value: float) -> str:
    return f"{value:.0f}" if value == int(value) else f"{value:g}"


def close(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))


def check_figures(pkg: Package) -> None:
    """`value`, `qualifier` and `unit` agree with the words in `as_stated`."""
    pkg.checks += 1
    currencies = set(quantities.CURRENCIES.values())
    for row in pkg.table("figures"):
        parsed = quantities.parse_quantity(row["as_stated"])
        if parsed is None:
            pkg.problem("figures", row.line, "as_stated", f"{row['as_stated']!r} states no number")
            continue
        try:
            value = float(row["value"])
        except ValueError:
            continue  # Frictionless reports the type error
        if not close(value, parsed.value):
            pkg.problem(
                "figures",
                row.line,
                "value",
                f"{row['value']} disagrees with {row['as_stated']!r}, which means {number(parsed.value)}",
            )
        if row["qualifier"] and row["qualifier"] != parsed.qualifier:
            pkg.problem(
                "figures",
                row.line,
                "qualifier",
                f"{row['qualifier']!r} disagrees with {row['as_stated']!r}, which means {parsed.qualifier!r}",
            )
        if parsed.currency and row["unit"] != parsed.currency:
            pkg.problem(
                "figures",
                row.line,
                "unit",
                f"{row['unit']!r} disagrees with {row['as_stated']!r}, which is in {parsed.currency}",
            )
        if not parsed.currency and row["unit"] in currencies:
            pkg.problem(
                "figures", row.line, "unit", f"{row['unit']!r} is a currency but {row['as_stated']!r} names none"
            )


def check_events(pkg: Package) -> None:
    """Each event's `as_stated` means its `date` ("today" means the document's date)."""
    pkg.checks += 1
    doc_dates = {}
    for row in pkg.table("documents"):
        try:
            doc_dates[row["document_id"]] = dt.date.fromisoformat(row["date"])
        except ValueError:
            pass
    for row in pkg.table("events"):
        if row["document_id"] not in doc_dates:
            continue  # its document's date (what "today" means) is missing or invalid: reported there
        stated = quantities.parse_date(row["as_stated"], doc_dates[row["document_id"]])
        if stated is None:
            pkg.problem("events", row.line, "as_stated", f"{row['as_stated']!r} is not a date")
        elif row["date"] != stated.isoformat():
            pkg.problem(
                "events",
                row.line,
                "date",
                f"{row['date']} disagrees with {row['as_stated']!r}, which means {stated.isoformat()}",
            )


def check_terms(pkg: Package, paras: dict[tuple[str, str], str]) -> None:
    """Each term occurs in the paragraph said to name it."""
    pkg.checks += 1
    for row in pkg.table("terms"):
        text = paras.get((row["document_id"], row["paragraph_id"]))
        if text is not None and row["term"] and quantities.find_phrase(text, row["term"]) < 0:
            pkg.problem("terms", row.line, "term", f"{row['term']!r} does not occur in paragraph {row['paragraph_id']}")


def operative_phrases(pkg: Package, path: Path) -> dict[str, str]:
    """The reviewed table of operative phrases (checks/): each phrase once, with a strength from the
    schema's enum and the reason for it."""
    strengths = set(enum_of(pkg, "commitments", "strength"))
    table: dict[str, str] = {}
    for row in pkg.review_table(path):
        phrase = annex_text.squash(row["operative_phrase"])
        if row["strength"] not in strengths:
            pkg.problem(path, row.line, "strength", f"{row['strength']!r} is not one of {sorted(strengths)}")
        elif phrase in table:
            pkg.problem(path, row.line, "operative_phrase", f"{phrase!r} is listed twice")
        elif not row["reason"].strip():
            pkg.problem(path, row.line, "reason", "every phrase needs the reason for its strength")
        else:
            table[phrase] = row["strength"]
    return table


# What a row of checks/reviewed-wording.csv may require of its cell, and how a message says it.
WORDING = {"begins with": str.startswith, "contains": str.__contains__, "lacks": lambda cell, w: w not in cell}
MUST = {"begins with": "begin with", "contains": "contain", "lacks": "not contain"}


def check_reviewed_wording(pkg: Package, path: Path) -> None:
    """The reviewed table of wording (checks/): words a reviewed row must keep, or must not hold
    again, each with its reason (a pledge limited by "On the latter", a summary that keeps the
    annex's limit, two aims the annex joins kept apart). A correction that undoes one is refused
    at its cell with the reason; changing the table itself is a change a reviewer sees."""
    pkg.checks += 1
    resources = {r["name"]: r for r in pkg.descriptor["resources"]}
    for entry in pkg.review_table(path):
        table, key, field, kind, words = (entry[f] for f in ("table", "id", "field", "kind", "words"))
        if not schema_field(pkg, table, field):
            pkg.problem(path, entry.line, "field", f"the package has no table {table!r} with a field {field!r}")
            continue
        if kind not in WORDING or not words.strip() or not entry["reason"].strip():
            pkg.problem(path, entry.line, "kind", f"each row needs a kind ({', '.join(WORDING)}), words and a reason")
            continue
        primary = resources[table]["schema"].get("primaryKey") or []
        id_field = primary if isinstance(primary, str) else (primary or [""])[-1]
        row = next((r for r in pkg.table(table) if r[id_field] == key), None)
        if row is None:
            pkg.problem(path, entry.line, "id", f"{table} has no row {key!r}, whose wording this row reviews")
        elif not WORDING[kind](annex_text.squash(row[field]), annex_text.squash(words)):
            pkg.problem(table, row.line, field, f"must {MUST[kind]} {words!r}: {entry['reason']} ({path.name})")


def schema_field(pkg: Package, resource: str, field: str) -> dict:
    for r in pkg.descriptor["resources"]:
        for f in r["schema"]["fields"] if r["name"] == resource else ():
            if f["name"] == field:
                return f
    return {}


def enum_of(pkg: Package, resource: str, field: str) -> list[str]:
    return schema_field(pkg, resource, field).get("constraints", {}).get("enum", [])


def check_numbers(
    pkg: Package, paras: dict[tuple[str, str], str], spans: dict[tuple[str, str], list], allowlist: Path
) -> None:
    """Every number the annex writes is a figure, a date, a timeframe or an allowlisted word."""
    pkg.checks += 1
    covered = {key: list(v) for key, v in spans.items()}
    doc_ids = sorted({doc_id for doc_id, _ in paras})
    for row in pkg.review_table(allowlist):
        # A row covers its number in each document whose paragraph of that id holds its context
        # (paragraph ids are a document's own); it must hold in one at least.
        found = []
        for doc_id in doc_ids:
            text = paras.get((doc_id, row["paragraph_id"]))
            ctx = text.find(annex_text.squash(row["context"])) if text else -1
            pos = quantities.find_phrase(row["context"], row["number"]) if ctx >= 0 else -1
            if pos >= 0:
                found.append(((doc_id, row["paragraph_id"]), (ctx + pos, ctx + pos + len(row["number"]))))
        if not found:
            pkg.problem(
                allowlist,
                row.line,
                "context",
                f"{row['number']!r} in {row['context']!r} is not in paragraph {row['paragraph_id']} of any document",
            )
        elif not row["reason"].strip():
            pkg.problem(allowlist, row.line, "reason", "every allowlisted number needs a reason")
        else:
            for key, span in found:
                covered.setdefault(key, []).append(span)
    para_lines = {(r["document_id"], r["paragraph_id"]): r.line for r in pkg.table("paragraphs")}
    for key, text in paras.items():
        for start, end, token in quantities.number_tokens(text):
            if not any(a <= start and end <= b for a, b in covered.get(key, [])):
                context = text[max(0, start - 30) : end + 30]
                pkg.problem(
                    "paragraphs",
                    para_lines.get(key, 1),
                    "text",
                    f"the number {token!r} in paragraph {key[1]} (…{context}…) is in no figure, "
                    "event or timeframe: add a record, or allowlist it with a reason",
                )


def check_status_moves(pkg: Package) -> None:
    """Warn where evidence cannot set the status it reports (scripts/intake/status.py): findings dated
    after a commitment's window that record another status than the one within it. Valid data (a
    later event is later context), but whoever adds such a row should know it will not move the
    status, and a row that reports something done within the window should carry that date."""
    pkg.checks += 1
    assessed = status.assess_all(pkg.table("followups"), pkg.table("commitments"))
    for c in pkg.table("commitments"):
        verdict = assessed[c["commitment_id"]]
        later = sorted(
            (r for r in verdict.later if status.is_finding(r) and r["status"] != verdict.status), key=lambda r: r.line
        )
        if not later:
            continue
        stays = verdict.status if verdict.row is not None else "nothing recorded within the window"
        recorded = ", ".join(sorted({r["status"] for r in later}))
        pkg.warnings.append(
            Problem(
                display(pkg.paths["followups"]),
                later[-1].line,
                "date",
                f"{c['commitment_id']!r}: {len(later)} finding(s) on lines {', '.join(str(r.line) for r in later)} "
                f"({recorded}) are dated after its window, which ends {c['window_end']}: shown as later context, "
                f"they cannot set its status, which stays {stays!r}. A row that reports something done within the "
                "window (a payment 'in 2016' reported in 2019) takes the date it happened, with a note; a search of "
                "the window that found nothing is a 'no_evidence_found' row naming what was searched",
            )
        )


def validate(descriptor_path: Path = DESCRIPTOR, allowlist: Path | None = None, frozen: bool = False) -> Report:
    return load_and_validate(descriptor_path, allowlist, frozen)[0]


def load_and_validate(
    descriptor_path: Path = DESCRIPTOR,
    allowlist: Path | None = None,
    frozen: bool = False,
    memo: FrictionlessMemo | None = None,
) -> tuple[Report, Package]:
    """Read the package once and run every check on what was read; the build derives from the same
    tables (scripts/build.py), so nothing is read again after it is validated.

    `frozen`: a released version's package (scripts/publish/versions.py), whose bytes cannot change: see
    `rules.HttpsLinks` for the one rule it is held to differently. `memo`: Frictionless's results
    kept from the runs before, for a process that validates again after each edit (the preview)."""
    descriptor_path = Path(descriptor_path)
    allowlist = allowlist or descriptor_path.parent / "checks" / "number-allowlist.csv"
    phrases = descriptor_path.parent / "checks" / "operative-phrases.csv"
    wording = descriptor_path.parent / "checks" / "reviewed-wording.csv"
    pkg = Package(descriptor_path)
    # A table that cannot be read would make every check across tables report noise: fix it first.
    if pkg.load() and not pkg.unreadable:
        if not frozen:  # released versions predate the rule; their bytes cannot change
            check_labels(pkg)
        frictionless_check(pkg, phrases, frozen, memo)
        texts = source_texts(pkg)
        paras = check_paragraphs(pkg, texts)
        spans = check_quotes(pkg, paras)
        check_figures(pkg)
        check_events(pkg)
        check_terms(pkg, paras)
        check_numbers(pkg, paras, spans, allowlist)
        if not frozen:  # a reviewed wording is the method's, written after a release
            check_reviewed_wording(pkg, wording)
        if not pkg.problems:
            check_status_moves(pkg)
    problems = sorted(set(pkg.problems))
    rows = sum(len(rows) for rows in pkg.tables.values())
    return Report(problems, len(pkg.tables), rows, pkg.checks, sorted(set(pkg.warnings))), pkg


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("descriptor", nargs="?", default=str(DESCRIPTOR), type=Path)
    args = parser.parse_args(argv)
    report = validate(args.descriptor)
    for warning in report.warnings:
        print(f"{warning.path}:{warning.line}: {warning.field}: warning: {warning.message}", file=sys.stderr)
    if report.valid:
        print(report.summary())
        return 0
    for problem in report.problems:
        print(problem)
    print(f"invalid: {len(report.problems)} problem(s) in {display(args.descriptor)}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())

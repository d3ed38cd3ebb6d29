"""The project's row rules, as Frictionless checks (frictionless-py's `Check`).

Each rule reads one row at a time and yields its errors into Frictionless's own report, beside the
schema's type, constraint and key errors; `scripts/validate.py` turns that one report into
`FILE:LINE: FIELD: message` lines. What Frictionless cannot express stays in the validator: the
source and its checksum, the paragraphs derived from it, quotes, `as_stated` and the annex's numbers.

A rule sees a row as the CSV wrote it (`scripts.package.Row`: raw strings and the physical line),
so a rule and its message are about what a maintainer typed, not about a parsed value.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterator
from typing import Any, ClassVar

import attrs
from frictionless import Check, errors

from scripts import annex_text, descriptor
from scripts.descriptor import visible
from scripts.package import Row

# Cells starting with these run as formulas when a CSV is opened in a spreadsheet.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# What a number cell may look like. Python's float() also takes "1e309", "Infinity", "NaN" and
# "1_0_2", and Frictionless let them through: pandas and R would not read them as numbers.
PLAIN_NUMBER = {"number": re.compile(r"-?(0|[1-9][0-9]*)(\.[0-9]+)?"), "integer": re.compile(r"-?(0|[1-9][0-9]*)")}
WILL = re.compile(r"\bwill\b", re.IGNORECASE)
# What an identifier may be, whatever pattern datapackage.json (which a pull request can change)
# gives it: identifiers name record pages and download files.
SLUG = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
SLUG_MAX = 100
# Who is bound by a commitment (its `actor`), as the actors a follow-up row may name.
BOUND = {"both": {"UK", "France", "both"}, "UK": {"UK", "both"}, "France": {"France", "both"}, "none": set()}
CREDITING = {"delivered", "partly_delivered", "in_progress"}  # statuses that credit whoever acted

Found = Iterator[tuple[str, str]]  # (field, message) pairs


@attrs.define(kw_only=True, repr=False)
class RuleError(errors.CellError):
    type = "project-rule"
    title = "Project rule"
    description = "A rule of this project's data (scripts/rules.py)."
    template = "{note}"


def build_date() -> dt.date:
    """Today (UTC), or SOURCE_DATE_EPOCH's date for a reproducible build: no evidence can be newer."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    stamp = dt.datetime.fromtimestamp(int(epoch), dt.UTC) if epoch.isdigit() else dt.datetime.now(dt.UTC)
    return stamp.date()


def lenient_number(raw: str) -> bool:
    try:
        float(raw)
        return True
    except ValueError:
        return False


@attrs.define(kw_only=True, repr=False)
class Rule(Check):
    """One rule, for one table (`table`) or every table (None). `tables` holds every table as read,
    by resource name: a row's raw cells and line, and the other tables a rule compares it with."""

    type = "project-rule"
    Errors = [RuleError]
    table: ClassVar[str | None] = None
    tables: dict[str, list[Row]] = attrs.field(factory=dict)

    def applies(self) -> bool:
        return self.table in (None, self.resource.name)

    def validate_start(self):
        if self.applies():
            self.prepare()  # lookups across tables, built once per table rather than once per row
        yield from ()

    def prepare(self) -> None:
        pass

    def validate_row(self, row):
        rows = self.tables.get(self.resource.name, [])
        index = row.row_number - 2  # Frictionless counts the header as row 1
        if self.applies() and 0 <= index < len(rows):
            for field, message in self.check(rows[index]):
                yield self.error(row.row_number, field, message)

    def validate_end(self):
        if self.applies():
            # Problems of the table as a whole are reported one line past its last row.
            for field, message in self.end():
                yield self.error(len(self.tables.get(self.resource.name, [])) + 2, field, message)

    def error(self, row_number: int, field: str, message: str) -> RuleError:
        return RuleError(note=message, cells=[], row_number=row_number, cell="", field_name=field, field_number=0)

    def check(self, row: Row) -> Found:
        yield from ()

    def end(self) -> Found:
        yield from ()

    def rows(self, name: str) -> list[Row]:
        return self.tables.get(name, [])


def text_cells(row: Row) -> Iterator[tuple[str, str]]:
    for field, value in row.values.items():
        if field is not None and isinstance(value, str):
            yield field, value


@attrs.define(kw_only=True, repr=False)
class NoFormulas(Rule):
    """No cell may start with a character that a spreadsheet would execute."""

    def check(self, row: Row) -> Found:
        for field, value in text_cells(row):
            if value.startswith(FORMULA_PREFIXES):
                yield field, f"starts with {value[0]!r}, which a spreadsheet may run as a formula"


@attrs.define(kw_only=True, repr=False)
class SafeIdentifiers(Rule):
    """Every primary-key value is a short lowercase slug: it becomes a file name and an address."""

    def check(self, row: Row) -> Found:
        for field in self.resource.schema.primary_key:
            value = row[field]
            if value and (len(value) > SLUG_MAX or not SLUG.fullmatch(value)):
                yield (
                    field,
                    f"{value[:40]!r} is not an identifier: lowercase letters, digits and single hyphens, "
                    f"at most {SLUG_MAX} characters (it names a page and a file)",
                )


@attrs.define(kw_only=True, repr=False)
class NoInvisibleCharacters(Rule):
    """No cell may hide text from a reviewer: control, bidi or zero-width characters."""

    def check(self, row: Row) -> Found:
        for field, value in text_cells(row):
            if bad := descriptor.invisible(value):
                yield (
                    field,
                    f"contains invisible or control characters ({', '.join(bad[:5])}): "
                    "remove them (a reviewer cannot see them, and bidi controls reorder text)",
                )


@attrs.define(kw_only=True, repr=False)
class PlainNumbers(Rule):
    """Every number is written in plain decimal notation, as every CSV reader understands it."""

    def check(self, row: Row) -> Found:
        for field in self.resource.schema.fields:
            pattern = PLAIN_NUMBER.get(field.type)
            raw = row[field.name] if pattern else ""
            if raw and not pattern.fullmatch(raw) and lenient_number(raw):
                # Values no parser reads as a number are Frictionless's type errors: one message each.
                yield (
                    field.name,
                    f"{visible(raw)!r} is not a plain decimal {field.type}: write digits only, "
                    "with an optional '.' and decimals (no exponent, '_', 'Infinity' or 'NaN')",
                )


@attrs.define(kw_only=True, repr=False)
class EventNotes(Rule):
    """A note on an event has its text, and a correction or context note its source."""

    table = "events"

    def check(self, row: Row) -> Found:
        if row["note_type"] and not (row["note"] and row["note_source"]) and row["note_type"] != "ambiguity":
            yield "note_source", "a correction or context note needs its source"
        if row["note_type"] and not row["note"]:
            yield "note", f"note_type is {row['note_type']!r} but the note is empty"


@attrs.define(kw_only=True, repr=False)
class CommitmentRules(Rule):
    """Strength follows from the operative phrase (`phrases`: the reviewed table in checks/), only an
    expectation binds no one, a summary says "will" only where the annex does, related figures exist,
    and `part_of` names a top-level row of the same document."""

    table = "commitments"
    phrases: dict[str, str] = attrs.field(factory=dict)
    phrases_name: str = "operative-phrases.csv"

    def prepare(self) -> None:
        self.figure_ids = {r["figure_id"] for r in self.rows("figures")}
        self.by_id = {r["commitment_id"]: r for r in self.rows("commitments")}

    def check(self, row: Row) -> Found:
        phrase = annex_text.squash(row["operative_phrase"])
        expected = self.phrases.get(phrase)
        if phrase and expected is None:
            yield (
                "operative_phrase",
                f"{phrase!r} is not in {self.phrases_name}: add it there, with its strength and the reason",
            )
        elif expected and row["strength"] and row["strength"] != expected:
            yield (
                "strength",
                f"{row['strength']!r} contradicts {self.phrases_name}, where {phrase!r} is {expected!r}",
            )
        if (row["actor"] == "none") != (row["strength"] == "expectation") and row["actor"] and row["strength"]:
            yield (
                "actor",
                "is 'none' exactly when the strength is 'expectation' (the annex binds no one)"
                if row["actor"] == "none"
                else f"an expectation binds no one: the actor must be 'none', not {row['actor']!r}",
            )
        if WILL.search(row["summary"]) and not WILL.search(phrase):
            yield "summary", f"says 'will' but the annex's operative phrase is {phrase!r}: keep the annex's modality"
        for fid in row["figure_ids"].split():
            if fid not in self.figure_ids:
                yield "figure_ids", f"figure {fid!r} does not exist"
        yield from self.check_part_of(row)

    def check_part_of(self, row: Row) -> Found:
        if not row["part_of"]:
            return
        parent = self.by_id.get(row["part_of"])
        if parent is None:
            yield "part_of", f"{row['part_of']!r} is not a commitment_id"
        elif parent is row or parent["part_of"]:
            yield "part_of", f"{row['part_of']!r} must be a top-level commitment (parts are one level deep)"
        elif parent["document_id"] != row["document_id"]:
            yield "part_of", f"{row['part_of']!r} belongs to another document"


def confidence(row: Row) -> Found:
    """`confirmed` means two agreeing sources or one primary source: a secondary one needs its second."""
    if row["source_kind"] == "secondary" and row["confidence"] == "confirmed" and "http" not in row["note"]:
        yield "confidence", "one secondary source is 'likely': name the second, agreeing source's address in the note"


@attrs.define(kw_only=True, repr=False)
class FollowupRules(Rule):
    """Follow-ups come after the annex and not after today, belong to their commitment's document,
    cite a source (or say what was searched), and follow the status rules: only a party bound by the
    commitment is credited with it, someone else's outcome is `outcome_by_others`, and every
    commitment has at least one row that sets its status."""

    table = "followups"

    def prepare(self) -> None:
        self.commitments = {r["commitment_id"]: r for r in self.rows("commitments")}
        self.doc_dates = {r["document_id"]: r["date"] for r in self.rows("documents")}
        self.today = build_date().isoformat()

    def check(self, row: Row) -> Found:
        commitment = self.commitments.get(row["commitment_id"])
        after = self.doc_dates.get(commitment["document_id"] if commitment else row["document_id"], "")
        today = self.today
        if row["date"] and after and row["date"] <= after:
            yield "date", f"{row['date']} is not after the annex's date, {after}: follow-ups record what happened next"
        if row["date"] > today:
            yield "date", f"{row['date']} is after today ({today}): evidence cannot come from the future"
        if commitment and row["document_id"] != commitment["document_id"]:
            yield (
                "document_id",
                f"commitment {row['commitment_id']!r} belongs to "
                f"{commitment['document_id']!r}, not {row['document_id']!r}",
            )
        status, actor = row["status"], row["actor"]
        if (status == "no_evidence_found") != (actor == "none"):
            yield "actor", "is 'none' exactly when the status is 'no_evidence_found'"
        if status == "no_evidence_found" and "searched" not in row["what_happened"]:
            yield "what_happened", "a search that found nothing says what was searched, in those words ('searched …')"
        for field in ("source_url", "source_kind"):
            if status == "no_evidence_found" and row[field]:
                yield field, "must be empty: a search that found nothing cites no source"
            elif status != "no_evidence_found" and not row[field].strip():
                yield field, "every follow-up must cite its source and its kind"
        yield from confidence(row)
        if commitment is None or not status:
            return
        bound = BOUND.get(commitment["actor"], set())
        if status in CREDITING and bound and actor not in bound:
            yield (
                "status",
                f"{status!r} credits {commitment['actor']!r}'s commitment with what {actor!r} did: "
                "use 'outcome_by_others' or 'context'",
            )
        if status == "outcome_by_others" and actor in bound:
            yield "status", f"{actor!r} is bound by this commitment: its own action is not an outcome by others"

    def end(self) -> Found:
        assessed = {r["commitment_id"] for r in self.rows("followups") if r["status"] and r["status"] != "context"}
        for cid, row in self.commitments.items():
            if cid not in assessed:
                yield (
                    "commitment_id",
                    f"commitment {cid!r} has no follow-up that sets its status: add what you "
                    "found, or a 'no_evidence_found' row naming what you searched",
                )


@attrs.define(kw_only=True, repr=False)
class AmountRules(Rule):
    """Amounts from later sources: dated after the annex and not after today, with their confidence."""

    table = "amounts"

    def prepare(self) -> None:
        self.doc_dates = {r["document_id"]: r["date"] for r in self.rows("documents")}
        self.today = build_date().isoformat()

    def check(self, row: Row) -> Found:
        today = self.today
        start, after = row["period"].split("/")[0], self.doc_dates.get(row["document_id"], "")
        if start and after and start < after[: len(start)]:
            yield "period", f"{row['period']} is before the annex ({after})"
        if start > today[: len(start)]:
            yield "period", f"{row['period']} is after today ({today})"
        yield from confidence(row)


def rules(tables: dict[str, list[Row]], phrases: dict[str, str], phrases_name: str) -> list[Any]:
    """Every row rule, bound to the package's tables as read."""
    return [
        NoFormulas(tables=tables),
        SafeIdentifiers(tables=tables),
        NoInvisibleCharacters(tables=tables),
        PlainNumbers(tables=tables),
        EventNotes(tables=tables),
        CommitmentRules(tables=tables, phrases=phrases, phrases_name=phrases_name),
        FollowupRules(tables=tables),
        AmountRules(tables=tables),
    ]

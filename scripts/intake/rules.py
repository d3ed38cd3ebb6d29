"""The project's row rules, as Frictionless checks (frictionless-py's `Check`).

Each rule reads one row at a time and yields its errors into Frictionless's own report, beside the
schema's type, constraint and key errors; `scripts/intake/validate.py` turns that one report into
`FILE:LINE: FIELD: message` lines. What Frictionless cannot express stays in the validator: the
source and its checksum, the paragraphs derived from it, quotes, `as_stated` and the annex's numbers.

A rule sees a row as the CSV wrote it (`scripts.intake.package.Row`: raw strings and the physical line),
so a rule and its message are about what a maintainer typed, not about a parsed value.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections import defaultdict
from collections.abc import Iterator
from typing import Any, ClassVar

import attrs
from frictionless import Check, errors

from scripts import kinds
from scripts.intake import annex_text, descriptor, quantities, status
from scripts.intake.descriptor import FORMULA_PREFIXES, visible
from scripts.intake.package import Row

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
# Internal codes (snake_case such as `police_officers`) are no words a reader knows. Addresses and
# file names (`exchange_rates.csv`) may hold underscores; so may a word joined to a path or query.
SNAKE = re.compile(r"(?<![\w/.#?&=-])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![\w/]|\.(?:csv|json|py|md|xlsx|zip)\b)")
ADDRESS = re.compile(r"https?://\S+")
YEAR = re.compile(r"\b(19|20)[0-9]{2}\b")

Found = Iterator[tuple[str, str]]  # (field, message) pairs


@attrs.define(kw_only=True, repr=False)
class RuleError(errors.CellError):
    type = "project-rule"
    title = "Project rule"
    description = "A rule of this project's data (scripts/intake/rules.py)."
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
    # A rule of the project's editorial method (statuses, modality, notes), which changes as the
    # method does; a released version, frozen, is held to the rules that protect readers and the
    # annex's words, not to a method written after it (see `rules`).
    editorial: ClassVar[bool] = False
    skips_mistyped: ClassVar[bool] = True  # see validate_row
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
            # A cell that is not of its type has Frictionless's message, which says what to write; a
            # rule reading it as if it were ("20/09/2016" is not after 2016-03-03) would only mislead.
            mistyped = set(row.error_cells) if self.skips_mistyped else set()
            for field, message in self.check(rows[index]):
                if field not in mistyped:
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


def snake_case_words(text: str) -> list[str]:
    """The internal codes in a text meant for readers, addresses aside."""
    return SNAKE.findall(ADDRESS.sub(" ", text))


@attrs.define(kw_only=True, repr=False)
class PlainWords(Rule):
    """Free text (a string with no enum, pattern or format: notes, summaries, definitions) reaches
    the pages as it is written, so it holds no internal code."""

    editorial = True

    def prepare(self) -> None:
        self.prose = [
            f.name
            for f in self.resource.schema.fields
            if f.type == "string" and f.format == "default" and not ({"enum", "pattern"} & set(f.constraints))
        ]

    def check(self, row: Row) -> Found:
        for field in self.prose:
            if words := snake_case_words(row[field] or ""):
                yield (
                    field,
                    f"{words[0]!r} is an internal code, not a word a reader knows: write it in plain words "
                    "(or as an address or file name)",
                )


def url_fields(resource) -> list[str]:
    """The fields that hold a web address: every `*_url` column, and any the descriptor calls a
    `uri`. Decided here, not by the descriptor's `pattern`, which a pull request can delete."""
    return [f.name for f in resource.schema.fields if f.name.endswith("_url") or f.format == "uri"]


@attrs.define(kw_only=True, repr=False)
class HttpsLinks(Rule):
    """Every address the data gives is an https:// address (a page links it): no `javascript:`,
    `data:` or plain `http:`, whatever the descriptor's patterns allow. A note's sources
    (`note_source`, separated by " ; ") are each an https:// address or words.

    `frozen`: a released version, exported byte for byte and never rendered as pages, keeps the
    plain http:// addresses it was released with (v1.0.0 has some); any other scheme is refused."""

    frozen: bool = False

    def prepare(self) -> None:
        self.fields = url_fields(self.resource)

    def check(self, row: Row) -> Found:
        for field in self.fields:
            value = row[field]
            if self.frozen and value.startswith("http://"):
                value = "https://" + value.removeprefix("http://")
            if value and not descriptor.is_https(value):
                yield field, f"{visible(row[field][:60])!r} is not an https:// address (a link must be https://)"
        for source in row["note_source"].split(";") if "note_source" in row.values else ():
            first = (source.split() or [""])[0]
            if ":" in first and not descriptor.is_https(first):  # an address, not a source named in words
                yield "note_source", f"{visible(first[:60])!r} is not an https:// address (a link must be https://)"


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
    editorial = True

    def check(self, row: Row) -> Found:
        if row["note_type"] and not (row["note"] and row["note_source"]) and row["note_type"] != "ambiguity":
            yield "note_source", "a correction or context note needs its source"
        if row["note_type"] and not row["note"]:
            yield "note", f"note_type is {row['note_type']!r} but the note is empty"


@attrs.define(kw_only=True, repr=False)
class CommitmentRules(Rule):
    """Strength follows from the operative phrase (`phrases`: the reviewed table in checks/), only an
    expectation binds no one, a summary says "will" only where the annex does, related figures exist
    in the same document, and `part_of` names a top-level row of the same document."""

    table = "commitments"
    editorial = True
    phrases: dict[str, str] = attrs.field(factory=dict)
    phrases_name: str = "operative-phrases.csv"

    def prepare(self) -> None:
        self.figure_docs = {r["figure_id"]: r["document_id"] for r in self.rows("figures")}
        self.by_id = {r["commitment_id"]: r for r in self.rows("commitments")}
        self.doc_dates = {r["document_id"]: r["date"] for r in self.rows("documents")}
        # The default window end (status.default_window) is each document's own: documents differ in date.
        by_doc: dict[str, list[Row]] = defaultdict(list)
        for r in self.rows("commitments"):
            by_doc[r["document_id"]].append(r)
        self.defaults = {doc: status.default_window(rows) for doc, rows in by_doc.items()}

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
            if fid not in self.figure_docs:
                yield "figure_ids", f"figure {fid!r} does not exist"
            elif self.figure_docs[fid] != row["document_id"]:
                yield (
                    "figure_ids",
                    f"figure {fid!r} belongs to {self.figure_docs[fid]!r}, not {row['document_id']!r}: "
                    "a commitment relates to figures of its own document",
                )
        yield from self.check_part_of(row)
        yield from self.check_window(row)

    def check_window(self, row: Row) -> Found:
        """The assessment window: after the annex; the end of the year the annex names; a part that
        names no period shares its parent's; an end the words do not give is explained in
        `window_note`; and every row that names no period uses the one default."""
        end, stated = row["window_end"], annex_text.squash(row["timeframe_as_stated"])
        if not status.ISO_DATE.fullmatch(end):
            return  # missing or not a date: Frictionless's required and type errors say so
        after = self.doc_dates.get(row["document_id"], "")
        if after and end <= after:
            yield "window_end", f"{end} is not after the annex's date, {after}: the window runs from the annex"
        year = YEAR.search(stated)
        parent = self.by_id.get(row["part_of"]) if row["part_of"] else None
        if year and end != f"{year.group(0)}-12-31":
            yield (
                "window_end",
                f"{end} is not the end of the period the annex names ({stated!r}): write {year.group(0)}-12-31",
            )
        elif stated and not year and not row["window_note"].strip():
            yield "window_note", f"{stated!r} gives no date: say how {end} was read from it"
        elif not stated and parent is not None and end != parent["window_end"]:
            yield (
                "window_end",
                f"{end} differs from the window of {row['part_of']!r} ({parent['window_end']}): a part that "
                "names no period of its own is judged against its parent's",
            )
        elif not stated and parent is None and (default := self.defaults.get(row["document_id"])) and end != default:
            yield (
                "window_end",
                f"{end} is not the default window end ({default}) that the other commitments naming no "
                "period use (methodology, 'Assessment window'): name the annex's words in timeframe_as_stated, "
                "or use the default",
            )
        if row["window_note"].strip() and not stated:
            yield "window_note", "explains a period the annex names, but timeframe_as_stated is empty"

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
    editorial = True

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
        if status in CREDITING and not bound:
            # One rule for expectations: no one is bound, so no one is credited with delivering one.
            yield (
                "status",
                f"{status!r} is for a party bound by the commitment, and {row['commitment_id']!r} is an "
                "expectation that binds no one: use 'outcome_by_others' for what anyone (the UK and France "
                "included) did towards it, saying in what_happened how much happened, 'not_delivered' where "
                "the evidence shows it did not happen, or 'context'",
            )
        elif status in CREDITING and actor not in bound:
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

    def validate_end(self):
        yield from super().validate_end()
        if self.applies():
            for row, field, message in self.same_day():
                yield self.error(self.rows("followups").index(row) + 2, field, message)

    def same_day(self) -> Iterator[tuple[Row, str, str]]:
        """Two findings of one commitment on the day that sets its status, with different statuses:
        which one sets it would depend on the order of the file, so a row added below another could
        change the status, or fail to, unseen. (On an earlier day the order decides nothing.)"""
        for cid, verdict in status.assess_all(self.rows("followups"), self.rows("commitments")).items():
            if verdict.row is None or not status.is_finding(verdict.row):
                continue
            day = verdict.row["date"]
            same = [r for r in verdict.within if r["date"] == day and status.is_finding(r)]
            for r in same[1:]:
                if r["status"] != same[0]["status"]:
                    yield (
                        r,
                        "status",
                        f"{r['status']!r} on {day}, but line {same[0].line} gives {cid!r} {same[0]['status']!r} "
                        "on the same day, the day that sets its status: which one sets it would depend on the "
                        "order of the file. Give them the status the day's evidence supports together, or make "
                        "one 'context'",
                    )


@attrs.define(kw_only=True, repr=False)
class AmountRules(Rule):
    """Amounts from later sources: dated after the annex and not after today, with their confidence,
    and of their commitment's document."""

    table = "amounts"
    editorial = True

    def prepare(self) -> None:
        self.doc_dates = {r["document_id"]: r["date"] for r in self.rows("documents")}
        self.commitment_docs = {r["commitment_id"]: r["document_id"] for r in self.rows("commitments")}
        self.today = build_date().isoformat()

    def check(self, row: Row) -> Found:
        today = self.today
        doc = self.commitment_docs.get(row["commitment_id"])
        if doc and row["document_id"] != doc:
            yield (
                "document_id",
                f"commitment {row['commitment_id']!r} belongs to {doc!r}, not {row['document_id']!r}",
            )
        start, after = row["period"].split("/")[0], self.doc_dates.get(row["document_id"], "")
        if start and after and start < after[: len(start)]:
            yield "period", f"{row['period']} is before the annex ({after})"
        if start > today[: len(start)]:
            yield "period", f"{row['period']} is after today ({today})"
        yield from confidence(row)


# The source's words kept beside each sourced row: short enough to read on the page (issue 19).
QUOTE_MAX = 400


def quote_problems(table: str, row: Row) -> Found:
    """What is wrong with a sourced row's `source_quote` (of a kind with `source_words`,
    scripts/kinds.py): the rule of SourceQuotes, as a plain function of one row."""
    quote, url = annex_text.squash(row["source_quote"]), row["source_url"].strip()
    if url and not quote:
        yield (
            "source_quote",
            "is empty: copy the sentence or two of the source that supports this row, verbatim "
            f"(at most {QUOTE_MAX} characters)",
        )
    if not url and quote:
        yield "source_quote", "quotes a source, but the row cites none (source_url is empty)"
    if len(quote) > QUOTE_MAX:
        yield (
            "source_quote",
            f"is {len(quote)} characters long: keep the sentence or two that support the row (at most {QUOTE_MAX})",
        )
    if quote and not row["source_quote_language"]:
        yield "source_quote_language", "name the language of source_quote (en, fr, …)"
    if not quote:
        return
    said = quantities.stated_numbers(quote) | quantities.stated_numbers(row["derivation"])
    for field in kinds.get(table).source_words:
        for n in sorted(quantities.digit_numbers(row[field]) - said, key=lambda n: (len(n), n)):
            yield (
                field,
                f"the number {n!r} is not in source_quote: quote the words that state it, or say in "
                "`derivation` how it follows from them",
            )
    if table == "amounts":
        yield from amount_problems(row, quote)


def amount_problems(row: Row, quote: str) -> Found:
    """An amount's `as_stated` is the quote's own words, and `amount` and `currency` what they mean."""
    stated = annex_text.squash(row["as_stated"])
    if stated and quantities.find_phrase(quote, stated) < 0:
        yield "as_stated", f"{stated!r} does not occur in source_quote: copy the source's own words"
    parsed = quantities.parse_quantity(stated)
    if parsed and lenient_number(row["amount"]) and abs(parsed.value - float(row["amount"])) > 0.5:
        yield "amount", f"{row['amount']} disagrees with {stated!r}, which means {parsed.value:.0f}"
    if parsed and parsed.currency and row["currency"] and parsed.currency != row["currency"]:
        yield "currency", f"{row['currency']!r} disagrees with {stated!r}, which is in {parsed.currency}"


@attrs.define(kw_only=True, repr=False)
class SourceQuotes(Rule):
    """Every sourced follow-up and amount carries its source's words (`source_quote`), and every
    number it states is in them, or follows from them by the rule written in `derivation`."""

    editorial = True

    def applies(self) -> bool:
        kind = kinds.get(self.resource.name)
        return bool(kind and kind.source_words)

    def check(self, row: Row) -> Found:
        yield from quote_problems(self.resource.name, row)


@attrs.define(kw_only=True, repr=False)
class ForeignKeys(Rule):
    """Every id a row points at is in the table its `foreignKeys` name, compared as the text of the
    cells (the descriptor check makes every key field a string, so text is the value). Frictionless
    would check the same, but it reopens and re-reads the table a key names for every key: over 40%
    of a whole validation, for a lookup in a set. Its words are kept, so messages read as before."""

    resources: dict[str, dict] = attrs.field(factory=dict)  # the descriptor's resources, by name
    # Also for a cell with a constraint error: a pasted line break in an id breaks its pattern and
    # points at nothing, and both are said.
    skips_mistyped = False

    def applies(self) -> bool:
        return bool(self.keys(self.resource.name))

    def keys(self, name: str) -> list[dict]:
        return self.resources.get(name, {}).get("schema", {}).get("foreignKeys", [])

    def cells(self, name: str, row: Row, fields: list[str]) -> tuple:
        missing = self.resources[name]["schema"].get("missingValues", [""])
        return tuple(None if (v := row.values.get(f)) is None or v in missing else v for f in fields)

    def prepare(self) -> None:
        self.lookups = []
        for fk in self.keys(self.resource.name):
            target, fields = fk["reference"]["resource"], fk["reference"]["fields"]
            found = {self.cells(target, r, fields) for r in self.tables.get(target, [])}
            found.discard((None,) * len(fields))
            self.lookups.append((fk["fields"], target, fields, found))

    def check(self, row: Row) -> Found:
        for fields, target, target_fields, found in self.lookups:
            cells = self.cells(self.resource.name, row, fields)
            if set(cells) != {None} and cells not in found:
                names = ", ".join(fields)
                yield (
                    names,
                    (
                        f'foreign-key: for "{names}": values "{", ".join(map(str, cells))}" not found in the '
                        f'lookup table "{target}" as "{", ".join(target_fields)}"'
                    ),
                )


def rules(
    tables: dict[str, list[Row]],
    phrases: dict[str, str],
    phrases_name: str,
    frozen: bool = False,
    resources: dict[str, dict] | None = None,
) -> list[Any]:
    """Every row rule, bound to the package's tables as read.

    `frozen`: the package of a released version (scripts/publish/versions.py), which cannot change. It gets
    every rule that keeps a reader safe (formulas, identifiers, invisible characters, numbers,
    links), but not the editorial ones: a rule of method added after a release would otherwise
    stop every build. The validator's own checks (source, paragraphs, quotes, numbers) all apply.

    `resources`: the descriptor's resources by name, whose `foreignKeys` the ForeignKeys rule checks."""
    every = [
        NoFormulas(tables=tables),
        SafeIdentifiers(tables=tables),
        NoInvisibleCharacters(tables=tables),
        PlainNumbers(tables=tables),
        PlainWords(tables=tables),
        HttpsLinks(tables=tables, frozen=frozen),
        EventNotes(tables=tables),
        CommitmentRules(tables=tables, phrases=phrases, phrases_name=phrases_name),
        FollowupRules(tables=tables),
        AmountRules(tables=tables),
        SourceQuotes(tables=tables),
        ForeignKeys(tables=tables, resources=resources or {}),
    ]
    return [rule for rule in every if not (frozen and rule.editorial)]

"""Derive what the site shows from the package: lookups, labels, conversions and counts.

Nothing here is typed in: every number comes from the CSVs, and every derived number (a
currency conversion) carries the rate and method that produced it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import cached_property

from scripts.intake import status as status_rule
from scripts.intake.annex_text import locate, squash
from scripts.intake.descriptor import is_https
from scripts.intake.package import Row


def enum(descriptor: dict, resource: str, name: str) -> list[str]:
    """The allowed values of a field, in schema order: the order charts and filters use."""
    for r in descriptor["resources"]:
        if r["name"] == resource:
            for f in r["schema"]["fields"]:
                if f["name"] == name:
                    return list(f.get("constraints", {}).get("enum", []))
    raise KeyError(f"{resource}.{name}")


def long_date(iso: str) -> str:
    """2016-03-03 → "3 March 2016"."""
    return f"{dt.date.fromisoformat(iso):%-d %B %Y}"


def ordinal_list(items: list[str]) -> str:
    """ "a", "a and b", "a, b and c": a list in a sentence."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def format_number(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


def number_forms(value: float, symbol: str = "") -> list[str]:
    """The ways people write a figure, for the record page and its search entry: "1300" and
    "1,300"; from a million, "63m", "63 million" and "63,000,000"; each with its currency's
    `symbol` (Site.symbol) too."""
    whole = float(value).is_integer()
    forms = [f"{value:,.0f}", f"{value:.0f}"] if whole else [f"{value:,}", f"{value}"]
    if value >= 1_000_000 and (value / 100_000).is_integer():
        millions = f"{value / 1_000_000:g}"
        forms += [f"{millions}m", f"{millions} million"]
    if symbol:
        forms += [symbol + f for f in forms]
    return list(dict.fromkeys(forms))


def format_money(value: float, symbol: str) -> str:
    """63,000,000 with "£" → "£63.0m": a short form for derived amounts (figures keep `as_stated`)."""
    return f"{symbol}{value / 1e6:,.1f}m" if value >= 1e6 else f"{symbol}{format_number(value)}"


@dataclass
class Conversion:
    """A derived amount: never shown without its rate, date and source."""

    amount: float
    currency: str
    rate: float
    rate_date: str
    source: str
    method: str


@dataclass
class Site:
    descriptor: dict
    tables: dict[str, list[dict[str, str]]]
    lines: dict[tuple[str, str], int] = field(default_factory=dict)
    # Set by the pipeline: whether this package is a release (scripts/publish/versions.py State).
    release: object | None = None
    # Set by the pipeline: the package as read once, for the stages that publish it (scripts/publish/versions.py Tree).
    tree: object | None = None

    @property
    def released_version(self) -> str | None:
        """The release this package is, byte for byte; None for data not (yet) released."""
        return getattr(self.release, "released", None)

    @classmethod
    def from_package(cls, descriptor: dict, loaded: dict[str, list[Row]]) -> Site:
        tables = {name: [row.values for row in rows] for name, rows in loaded.items()}
        site = cls(descriptor, tables)
        # Each record's CSV line, for "edit this data" links: keyed by (table, primary key from the schema).
        keys = {r["name"]: r["schema"]["primaryKey"][0] for r in descriptor["resources"]}
        site.lines = {
            (name, row.values.get(keys.get(name, ""), "")): row.line for name, rows in loaded.items() for row in rows
        }
        return site

    @cached_property
    def _categories(self) -> dict[tuple[str, str], dict[str, dict]]:
        """Each value's words by (resource, field): the schema's `categories`, the one place they
        are written (the validator proves every allowed value has a label)."""
        return {
            (r["name"], f["name"]): {c["value"]: c for c in f.get("categories", [])}
            for r in self.descriptor["resources"]
            for f in r["schema"]["fields"]
        }

    def category(self, resource: str, field: str, value: str) -> dict:
        """The words for one value: label, and where given singular, plural, short, meaning."""
        return self._categories.get((resource, field), {}).get(value, {})

    def label(self, resource: str, field: str, value: str) -> str:
        """A readable label for a value of `resource`'s `field`: the schema's, or the value made readable."""
        return self.category(resource, field, value).get("label") or value.replace("_", " ").capitalize()

    def symbol(self, unit: str) -> str:
        """The sign written before an amount in `unit` ("£"), from the figures' unit categories; ""
        for a unit that is not money. The validator requires one for every currency of the rates."""
        return self.category("figures", "unit", unit).get("symbol", "")

    def money(self, value: float, currency: str) -> str:
        """A derived amount in short form ("£17.0m"); a currency with no symbol is written by its code."""
        return format_money(value, self.symbol(currency) or currency + " ")

    def strength_words(self, strength: str, count: int = 1) -> str:
        """ "pledge by the UK and/or France", "statements of intention": a strength as a noun phrase."""
        words = self.category("commitments", "strength", strength)
        return (
            words.get("singular" if count == 1 else "plural") or self.label("commitments", "strength", strength).lower()
        )

    def strength_meaning(self, strength: str) -> str:
        return self.category("commitments", "strength", strength).get("meaning", "")

    def _status_words(self, status: str, commitment_id: str = "", expectation: bool = False) -> dict:
        """A follow-up status's words; an expectation's own where it has them (no one is bound to deliver it)."""
        words = self.category("followups", "status", status)
        if expectation or (commitment_id and self.is_expectation(commitment_id)):
            return {**words, **words.get("expectation", {})}
        return words

    @cached_property
    def published_at(self) -> list[dict]:
        """Where the annex is published: the descriptor's sources that are web addresses."""
        return [s for s in self.descriptor.get("sources", []) if is_https(s.get("path"))]

    def headline_value(self, figure: Row) -> str:
        """The value to show in large type: the annex's own words when they hold the number and what
        it counts ("£63m", "28 networks"); else the plain-words value ("14" → "14 networks")."""
        stated = figure["as_stated"]
        says_unit = re.search(r"\d", stated) and re.search(r"[^\d\s,.]", stated)
        return stated if says_unit else self.readable_value(figure)

    def readable_value(self, figure: Row) -> str:
        """A figure's value in plain words, qualifier and unit included: "more than 1,300 police
        officers", "£63,000,000". The annex's own words stay in `as_stated`."""
        value = float(figure["value"])
        qualifier = (
            ""
            if figure["qualifier"] in ("", "exact")
            else self.label("figures", "qualifier", figure["qualifier"]).lower()
        )
        symbol = self.symbol(figure["unit"])
        if symbol:
            amount = f"{symbol}{format_number(value)}"
        else:
            noun = self.category("figures", "unit", figure["unit"]).get("singular") if value == 1 else None
            amount = f"{format_number(value)} {noun or self.label('figures', 'unit', figure['unit'])}"
        return f"{qualifier} {amount}".strip()

    def key(self, table: str) -> str:
        """A table's primary key, from its schema (the descriptor is the one place that says it)."""
        return next(r["schema"]["primaryKey"][0] for r in self.descriptor["resources"] if r["name"] == table)

    # -- tables and lookups -----------------------------------------------------------------
    @property
    def version(self) -> str:
        return self.descriptor.get("version", "")

    @property
    def document(self) -> dict[str, str]:
        return self.tables["documents"][0]

    def rows(self, name: str) -> list[dict[str, str]]:
        return self.tables.get(name, [])

    @cached_property
    def paragraphs(self) -> dict[str, dict[str, str]]:
        """The annex's paragraphs. The site shows one document: the first in documents.csv."""
        doc = self.document["document_id"]
        return {p["paragraph_id"]: p for p in self.rows("paragraphs") if p["document_id"] == doc}

    @cached_property
    def _by_paragraph(self) -> dict[tuple[str, str], list[dict[str, str]]]:
        index: dict[tuple[str, str], list[dict[str, str]]] = defaultdict(list)
        doc = self.document["document_id"]
        for name in ("figures", "commitments", "events"):
            for row in self.rows(name):
                if row["document_id"] == doc:
                    index[(name, row["paragraph_id"])].append(row)
        return index

    def in_paragraph(self, name: str, paragraph_id: str) -> list[dict[str, str]]:
        """The records of one table that cite a paragraph, in file order (indexed once)."""
        return self._by_paragraph.get((name, paragraph_id), [])

    @cached_property
    def figures(self) -> dict[str, dict[str, str]]:
        return {f["figure_id"]: f for f in self.rows("figures")}

    @cached_property
    def commitments(self) -> dict[str, dict[str, str]]:
        return {c["commitment_id"]: c for c in self.rows("commitments")}

    @cached_property
    def commitment_numbers(self) -> dict[str, str]:
        """C1 … C14 for the top-level rows, counted as the site counts commitments, and C5.1, C5.2 …
        for the parts of C5, each in file order."""
        numbers: dict[str, str] = {}
        for n, c in enumerate(self.top_level, start=1):
            numbers[c["commitment_id"]] = str(n)
            for k, part in enumerate(self.parts(c["commitment_id"]), start=1):
                numbers[part["commitment_id"]] = f"{n}.{k}"
        return numbers

    @cached_property
    def commitment_order(self) -> dict[str, int]:
        """Each row's place when parts follow their parent: the order of the numbers (a sort key)."""
        return {cid: i for i, cid in enumerate(self.commitment_numbers)}

    @cached_property
    def commitments_in_order(self) -> list[dict[str, str]]:
        """Every row, parts after their parent (C5, C5.1 …): sorted once, for every list page."""
        return [self.commitments[cid] for cid in self.commitment_numbers]

    def citation_kind(self, table: str, key: str) -> str:
        """What a record is called where it is cited (its page and its download alike)."""
        if table == "figures":
            return "Figure"
        return "Statement that binds no one" if self.is_expectation(key) else "Commitment"

    def is_expectation(self, commitment_id: str) -> bool:
        """A row that binds no one (strength `expectation`, actor `none`): not a commitment of a party."""
        return self.commitments.get(commitment_id, {}).get("actor") == "none"

    @cached_property
    def terms(self) -> dict[str, dict[str, str]]:
        return {t["term_id"]: t for t in self.rows("terms")}

    @cached_property
    def events(self) -> list[dict[str, str]]:
        return sorted(self.rows("events"), key=lambda e: (e["date"], e["event_id"]))

    @cached_property
    def event_position(self) -> dict[str, int]:
        """Each event's place on the timeline (date order): where its entry is, page by page."""
        return {e["event_id"]: i for i, e in enumerate(self.events)}

    def commitments_for_figure(self, figure_id: str) -> list[dict[str, str]]:
        return [c for c in self.rows("commitments") if figure_id in c["figure_ids"].split()]

    def figures_for_commitment(self, commitment: dict[str, str]) -> list[dict[str, str]]:
        return [self.figures[f] for f in commitment["figure_ids"].split() if f in self.figures]

    def followups(self, commitment_id: str) -> list[dict[str, str]]:
        """The evidence trail, oldest first; rows on the same day keep their file order."""
        rows = [f for f in self.rows("followups") if f["commitment_id"] == commitment_id]
        return sorted(rows, key=lambda f: f["date"])

    def amounts(self, commitment_id: str) -> list[dict[str, str]]:
        return [a for a in self.rows("amounts") if a["commitment_id"] == commitment_id]

    @cached_property
    def _assessments(self) -> dict[str, status_rule.Assessment]:
        by: dict[str, list[dict[str, str]]] = defaultdict(list)
        for f in self.rows("followups"):
            by[f["commitment_id"]].append(f)
        return {cid: status_rule.assess(by[cid], c["window_end"]) for cid, c in self.commitments.items()}

    def assessment(self, commitment_id: str) -> status_rule.Assessment:
        """The status within the commitment's window, the trail within it and the rows after it
        (scripts/intake/status.py: the rule the validator checks)."""
        return self._assessments[commitment_id]

    def status(self, commitment_id: str) -> str:
        return self.assessment(commitment_id).status

    def status_label(self, status: str, commitment_id: str = "") -> str:
        """A status in words; an expectation's in words of its own (no one is bound to deliver it)."""
        if status == status_rule.NOT_SHOWN:
            return status_rule.NOT_SHOWN_LABEL
        return self._status_words(status, commitment_id).get("label") or self.label("followups", "status", status)

    def status_short(self, status: str, commitment_id: str = "", expectation: bool = False) -> str:
        """A status in lower case, for charts and sentences (`expectation`: in an expectation's words)."""
        if status == status_rule.NOT_SHOWN:
            return status_rule.NOT_SHOWN_SHORT
        words = self._status_words(status, commitment_id, expectation)
        return words.get("short") or words.get("label", self.status_label(status)).lower()

    def status_meaning(self, status: str, commitment_id: str) -> str:
        if status == status_rule.NOT_SHOWN:
            return status_rule.NOT_SHOWN_MEANING
        return self._status_words(status, commitment_id).get("meaning", "")

    @cached_property
    def default_window_end(self) -> str:
        """The window of commitments that name no period (methodology, "Assessment window")."""
        return status_rule.default_window(self.rows("commitments"))

    def statuses(self) -> list[str]:
        """Every status a commitment can have, in schema order; the derived one last."""
        return [s for s in self.enum("followups", "status") if s != "context"] + [status_rule.NOT_SHOWN]

    def status_counts(self) -> dict[str, int]:
        """Statuses of top-level commitments, each counted once."""
        counts = Counter(self.status(c["commitment_id"]) for c in self.top_level)
        return {s: counts.get(s, 0) for s in self.statuses()}

    @cached_property
    def all_parts(self) -> list[dict[str, str]]:
        return [c for c in self.rows("commitments") if c["part_of"]]

    def status_by_strength(self) -> dict[str, dict[str, int]]:
        """Top-level commitments per strength and current status: a pledge not kept is news; an
        expectation of others is context."""
        counts = Counter((c["strength"], self.status(c["commitment_id"])) for c in self.top_level)
        return {strength: {s: counts[(strength, s)] for s in self.statuses()} for strength in self.strength_counts()}

    def enum(self, resource: str, name: str) -> list[str]:
        return enum(self.descriptor, resource, name)

    # -- derived values -----------------------------------------------------------------------
    def convert(self, amount: float, currency: str, to: str) -> Conversion | None:
        """Convert with the package's reference rate for the document's date, either way round."""
        for rate in self.rows("exchange_rates"):
            r = float(rate["rate"])
            if (rate["base_currency"], rate["quote_currency"]) == (currency, to):
                value, how = amount * r, f"multiplied by {rate['rate']}"
            elif (rate["base_currency"], rate["quote_currency"]) == (to, currency):
                value, how = amount / r, f"divided by {rate['rate']}"
            else:
                continue
            method = (
                f"{self.money(amount, currency)} {how}, the {rate['base_currency']}/"
                f"{rate['quote_currency']} reference rate of {rate['date']}"
            )
            return Conversion(value, to, r, rate["date"], rate["source"], method)
        return None

    def funding(self) -> list[dict]:
        """Each stated amount of money, with its conversion into the other currency (derived)."""
        out = []
        for f in self.rows("figures"):
            if not self.symbol(f["unit"]):
                continue  # not money
            # The currency the reference rates pair it with.
            other = next(
                (
                    r["quote_currency"] if r["base_currency"] == f["unit"] else r["base_currency"]
                    for r in self.rows("exchange_rates")
                    if f["unit"] in (r["base_currency"], r["quote_currency"])
                ),
                f["unit"],
            )
            out.append(
                {
                    "figure": f,
                    "value": float(f["value"]),
                    "conversion": self.convert(float(f["value"]), f["unit"], other),
                }
            )
        return out

    @cached_property
    def top_level(self) -> list[dict[str, str]]:
        """Commitments counted once each: the rows that are not part of another (`part_of` empty)."""
        return [c for c in self.rows("commitments") if not c["part_of"]]

    @cached_property
    def _parts_by_parent(self) -> dict[str, list[dict[str, str]]]:
        # One pass over the rows: numbering and every page ask for a row's parts.
        out: dict[str, list[dict[str, str]]] = {}
        for c in self.rows("commitments"):
            if c["part_of"]:
                out.setdefault(c["part_of"], []).append(c)
        return out

    def parts(self, commitment_id: str) -> list[dict[str, str]]:
        return self._parts_by_parent.get(commitment_id, [])

    def commitment_counts(self) -> dict[tuple[str, str], int]:
        """Top-level commitments per (strength, actor bound)."""
        return Counter((c["strength"], c["actor"]) for c in self.top_level)

    def strength_counts(self) -> dict[str, int]:
        counts = Counter(c["strength"] for c in self.top_level)
        return {s: counts[s] for s in self.enum("commitments", "strength") if counts[s]}

    def strength_sentence(self) -> str:
        """ "14 statements, each counted once: 12 commitments by the UK and/or France (7 pledges …)
        and 2 statements that bind no one …": the count the site gives wherever it counts, in the
        methodology's two categories (an expectation is not a commitment of anyone)."""
        counts = self.strength_counts()
        parts = len(self.rows("commitments")) - len(self.top_level)

        def listing(strengths: list[str]) -> str:
            return ordinal_list(
                [
                    f"{counts[s]} {self.strength_words(s, counts[s]).removesuffix(' by the UK and/or France')}"
                    for s in strengths
                ]
            )

        bound = [s for s in counts if s != "expectation"]
        groups = []
        if bound:
            n = sum(counts[s] for s in bound)
            groups.append(f"{n} commitment{'s' if n != 1 else ''} by the UK and/or France ({listing(bound)})")
        if counts.get("expectation"):
            n = counts["expectation"]
            groups.append(
                f"{n} statement{'s' if n != 1 else ''} that bind{'s' if n == 1 else ''} no one (expectations)"
            )
        top = len(self.top_level)
        return (
            f"{top} top-level statement{'s' if top != 1 else ''}, each counted once: "
            + " and ".join(groups)
            + (
                f". {parts} more rows record their parts, such as the uses of a sum or the items of a list; "
                f"each is numbered after its parent (C{self.commitment_numbers[self.all_parts[0]['commitment_id']]} "
                f"is a part of C{self.commitment_numbers[self.all_parts[0]['part_of']]}) and not counted again."
                if parts and self.all_parts[0]["part_of"] in self.commitment_numbers
                else "."
            )
        )

    def paired_capacity(self) -> list[dict]:
        """Subjects with both a capacity and an occupancy figure: places against people hosted."""
        by_subject: dict[str, dict[str, dict]] = defaultdict(dict)
        for f in self.rows("figures"):
            if f["measure"] in ("capacity", "occupancy"):
                by_subject[f["subject"]][f["measure"]] = f
        return [{"subject": s, **m} for s, m in by_subject.items() if {"capacity", "occupancy"} <= m.keys()]

    def series(self, subject: str) -> list[dict[str, str]]:
        """Figures of one subject with a period, in period order (networks per year)."""
        return sorted(
            (f for f in self.rows("figures") if f["subject"] == subject and f["period"]), key=lambda f: f["period"]
        )

    def series_over_time(self) -> list[list[dict[str, str]]]:
        """Each subject the annex counts in more than one period (networks per year), as its series:
        found from the figures' own fields, so no chart names a subject or a year itself."""
        periods = defaultdict(set)
        for f in self.rows("figures"):
            if f["period"]:
                periods[f["subject"]].add(f["period"])
        return [self.series(subject) for subject, seen in periods.items() if len(seen) > 1]

    def quote_spans(self, paragraph_id: str, quote: str) -> list[tuple[int, int]] | None:
        """Where each fragment of a quote stands in its squashed paragraph (see annex_text.locate)."""
        text = squash(self.paragraphs.get(paragraph_id, {}).get("text", ""))
        return locate(text, quote) if quote else None

    def quote_span(self, paragraph_id: str, quote: str) -> tuple[int, int] | None:
        """From the quote's first word to its last."""
        spans = self.quote_spans(paragraph_id, quote)
        return (spans[0][0], spans[-1][1]) if spans else None

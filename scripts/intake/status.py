"""How a commitment's status follows from its follow-up rows: one rule, used by the site
(scripts/model/derive.py) and by the validator (scripts/intake/rules.py), so what is checked is what is shown.

A commitment is judged against its assessment window (commitments.csv `window_end`): the period
the annex names ("in 2016"), or the default the methodology states. The rule:

1. the status is the latest finding (a row that is neither `context` nor `no_evidence_found`)
   dated within the window;
2. with no such finding, it is the latest search that found nothing (`no_evidence_found`, dated
   the day of the search, which covers the window); a search never overrides a finding, so
   evidence added later always moves the status;
3. with neither, nothing we recorded within the window sets it: NOT_SHOWN.

Rows dated after the window are later context: shown, never the status.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

SEARCH = "no_evidence_found"
CONTEXT = "context"
# Derived, never written in a row: no row dated within the window sets the status.
NOT_SHOWN = "not_shown_in_window"
NOT_SHOWN_LABEL = "Nothing recorded within the window"
NOT_SHOWN_SHORT = "nothing recorded within the window"
NOT_SHOWN_MEANING = (
    "No evidence we recorded is dated within the assessment window; what later sources show is listed after "
    "the window, as later context."
)
ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")

Rowish = Mapping[str, str]


def is_finding(row: Rowish) -> bool:
    """A row that can set the status from evidence: not background, not a search."""
    return row["status"] not in (CONTEXT, SEARCH, "")


def after_window(row: Rowish, window_end: str) -> bool:
    """Dated after the window (ISO dates compare as text). A search is dated the day it was made
    and covers the window, so it is never 'after' it; an unreadable date is left to the validator."""
    return (
        row["status"] != SEARCH
        and bool(ISO_DATE.fullmatch(row["date"] or ""))
        and bool(ISO_DATE.fullmatch(window_end or ""))
        and row["date"] > window_end
    )


@dataclass
class Assessment:
    status: str
    row: Rowish | None  # the row that sets it; None for NOT_SHOWN
    window_end: str
    within: list = field(default_factory=list)  # the evidence trail within the window (searches too)
    later: list = field(default_factory=list)  # rows dated after the window: later context

    @property
    def as_of(self) -> str:
        """The date the status holds at: its row's, or the window's end when no row sets it."""
        return self.row["date"] if self.row is not None else self.window_end


def assess(rows: Sequence[Rowish], window_end: str) -> Assessment:
    """The status of one commitment from its rows (any order; the same day keeps file order)."""
    ordered = sorted(rows, key=lambda r: r["date"] or "")
    within = [r for r in ordered if not after_window(r, window_end)]
    later = [r for r in ordered if after_window(r, window_end)]
    findings = [r for r in within if is_finding(r)]
    searches = [r for r in within if r["status"] == SEARCH]
    row = findings[-1] if findings else searches[-1] if searches else None
    return Assessment(row["status"] if row is not None else NOT_SHOWN, row, window_end, within, later)


# The last package assessed: its two tables (the very lists, as read) and every assessment.
_assessed: list = [None, None, {}]


def assess_all(followups: Sequence[Rowish], commitments: Sequence[Rowish]) -> dict[str, Assessment]:
    """Every commitment's assessment, by commitment id, computed once per package as read: the
    validator's rule and warning and the site all ask of the same two tables."""
    if _assessed[0] is not followups or _assessed[1] is not commitments:
        by: dict[str, list] = {}
        for row in followups:
            by.setdefault(row["commitment_id"], []).append(row)
        found = {c["commitment_id"]: assess(by.get(c["commitment_id"], []), c["window_end"]) for c in commitments}
        _assessed[:] = [followups, commitments, found]
    return _assessed[2]


def default_window(commitments: Sequence[Rowish]) -> str:
    """The default window end: the one most top-level rows that name no period use (ties: the
    earliest), so one mistyped row is the one reported."""
    ends = Counter(
        r["window_end"] for r in commitments if not r["part_of"] and not r["timeframe_as_stated"] and r["window_end"]
    )
    return min(ends, key=lambda end: (-ends[end], end)) if ends else ""

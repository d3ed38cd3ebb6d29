"""The preview keeps Frictionless's result for each resource between rebuilds (`FrictionlessMemo`,
scripts/intake/validate.py). Through a run of edits to one copy of the package (a table, a table
that a rule of another reads, a foreign key's target, the descriptor, the reviewed phrases, today's
date, and undoing an edit) the report with the memo is the report of a fresh run, every time; and
only the resources an edit can change the result of are validated again."""

import json

import frictionless
import pytest
from conftest import read_table, set_cell, write_table

from scripts.intake.validate import FrictionlessMemo, load_and_validate

pytestmark = pytest.mark.data


def report_of(descriptor, memo=None) -> tuple:
    report, _ = load_and_validate(descriptor, memo=memo)
    return (
        [str(p) for p in report.problems],
        [str(w) for w in report.warnings],
        report.resources,
        report.rows,
        report.checks,
    )


@pytest.fixture
def validated(monkeypatch):
    """The names of the resources Frictionless validates, run by run."""
    names: list[str] = []
    validate = frictionless.Resource.validate

    def counted(self, *args, **kwargs):
        names.append(self.name)
        return validate(self, *args, **kwargs)

    monkeypatch.setattr(frictionless.Resource, "validate", counted)
    return names


def test_kept_results_give_the_fresh_report(package_copy, validated, monkeypatch):
    data, memo = package_copy.parent / "data", FrictionlessMemo()
    every = [r["name"] for r in json.loads(package_copy.read_text())["resources"]]

    def step(revalidated: set[str], *expect: str) -> list[str]:
        """One rebuild with the memo: its report equals a fresh run's, it validated again exactly
        `revalidated`, and its problems include each of `expect`."""
        validated.clear()
        kept = report_of(package_copy, memo)
        again = set(validated)
        validated.clear()
        assert kept == report_of(package_copy)  # fresh: no memo
        assert set(validated) == set(every)
        assert again == revalidated
        for words in expect:
            assert any(words in line for line in kept[0]), (words, kept[0])
        return kept[0]

    assert step(set(every)) == []  # the first run validates everything
    assert step(set()) == []  # nothing changed: nothing validated again

    # A table no other resource's check reads.
    set_cell(package_copy, "amounts", "uk-17m-2016-being-deployed", "note", "Edited.")
    step({"amounts"})

    # A table a rule of another reads: a commitment names a figure that is gone (a rule's lookup,
    # not a foreign key), so commitments are validated again with figures.
    figures = read_table(data / "figures.csv")
    header, rows = figures
    rows = [[*r[:1], "renamed-" + r[1], *r[2:]] if r[1] == "cao-places-planned" else r for r in rows]
    write_table(data / "figures.csv", header, rows)
    step({"figures", "commitments"}, "commitments.csv", "figure 'cao-places-planned' does not exist")

    # Undoing the edit finds the results kept for it: nothing is validated again.
    write_table(data / "figures.csv", *figures)
    assert step(set()) == []

    # A foreign key's target: a paragraph renamed leaves the rows that cite it dangling.
    header, rows = read_table(data / "paragraphs.csv")
    cited = read_table(data / "exchange_rates.csv")  # keyed by documents only: not validated again
    first = rows[0][1]
    rows[0][1] = first + "x"
    write_table(data / "paragraphs.csv", header, rows)
    step({"paragraphs", "figures", "commitments", "events", "terms"}, "foreign-key")
    assert read_table(data / "exchange_rates.csv") == cited
    rows[0][1] = first
    write_table(data / "paragraphs.csv", header, rows)
    assert step(set()) == []

    # The descriptor: a constraint tightened, no CSV changed.
    original = package_copy.read_bytes()
    descriptor = json.loads(original)
    rates = next(r for r in descriptor["resources"] if r["name"] == "exchange_rates")
    next(f for f in rates["schema"]["fields"] if f["name"] == "rate")["constraints"]["maximum"] = 0.5
    package_copy.write_text(json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    step(set(every), "exchange_rates.csv", "constraint-error")
    package_copy.write_bytes(original)
    assert step(set()) == []

    # The reviewed operative phrases, which the commitments' rule reads.
    phrases = package_copy.parent / "checks" / "operative-phrases.csv"
    header, rows = read_table(phrases)
    rows[0][1] = "expectation" if rows[0][1] != "expectation" else "pledge"
    write_table(phrases, header, rows)
    step(set(every), "commitments.csv", "contradicts operative-phrases.csv")
    write_table(phrases, *read_table(phrases))  # unchanged bytes: still kept
    assert step(set())

    # Today's date, which the follow-ups' and amounts' rules read: evidence from the future.
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1483228800")  # 2017-01-01
    step(set(every), "followups.csv", "is after today (2017-01-01)")
    # A long preview stays small: results are kept for the last contexts (descriptor, phrases, day) only.
    assert len(memo.contexts) == FrictionlessMemo.KEEP
    assert {key.split("\0")[0] for key in [*memo.resources, *memo.package]} == set(memo.contexts)

"""A chart's ids and years come from the figures, and its currencies' words from the descriptor:
a correction to the data changes what the chart says (no chart code names a subject or a year)."""

from __future__ import annotations

import copy

from scripts import pipeline
from scripts.model.derive import Site
from scripts.site import charts


def corrected(change_figure=None, change_descriptor=None) -> Site:
    """The real package, in memory, with one correction applied."""
    real = pipeline.site()
    descriptor, tables = copy.deepcopy(real.descriptor), copy.deepcopy(real.tables)
    for f in tables["figures"]:
        if change_figure:
            change_figure(f)
    if change_descriptor:
        change_descriptor(descriptor)
    return Site(descriptor, tables)


def test_the_networks_chart_says_the_years_and_subject_the_figures_give():
    real = charts.networks(pipeline.site())
    assert real.title.endswith("in 2014 and 2015?")  # the real data, as read today

    def renamed_and_redated(f):
        if f["subject"] == "criminal-networks-calais":
            f["subject"] = "networks-dismantled-calais"  # a corrected id
            if f["period"] == "2014":
                f["period"] = "2013"  # a corrected year

    site = corrected(renamed_and_redated)
    chart = charts.networks(site)
    assert chart.title.endswith("in 2013 and 2015?")
    assert chart.summary.startswith("The annex gives 14 in 2013 and 28 in 2015")
    assert [row[0] for row in chart.rows] == ["2013", "2015"]
    compared = {fid for fid, cid in charts.comparisons(site).items() if cid == "networks"}
    assert compared == {"networks-dismantled-2014", "networks-dismantled-2015"}


def test_the_funding_sentence_takes_its_currencies_words_from_the_descriptor():
    def reworded(descriptor):
        figures = next(r for r in descriptor["resources"] if r["name"] == "figures")
        unit = next(f for f in figures["schema"]["fields"] if f["name"] == "unit")
        for c in unit["categories"]:
            if c["value"] == "GBP":
                c.update(symbol="UK£", short="pounds sterling")
            if c["value"] == "EUR":
                c.update(singular="single-currency euro")

    sentence = charts.funding_sentence(corrected(change_descriptor=reworded))
    assert "(0.77435 pounds sterling to the single-currency euro)" in sentence
    assert "the single-currency euro amount is about UK£17.0m" in sentence

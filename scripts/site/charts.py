"""Plotly charts built from the package. Each chart's title is the question it answers, its
summary sentence the answer, and it carries its data table.

scripts/site/draw.py draws every chart as SVG at build time, for the page; the figure also rides in the
page as a spec (traces, layout, config), which docs/assets/javascripts/site.js draws with the site's
own plotly.js when a reader asks to explore the chart.
"""

from __future__ import annotations

import datetime as dt
import textwrap
from collections import Counter
from dataclasses import dataclass

import plotly.graph_objects as go
import plotly.io as pio

from scripts.escape import html_attribute, plotly_label, script_json
from scripts.intake.descriptor import is_https
from scripts.model.derive import (
    Site,
    format_number,
    long_date,
    ordinal_list,
)

# Okabe-Ito: distinguishable with the common forms of colour blindness, readable on light and dark.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442"]
FONT = "-apple-system, BlinkMacSystemFont, Helvetica, Arial, sans-serif"
CONFIG = {
    "displaylogo": False,
    "showSendToCloud": False,  # plotly.js would otherwise offer to upload the chart
    "responsive": True,
    "modeBarButtonsToRemove": [
        "select2d",
        "lasso2d",
        "zoom2d",
        "pan2d",
        "zoomIn2d",
        "zoomOut2d",
        "autoScale2d",
        "toggleSpikelines",
        "hoverClosestCartesian",
        "hoverCompareCartesian",
    ],
}


@dataclass
class Chart:
    chart_id: str
    title: str
    summary: str
    figure: go.Figure
    columns: list[str]
    rows: list[list[str]]

    def spec(self) -> str:
        """The chart as JSON for the page (scripts/escape.py's rule for JSON inside HTML)."""
        config = {**CONFIG, "toImageButtonOptions": {"filename": f"amiens-annex-{self.chart_id}"}}
        payload = pio.to_json(
            {
                "data": self.figure.to_plotly_json()["data"],
                "layout": self.figure.to_plotly_json()["layout"],
                "config": config,
            },
            pretty=False,
            validate=False,
        )
        return script_json(payload)


# Data text for Plotly, which draws a subset of HTML (<b>, <a href>) in labels: escaped.
t = plotly_label


def label(site: Site, resource: str, field: str, value: str) -> str:
    """A value's label from the descriptor's categories, which a pull request can change: escaped
    like any other data text (plotly reads <a>, <span style> and <br> in it)."""
    return t(site.label(resource, field, value))


def source_link(url: str, text: str) -> str:
    """`text` linked to a source for plotly, only if the address is https:// (else plain text)."""
    return f'<a href="{html_attribute(url)}">{t(text)}</a>' if is_https(url) else t(text)


def wrapped(text: str, width: int = 18) -> str:
    """A category label on short lines (Plotly does not wrap), escaped: no rotated, cut-off labels."""
    return "<br>".join(t(line) for line in textwrap.wrap(text, width)) or t(text)


def base_layout(fig: go.Figure, **kw) -> go.Figure:
    defaults = dict(
        template="none",
        font={"family": FONT, "size": 14},
        height=360,
        margin={"l": 60, "r": 20, "t": 20, "b": 60},
        paper_bgcolor="rgba(0,0,0,0)",
        plot_bgcolor="rgba(0,0,0,0)",
        legend={"orientation": "h", "y": -0.25, "traceorder": "normal"},
    )
    fig.update_layout(**{**defaults, **kw})
    return fig


def period_label(period: str, short: bool = False) -> str:
    """2016-10-24 → "October 2016" ("Oct 2016" short); 2018-01 → "January 2018"; 2019/2020 → "2019/20"."""
    if "/" in period:
        a, b = period.split("/")
        return f"{a}/{b[-2:]}"
    if len(period) >= 7:
        return dt.date(int(period[:4]), int(period[5:7]), 1).strftime("%b %Y" if short else "%B %Y")
    return period


def funding_sentence(site: Site) -> str:
    """The UK's two amounts in one sentence: two bars in different currencies say no more than this."""
    items = site.funding()
    parts = []
    for item in items:
        f = item["figure"]
        parts.append(f"{f['as_stated']} ({f['metric']}, {f['period_as_stated'] or f['period'] or 'period not stated'})")
    sentence = f"The annex states {len(items)} UK amounts: {ordinal_list(parts)}."
    # Another currency's amount in the first amount's currency, at the reference rate: the
    # currencies' words come from the figures' unit categories.
    first = items[0]["figure"]["unit"] if items else ""
    other = next((i for i in items if i["figure"]["unit"] != first and i["conversion"]), None)
    if other and other["conversion"].currency == first:
        conv, unit = other["conversion"], other["figure"]["unit"]
        # The rate's row, as Site.convert finds it: quote units to one base unit.
        base, quote = next(
            (r["base_currency"], r["quote_currency"])
            for r in site.rows("exchange_rates")
            if {r["base_currency"], r["quote_currency"]} == {unit, first}
        )
        words = {u: site.category("figures", "unit", u) for u in (base, quote, unit)}
        sentence += (
            f" At the reference rate of {dt.date.fromisoformat(conv.rate_date):%-d %B %Y} ({conv.rate}"
            f" {words[quote].get('short', quote)} to the {words[base].get('singular', base)}) the"
            f" {words[unit].get('singular', unit)} amount is about {site.money(conv.amount, first)}: a derived"
            " figure, not the annex's."
        )
    return sentence


def networks(site: Site) -> Chart:
    series = site.series_over_time()[0]  # the annex's one count over years: networks dismantled
    years = [f["period"] for f in series]
    values = [float(f["value"]) for f in series]
    fig = go.Figure()
    fig.add_bar(
        x=[t(y) for y in years],
        y=values,
        marker_color=PALETTE[0],
        text=[format_number(v) for v in values],
        textposition="auto",
        name="Networks dismantled",
    )
    base_layout(
        fig,
        height=260,
        xaxis={"type": "category", "title": {"text": "Year"}},
        yaxis={"title": {"text": "Networks dismantled"}, "rangemode": "tozero"},
        showlegend=False,
    )
    summary = (
        # Not a figure's metric: the annex ties only the later year's count to the joint investigations.
        "The annex gives "
        + ordinal_list([f"{format_number(v)} in {y}" for y, v in zip(years, values)])
        + (
            f", {values[-1] / values[0]:.1f} times as many in {years[-1]} as in {years[0]}."
            if len(values) > 1 and values[0]
            else "."
        )
    )
    rows = [[f["period"], f["as_stated"], format_number(float(f["value"])), f["paragraph_id"]] for f in series]
    return Chart(
        "networks",
        f"How many criminal networks does the annex say were dismantled in Calais in {ordinal_list(years)}?",
        summary,
        fig,
        ["Year", "As stated", "Networks", "Paragraph"],
        rows,
    )


def reception(site: Site) -> Chart:
    pairs = site.paired_capacity()
    names = [p["subject"].replace("-", " ").capitalize() for p in pairs]
    labels = [wrapped(n) for n in names]
    cap = [float(p["capacity"]["value"]) for p in pairs]
    occ = [float(p["occupancy"]["value"]) for p in pairs]
    fig = go.Figure()
    fig.add_bar(
        name="Places (capacity)",
        x=labels,
        y=cap,
        marker_color=PALETTE[0],
        text=[format_number(v) for v in cap],
        # Above the bars, on the page's own background: text over the dotted bars is hard to read.
        textposition="outside",
        cliponaxis=False,
    )
    fig.add_bar(
        name="People hosted (occupancy)",
        x=labels,
        y=occ,
        marker={"color": PALETTE[1], "pattern": {"shape": "."}},
        text=[format_number(v) for v in occ],
        textposition="outside",
        cliponaxis=False,
    )
    base_layout(
        fig,
        barmode="group",
        height=320,
        xaxis={"tickangle": 0},
        yaxis={"title": {"text": "Places or people"}, "rangemode": "tozero"},
        margin={"l": 60, "r": 20, "t": 30, "b": 60},
    )
    parts = [
        f"{n}: {format_number(o)} people in {format_number(c)} places ({o / c:.0%})" for n, c, o in zip(names, cap, occ)
    ]
    summary = "Capacity against occupancy on the annex's date. " + "; ".join(parts) + "."
    rows = [
        [n, p["capacity"]["as_stated"], p["occupancy"]["as_stated"], f"{o / c:.0%}", p["capacity"]["paragraph_id"]]
        for n, p, c, o in zip(names, pairs, cap, occ)
    ]
    return Chart(
        "reception",
        "How full, on the annex's own figures, were the facilities it gives occupancy for?",
        summary,
        fig,
        ["Facility", "Capacity (as stated)", "Occupancy (as stated)", "Occupied", "Paragraph"],
        rows,
    )


def strength_bars(site: Site, strengths: list[str], stacks: list[tuple[str, list[int]]], **layout) -> go.Figure:
    """Horizontal bars, one per commitment strength, each stacked by `stacks` (name, one count per strength)."""
    fig = go.Figure()
    most = max((sum(c) for c in zip(*(counts for _, counts in stacks))), default=0)
    for i, (name, counts) in enumerate(stacks):
        fig.add_bar(
            name=name,
            y=[label(site, "commitments", "strength", s) for s in strengths],
            orientation="h",
            x=counts,
            marker_color=PALETTE[i % len(PALETTE)],
        )
    return base_layout(
        fig,
        barmode="stack",
        # A tick per commitment while counts are small; plotly's own ticks beyond that.
        xaxis={"title": {"text": "Top-level statements (each counted once)"}, "dtick": 1 if most <= 10 else None},
        yaxis={"automargin": True, "autorange": "reversed"},
        **layout,
    )


def commitments(site: Site) -> Chart:
    """What was promised, and by whom: top-level commitments by strength and by who is bound."""
    counts = site.commitment_counts()
    strengths = list(site.strength_counts())
    actors = [a for a in site.enum("commitments", "actor") if any(counts.get((s, a)) for s in strengths)]
    fig = strength_bars(
        site,
        strengths,
        [(label(site, "commitments", "actor", a), [counts.get((s, a), 0) for s in strengths]) for a in actors],
        height=360,
    )
    rows = [
        [site.label("commitments", "strength", s)]
        + [str(counts.get((s, a), 0)) for a in actors]
        + [str(sum(counts.get((s, a), 0) for a in actors))]
        for s in strengths
    ]
    return Chart(
        "commitments",
        "How firmly is each statement worded, and who is bound?",
        "The annex makes " + site.strength_sentence(),
        fig,
        ["Strength"] + [site.label("commitments", "actor", a) for a in actors] + ["Total"],
        rows,
    )


ROWS = 25  # events the timeline chart labels one by one


def event_label(event: dict) -> str:
    """A marker's label: the annex's words when they are a date; else ("today") the date we read
    them as, with the annex's word beside it, so no point reads as if it were the day of reading."""
    if any(c.isdigit() for c in event["as_stated"]):
        return event["as_stated"]
    return f"{dt.date.fromisoformat(event['date']):%-d %B %Y} (“{event['as_stated']}” in the annex)"


def event_dots(events: list[dict], corrected: list[dict]) -> go.Figure:
    """Each event a labelled marker at its date."""
    first, last = dt.date.fromisoformat(events[0]["date"]), dt.date.fromisoformat(events[-1]["date"])
    span = max((last - first).days, 1)
    # One row per event, in date order, and each label on the side of its marker that faces the
    # middle: no two labels share a row or run off the plot, at any width.
    ordered = sorted(events, key=lambda e: e["date"])
    row = {e["event_id"]: i for i, e in enumerate(ordered)}

    def lean(e) -> str:
        return "middle right" if (dt.date.fromisoformat(e["date"]) - first).days / span < 0.5 else "middle left"

    fig = go.Figure()
    for i, (name, group, symbol) in enumerate(
        [
            ("Date as the annex states it", [e for e in events if e["note_type"] != "correction"], "circle"),
            ("Date the annex gets wrong (see note)", corrected, "x"),
        ]
    ):
        if not group:
            continue
        fig.add_scatter(
            name=name,
            mode="markers+text",
            x=[e["date"] for e in group],
            y=[row[e["event_id"]] for e in group],
            text=[t(event_label(e)) for e in group],
            textposition=[lean(e) for e in group],
            hovertext=[t(e["description"]) for e in group],
            hoverinfo="text+x",
            marker={"size": 13, "symbol": symbol, "color": PALETTE[i * 5]},
        )
    pad = dt.timedelta(days=max(span // 20, 10))
    base_layout(
        fig,
        height=130 + 30 * len(events),
        yaxis={"visible": False, "range": [len(events) - 0.4, -0.6]},
        xaxis={"type": "date", "range": [str(first - pad), str(last + pad)]},
        legend={"orientation": "h", "x": 0, "y": 1.0, "yanchor": "bottom"},
        margin={"l": 20, "r": 20, "t": 30, "b": 40},
    )
    return fig


def event_counts(events: list[dict]) -> go.Figure:
    """Events per month: past ROWS events, labelled markers would not fit a readable height."""
    months = Counter(e["date"][:7] for e in events)
    fig = go.Figure()
    fig.add_bar(x=[f"{m}-01" for m in sorted(months)], y=[months[m] for m in sorted(months)], marker_color=PALETTE[0])
    return base_layout(
        fig,
        showlegend=False,
        xaxis={"type": "date", "title": {"text": "Month"}},
        yaxis={"title": {"text": "Dated events"}, "rangemode": "tozero"},
    )


def timeline(site: Site) -> Chart:
    events = site.events
    corrected = [e for e in events if e["note_type"] == "correction"]
    first, last = dt.date.fromisoformat(events[0]["date"]), dt.date.fromisoformat(events[-1]["date"])
    summary = (
        f"{len(events)} dated events, from {first:%-d %B %Y} to {last:%-d %B %Y}"
        + (
            f"; {len(corrected)} "
            + ("date in the annex is wrong: " if len(corrected) == 1 else "dates in the annex are wrong, among them: ")
            + ", ".join(f"{e['description'].rstrip('.')} ({e['as_stated']})" for e in corrected[:3])
            if corrected
            else ""
        )
        + "."
    )
    if len(events) > ROWS:  # the timeline below lists every event: the chart's table gives its counts
        fig = event_counts(events)
        months = Counter(e["date"][:7] for e in events)
        columns, rows = ["Month", "Dated events"], [[period_label(m), str(months[m])] for m in sorted(months)]
    else:
        fig = event_dots(events, corrected)
        columns = ["Date", "As stated", "Event", "Paragraph", "Note"]
        rows = [
            [
                e["date"],
                e["as_stated"],
                e["description"],
                e["paragraph_id"],
                (site.label("events", "note_type", e["note_type"]) + ": " + e["note"]) if e["note"] else "",
            ]
            for e in events
        ]
    return Chart(
        "timeline",
        "Which dates does the annex name, and which are wrong?",
        summary,
        fig,
        columns,
        rows,
    )


def status(site: Site) -> Chart:
    """What happened next, by how firmly each commitment was worded: our assessment, not the annex."""
    table = site.status_by_strength()
    statuses = [s for s in site.status_counts() if any(row[s] for row in table.values())]
    strengths = list(table)
    fig = strength_bars(
        site,
        strengths,
        [(t(site.status_short(s).capitalize()), [table[k][s] for k in strengths]) for s in statuses],
        height=420,
        legend={"orientation": "h", "y": -0.3, "traceorder": "normal"},
    )

    def phrase(k: str) -> str:
        total = sum(table[k].values())
        # An expectation binds no one: its statuses in their own words (no one delivers it).
        return f"{total} {site.strength_words(k, total)}: " + ordinal_list(
            [f"{n} {site.status_short(s, expectation=k == 'expectation')}" for s, n in table[k].items() if n]
        )

    # Parts are assessed on their own pages; counting them here would count a commitment twice, so
    # the summary gives their statuses apart (the only "not delivered" may be a part's).
    order = {s: i for i, s in enumerate(site.statuses())}
    part_counts = Counter(
        (order[s], site.status_short(s, p["commitment_id"]))
        for p in site.all_parts
        for s in [site.status(p["commitment_id"])]
    )
    parts = (
        f" Their {len(site.all_parts)} parts are assessed separately, on their own pages, and are not in the "
        "chart: " + ordinal_list([f"{n} {short}" for (_, short), n in sorted(part_counts.items())]) + "."
        if part_counts
        else ""
    )
    summary = (
        "Each top-level statement judged on evidence dated within its assessment window (the period the annex "
        f"names, or up to {long_date(site.default_window_end)} where it names none): "
        + "; ".join(phrase(k) for k in strengths)
        + "."
        + parts
    )
    rows = [
        [site.label("commitments", "strength", k)]
        + [str(table[k][s]) for s in statuses]
        + [str(sum(table[k].values()))]
        for k in strengths
    ]
    return Chart(
        "status",
        "What do later sources show for each statement, by how firmly it was worded? (our assessment, not the annex)",
        summary,
        fig,
        ["Strength"] + [site.status_short(s).capitalize() for s in statuses] + ["Total"],
        rows,
    )


def amounts(site: Site, commitment_id: str) -> Chart | None:
    """UK money over time for one commitment, as later sources state it in pounds: context, not the annex.

    Each bar is one source's amount, labelled with what it is (a pledge is not a payment) and linked
    to that source; nothing is converted or added up. None when there is nothing to compare.
    """
    rows = sorted(site.amounts(commitment_id), key=lambda a: a["period"])
    shown = [a for a in rows if a["amount_gbp"]]
    if len(shown) < 2:
        return None
    fig = go.Figure()
    fig.add_bar(
        x=[float(a["amount_gbp"]) / 1e6 for a in shown],
        y=[t(period_label(a["period"], short=True)) + "<br>" + t(a["kind"]) for a in shown],
        orientation="h",
        marker_color=[PALETTE[0] if a["kind"] == "payment" else PALETTE[4] for a in shown],
        # Each bar's label links to its source.
        text=[source_link(a["source_url"], f"£{float(a['amount_gbp']) / 1e6:,.4g}m") for a in shown],
        textposition="outside",
        cliponaxis=False,
        hoverinfo="text",
        hovertext=[t(f"{a['as_stated']}: {a['what']}") for a in shown],
    )
    base_layout(
        fig,
        showlegend=False,
        height=120 + 44 * len(shown),
        xaxis={"title": {"text": "£m, as each source states it"}, "rangemode": "tozero"},
        yaxis={"automargin": True, "autorange": "reversed"},
        margin={"l": 20, "r": 60, "t": 10, "b": 50},
    )
    kinds = sorted({a["kind"] for a in shown})
    first, last = shown[0], shown[-1]
    summary = (
        f"{len(shown)} amounts from later sources, from {first['as_stated']} ({first['kind']}, "
        f"{period_label(first['period'])}) to {last['as_stated']} ({last['kind']}, {period_label(last['period'])}). "
        f"They are {ordinal_list([k + 's' for k in kinds])}, each as its source states it: not payments shown "
        "made, not a total, and not the annex's own figures."
    )
    # The list under the chart gives what each amount was for and its source, linked.
    table_rows = [[period_label(a["period"]), a["kind"], a["as_stated"]] for a in rows]
    return Chart(
        f"amounts-{commitment_id}",
        "How much UK money did later sources report, and when? (context, not the annex)",
        summary,
        fig,
        ["When", "Kind", "Amount (as stated)"],
        table_rows,
    )


# Charts with an embed page. A figure page shows the one that compares it with another (comparisons()).
CHARTS = {
    "networks": networks,
    "reception": reception,
    "commitments": commitments,
    "timeline": timeline,
    "status": status,
}


def every_chart(site: Site) -> dict[str, Chart]:
    """Every chart the site shows, by id: each built once per build, then drawn (scripts/site/draw.py)."""
    out = {chart_id: make(site) for chart_id, make in CHARTS.items()}
    for c in site.tables["commitments"]:
        money = amounts(site, c["commitment_id"])
        if money:
            out[money.chart_id] = money
    return out


def comparisons(site: Site) -> dict[str, str]:
    """Figure id → the chart that sets it beside the figure the annex compares it with."""
    out = {f["figure_id"]: "networks" for f in site.series_over_time()[0]}
    for pair in site.paired_capacity():
        out[pair["capacity"]["figure_id"]] = out[pair["occupancy"]["figure_id"]] = "reception"
    return out

"""Plotly charts built from the package. Each chart carries its summary sentence and data table.

Charts are returned as specs (traces, layout, config) for scripts/render.py to embed as JSON;
docs/assets/javascripts/site.js draws them with the site's own copy of plotly.js.
"""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass

import plotly.graph_objects as go
import plotly.io as pio

from scripts.derive import (
    STATUS_SHORT,
    STRENGTHS,
    Site,
    format_money,
    format_number,
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
        """The chart as JSON, with `<` escaped so no cell can close the surrounding script tag."""
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
        return payload.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def t(text: str) -> str:
    """Data text for Plotly, which draws a subset of HTML (<b>, <a href>) in labels: escape it."""
    return html.escape(text, quote=False)


def base_layout(fig: go.Figure, **kw) -> go.Figure:
    defaults = dict(
        template="none",
        font={"family": FONT, "size": 14},
        height=360,
        margin={"l": 60, "r": 20, "t": 20, "b": 60},
        paper_bgcolor="rgba(0,0,0,0)",
        plot_bgcolor="rgba(0,0,0,0)",
        legend={"orientation": "h", "y": -0.25},
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


def ordinal_list(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def funding(site: Site) -> Chart:
    """Both UK amounts in their own currency, with a derived pound equivalent clearly labelled."""
    items = site.funding()
    names, stated, derived_gbp, texts, rows, parts = [], [], [], [], [], []
    for item in items:
        f, conv = item["figure"], item["conversion"]
        gbp = item["value"] if f["unit"] == "GBP" else (conv.amount if conv else None)
        is_derived = f["unit"] != "GBP"
        names.append(t(f["subject"].replace("-", " ").capitalize()))  # short: fits a phone
        stated.append(None if is_derived else gbp)
        derived_gbp.append(gbp if is_derived else None)
        texts.append(t(f["as_stated"]))  # the derived pound value is in the legend, summary and table
        when = f["period_as_stated"] or f["period"] or "period not stated"
        rows.append(
            [
                f["metric"],
                f["as_stated"],
                f["unit"],
                format_number(item["value"]),
                when,
                format_money(gbp, "GBP") + (" (derived)" if is_derived else " (as stated)"),
                f"{conv.method} (source: {conv.source})" if conv and is_derived else "—",
            ]
        )
        parts.append(f"{f['as_stated']} ({f['metric']}, {when})")
    fig = go.Figure()
    fig.add_bar(
        name="Stated in pounds",
        y=names,
        x=stated,
        orientation="h",
        marker_color=PALETTE[0],
        text=[t if s is not None else "" for t, s in zip(texts, stated)],
        textposition="auto",
    )
    fig.add_bar(
        name="Stated in euros, shown in pounds (derived)",
        y=names,
        x=derived_gbp,
        orientation="h",
        marker={"color": PALETTE[1], "pattern": {"shape": "/"}},
        text=[t if d is not None else "" for t, d in zip(texts, derived_gbp)],
        # Beside the bar, on the page's own background: text over the hatching is hard to read.
        textposition="outside",
        cliponaxis=False,
    )
    base_layout(
        fig,
        barmode="overlay",
        xaxis={"title": {"text": "Pounds sterling (GBP)"}, "tickprefix": "£"},
        yaxis={"automargin": True},
        margin={"l": 20, "r": 20, "t": 20, "b": 60},
    )
    conv_notes = [i["conversion"] for i in items if i["figure"]["unit"] == "EUR" and i["conversion"]]
    summary = f"The annex states {len(items)} UK amounts: {ordinal_list(parts)}."
    if conv_notes:
        c = conv_notes[0]
        summary += (
            f" At the reference rate of {dt.date.fromisoformat(c.rate_date):%-d %B %Y} ({c.rate} pounds to the euro)"
            " the euro amount is "
            f"about {format_money(c.amount, 'GBP')}: a derived figure, not the annex's."
        )
    return Chart(
        "funding",
        "UK funding stated in the annex",
        summary,
        fig,
        ["Figure", "As stated", "Currency", "Value", "Period", "In pounds", "Method"],
        rows,
    )


def networks(site: Site) -> Chart:
    series = site.series("criminal-networks-calais")
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
        xaxis={"type": "category", "title": {"text": "Year"}},
        yaxis={"title": {"text": "Networks dismantled"}, "rangemode": "tozero"},
        showlegend=False,
    )
    summary = (
        f"{series[0]['metric']}: "
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
        "Criminal networks dismantled in Calais",
        summary,
        fig,
        ["Year", "As stated", "Networks", "Paragraph"],
        rows,
    )


def reception(site: Site) -> Chart:
    pairs = site.paired_capacity()
    names = [p["subject"].replace("-", " ").capitalize() for p in pairs]
    labels = [t(n) for n in names]
    cap = [float(p["capacity"]["value"]) for p in pairs]
    occ = [float(p["occupancy"]["value"]) for p in pairs]
    fig = go.Figure()
    fig.add_bar(
        name="Places (capacity)",
        x=labels,
        y=cap,
        marker_color=PALETTE[0],
        text=[format_number(v) for v in cap],
        textposition="auto",
    )
    fig.add_bar(
        name="People hosted (occupancy)",
        x=labels,
        y=occ,
        marker={"color": PALETTE[1], "pattern": {"shape": "."}},
        text=[format_number(v) for v in occ],
        textposition="auto",
    )
    base_layout(fig, barmode="group", yaxis={"title": {"text": "Places or people"}, "rangemode": "tozero"})
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
        "Reception capacity against occupancy",
        summary,
        fig,
        ["Facility", "Capacity (as stated)", "Occupancy (as stated)", "Occupied", "Paragraph"],
        rows,
    )


def strength_bars(site: Site, strengths: list[str], stacks: list[tuple[str, list[int]]], **layout) -> go.Figure:
    """Horizontal bars, one per commitment strength, each stacked by `stacks` (name, one count per strength)."""
    fig = go.Figure()
    for i, (name, counts) in enumerate(stacks):
        fig.add_bar(
            name=name,
            y=[site.label("strength", s) for s in strengths],
            orientation="h",
            x=counts,
            marker_color=PALETTE[i % len(PALETTE)],
        )
    return base_layout(
        fig,
        barmode="stack",
        xaxis={"title": {"text": "Commitments (each counted once)"}, "dtick": 1},
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
        [(site.label("actor", a), [counts.get((s, a), 0) for s in strengths]) for a in actors],
        height=360,
    )
    rows = [
        [site.label("strength", s)]
        + [str(counts.get((s, a), 0)) for a in actors]
        + [str(sum(counts.get((s, a), 0) for a in actors))]
        for s in strengths
    ]
    return Chart(
        "commitments",
        "How firmly is each commitment worded, and who is bound?",
        "The annex makes " + site.strength_sentence(),
        fig,
        ["Strength"] + [site.label("actor", a) for a in actors] + ["Total"],
        rows,
    )


def timeline(site: Site) -> Chart:
    events = site.events
    corrected = [e for e in events if e["note_type"] == "correction"]
    first, last = dt.date.fromisoformat(events[0]["date"]), dt.date.fromisoformat(events[-1]["date"])
    span = max((last - first).days, 1)
    # Each event on its own row in date order (five rows, then again), so neighbours' labels do
    # not collide; labels near either end lean inwards, so none is cut at the plot's edge.
    row = {e["event_id"]: (i % 5) + 1 for i, e in enumerate(sorted(events, key=lambda e: e["date"]))}

    def lean(e) -> str:
        at = (dt.date.fromisoformat(e["date"]) - first).days / span
        return "top right" if at < 0.2 else "top left" if at > 0.8 else "top center"

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
            text=[t(e["as_stated"]) for e in group],
            textposition=[lean(e) for e in group],
            hovertext=[t(e["description"]) for e in group],
            hoverinfo="text+x",
            marker={"size": 14, "symbol": symbol, "color": PALETTE[i * 5]},
        )
    pad = dt.timedelta(days=max(span // 12, 20))
    base_layout(
        fig,
        yaxis={"visible": False, "range": [0, 6.5]},
        xaxis={"type": "date", "title": {"text": "Date"}, "range": [str(first - pad), str(last + pad)]},
    )
    summary = (
        f"{len(events)} dated events, from {first:%-d %B %Y} to {last:%-d %B %Y}"
        + (
            f"; {len(corrected)} date in the annex is wrong: "
            + ", ".join(f"{e['description'].rstrip('.')} ({e['as_stated']})" for e in corrected)
            if corrected
            else ""
        )
        + "."
    )
    rows = [
        [
            e["date"],
            e["as_stated"],
            e["description"],
            e["paragraph_id"],
            (site.label("note_type", e["note_type"]) + ": " + e["note"]) if e["note"] else "",
        ]
        for e in events
    ]
    return Chart(
        "timeline",
        "Timeline of the dates the annex names",
        summary,
        fig,
        ["Date", "As stated", "Event", "Paragraph", "Note"],
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
        [(t(STATUS_SHORT[s].capitalize()), [table[k][s] for k in strengths]) for s in statuses],
        height=420,
        legend={"orientation": "h", "y": -0.3},
    )

    def phrase(k: str) -> str:
        total = sum(table[k].values())
        return f"{total} {STRENGTHS[k][0 if total == 1 else 1]}: " + ordinal_list(
            [f"{n} {STATUS_SHORT[s]}" for s, n in table[k].items() if n]
        )

    summary = "On the evidence recorded so far: " + "; ".join(phrase(k) for k in strengths) + "."
    rows = [
        [site.label("strength", k)] + [str(table[k][s]) for s in statuses] + [str(sum(table[k].values()))]
        for k in strengths
    ]
    return Chart(
        "status",
        "What happened next, by how firmly each commitment was worded",
        summary,
        fig,
        ["Strength"] + [STATUS_SHORT[s].capitalize() for s in statuses] + ["Total"],
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
        text=[f'<a href="{html.escape(a["source_url"])}">£{float(a["amount_gbp"]) / 1e6:,.4g}m</a>' for a in shown],
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
        "UK money over time, as later sources state it (context)",
        summary,
        fig,
        ["When", "Kind", "Amount (as stated)"],
        table_rows,
    )


CHARTS = {
    "funding": funding,
    "networks": networks,
    "reception": reception,
    "commitments": commitments,
    "timeline": timeline,
    "status": status,
}


def build(site: Site, chart_id: str) -> Chart:
    return CHARTS[chart_id](site)

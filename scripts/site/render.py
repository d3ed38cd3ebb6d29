"""Render the site's pages and tables from Jinja templates (scripts/site/templates/) with autoescaping:
text from the data reaches a page only escaped, by construction, and markup comes only from the
templates and their macros (templates/macros.html) or from `Markup` built by
scripts/site/annex_markup.py. Python here passes data; what it writes outside a template (front
matter) is escaped by scripts/escape.py.

Macro output is inserted after macros' own Jinja has run, so data is never evaluated as a template;
record pages are generated with `render_macros: false` for the same reason. Templates are read with
their line breaks and indentation removed, so HTML comes out on one line and Markdown never reads
data inside an HTML block as Markdown; Markdown lines (headings) are written with explicit "\\n".
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from scripts.escape import html_lines, html_text, script_json, yaml_string
from scripts.intake.annex_text import squash
from scripts.intake.descriptor import is_https
from scripts.model import citations
from scripts.model.derive import (
    Site,
    format_number,
    long_date,
    number_forms,
)
from scripts.model.links import (
    PAGE_ROWS,
    commitment_url,
    figure_url,
    list_page_url,
    paragraph_url,
    rel,
    term_url,
)
from scripts.publish import export
from scripts.site import charts as charts_mod
from scripts.site import draw
from scripts.site.annex_markup import annex, md, quote_in_context  # noqa: F401 (annex: a macro's page)

TEMPLATES = Path(__file__).with_name("templates")


class OneLineLoader(FileSystemLoader):
    """Templates without their line breaks and indentation: written readable, rendered on one line."""

    def get_source(self, environment, template):
        source, filename, uptodate = super().get_source(environment, template)
        return re.sub(r"\n\s*", "", source), filename, uptodate


# A web address in data text, to link: https only (an http address stays text), and without the
# punctuation that ends the sentence around it.
WEB_ADDRESS = re.compile(r"https://[^\s<>\"'`]+?(?=[.,;:!?)\]]*(?:\s|$))")


def web_addresses(text: object) -> list[tuple[str, str]]:
    """Data text as (text, address) pairs, the address "" after the last: the links macro
    (templates/macros.html, `linked`) writes each address as a link."""
    text = "" if text is None else str(text)
    out, end = [], 0
    for match in WEB_ADDRESS.finditer(text):
        if not is_https(match.group()):
            continue  # one definition of a link the data may give (descriptor.is_https): else text
        out.append((text[end : match.start()], match.group()))
        end = match.end()
    return out + [(text[end:], "")]


ENV = Environment(
    loader=OneLineLoader(TEMPLATES), autoescape=True, undefined=StrictUndefined, keep_trailing_newline=False
)
# Line breaks kept inside one-line pages (a BibTeX entry in a <pre>): as character references.
ENV.filters["keep_lines"] = html_lines
ENV.globals.update(
    rel=rel,
    figure_url=figure_url,
    commitment_url=commitment_url,
    term_url=term_url,
    paragraph_url=paragraph_url,
    long_date=long_date,
    format_number=format_number,
    md=md,
    squash=squash,
    web_addresses=web_addresses,
    anchor=lambda version: re.sub(r"[^0-9a-z]+", "-", version.lower()),  # an attr-list id takes no spaces or quotes
    is_https=is_https,
)


def render(template: str, site: Site | None, **context) -> Markup:
    """A template rendered with the site's value labels (`label(resource, field, value)`, from the schema)."""
    return Markup(
        ENV.get_template(template).render(
            label=site.label if site else None, published=site.published_at if site else [], **context
        )
    )


def data_problems(lines: list[str]) -> Markup:
    """The preview's banner when a save broke the data: the validator's lines, escaped."""
    return render("data_problems.html", None, lines=lines)


# One value escaped for HTML, where a template is not the place (a macro returning plain text).
e = html_text


def one_line(fragment: str) -> str:
    """An HTML block on one line: a blank line inside it would hand the rest to Markdown."""
    return str(fragment).replace("\r", " ").replace("\n", " ")


def front_matter(
    title: str, description: str, keywords: list[str] | tuple = (), embed: bool = False, indexed: bool = True
) -> str:
    # YAML strings (escape.yaml_string); the theme prints titles unescaped, so they are escaped here.
    # `tags` are what search ranks first: the forms a figure is typed in ("63m", "1,300").
    tags = "tags:\n" + "".join(f"  - {yaml_string(e(k))}\n" for k in keywords) if keywords else ""
    # An embed page: the chart alone (no navigation or contents). It, and a page that repeats
    # what record pages say (a further page of a list), is not a search result.
    search = "search:\n  exclude: true\n" if embed or not indexed else "search:\n  boost: 2\n"
    search += "hide:\n  - navigation\n  - toc\n" if embed else ""
    return (
        "---\n"
        f"title: {yaml_string(e(title))}\n"
        f"description: {yaml_string(e(description))}\n"
        "render_macros: false\n"
        f"{search}"
        f"{tags}"
        "---\n\n"
    )


def citations_for(site: Site, site_url: str, kind: str, record_id: str, title: str, pid: str, url: str) -> dict:
    return {
        "permalink": site_url + url,
        "plain": citations.record(site, site_url, kind, record_id, pid, url),
        "bib": citations.bibtex(site, site_url, record_id, f"{kind}: {title}", url, pid),
    }


# -- record pages -------------------------------------------------------------------------------
def figure_page(site: Site, fid: str, site_url: str, repo_url: str = "") -> str:
    f = site.figures[fid]
    url = figure_url(fid)
    # The annex's words lead ("£63m"); the value in full follows, as what they mean, never instead.
    headline, readable = site.headline_value(f), site.readable_value(f)
    title = f"{f['metric']}: {headline}" + (f" ({readable})" if readable != headline else "")
    compared = compared_in(site, fid)
    forms = number_forms(float(f["value"]), site.symbol(f["unit"]))
    body = render(
        "figure_page.html",
        site,
        f=f,
        comparison=chart(site, compared, site_url) if compared else "",
        headline=headline,
        readable=readable,
        forms=forms,
        url=url,
        related=site.commitments_for_figure(fid),
        quote=quote_in_context(site, f["paragraph_id"], f["quote"], url),
        repo_url=repo_url,
        line=site.lines.get(("figures", fid)),
        **citations_for(site, site_url, site.citation_kind("figures", fid), fid, title, f["paragraph_id"], url),
    )
    return (
        front_matter(
            title,
            f"{f['metric']}: {f['as_stated']} (annex paragraph {f['paragraph_id']})",
            forms,
        )
        + one_line(body)
        + "\n"
    )


def commitment_page(site: Site, cid: str, site_url: str, repo_url: str = "") -> str:
    c = site.commitments[cid]
    url = commitment_url(cid)
    numbers = site.commitment_numbers
    strength, meaning = site.label("commitments", "strength", c["strength"]), site.strength_meaning(c["strength"])
    parent = site.commitments.get(c["part_of"]) if c["part_of"] else None
    # "C8.1: expectation that binds no named party, part of C8": what the row is, in the
    # methodology's own categories (an expectation is not called a commitment).
    # A pledge names who is bound: "pledge by the UK", not the category's "the UK and/or France"
    # (the strength's `party`, replaced by the actor's: both from the descriptor's categories).
    party = site.category("commitments", "strength", c["strength"]).get("party")
    kind = site.strength_words(c["strength"])
    if party:
        kind = kind.replace(party, site.category("commitments", "actor", c["actor"])["party"])
    title = f"C{numbers[cid]}: {kind}" + (f", part of C{numbers[parent['commitment_id']]}" if parent else "")
    verdict = site.assessment(cid)
    window_basis = (
        f"as the annex states it, “{c['timeframe_as_stated']}”"
        if c["timeframe_as_stated"]
        else f"that of C{numbers[parent['commitment_id']]}, which this part shares"
        if parent
        else "the default for a commitment that names no period: up to the day before the next UK-France summit"
    )
    amounts = sorted(site.amounts(cid), key=lambda a: a["period"])
    money_chart = f"amounts-{cid}"
    body = render(
        "commitment_page.html",
        site,
        c=c,
        url=url,
        numbers=numbers,
        title=title,
        parent=parent,
        parts=site.parts(cid),
        strength=strength,
        meaning=meaning,
        figs=site.figures_for_commitment(c),
        quote=quote_in_context(site, c["paragraph_id"], c["quote"], url, c["operative_phrase"]),
        verdict=verdict,
        expectation=site.is_expectation(cid),
        status_label=lambda s: site.status_label(s, cid),
        meaning_of=lambda s: site.status_meaning(s, cid),
        window_basis=window_basis,
        package_date=site.document["date"],
        part_statuses=[(p, site.status(p["commitment_id"])) for p in site.parts(cid)],
        part_label=lambda p, s: site.status_label(s, p["commitment_id"]),
        amounts=amounts,
        amounts_chart=chart(site, money_chart) if money_chart in drawn(site) else "",
        repo_url=repo_url,
        line=site.lines.get(("commitments", cid)),
        **citations_for(
            site,
            site_url,
            site.citation_kind("commitments", cid),
            cid,
            c["summary"],
            c["paragraph_id"],
            url,
        ),
    )
    return front_matter(f"C{numbers[cid]} ({strength.lower()}): {c['summary']}", c["summary"]) + one_line(body) + "\n"


def term_page(site: Site, tid: str, site_url: str, repo_url: str = "") -> str:
    t = site.terms[tid]
    body = render(
        "term_page.html", site, t=t, url=term_url(tid), repo_url=repo_url, line=site.lines.get(("terms", tid))
    )
    return front_matter(t["term"], t["definition"]) + one_line(body) + "\n"


RECORD_PAGES = {
    "figures": (figure_url, figure_page),
    "commitments": (commitment_url, commitment_page),
    "terms": (term_url, term_page),
}


# -- index pages --------------------------------------------------------------------------------
# A list longer than PAGE_ROWS is split into numbered pages (hooks/list_pages.py), each with the
# same filters. LISTS (below the functions that render them) says where each list is.


def page_count(site: Site, table: str) -> int:
    return max(1, -(-len(site.rows(table)) // PAGE_ROWS))


@dataclass(frozen=True)
class Paged:
    rows: list[dict]
    pager: Markup | str  # links to the list's other pages; "" when it has one page
    note: str  # "rows 101–200 of 2,507 (page 2 of 26)", or "" for one page


def list_slice(site: Site, table: str, number: int, rows: list[dict] | None = None) -> Paged:
    """The rows (in the list's order) of one page of a list, and the links to its other pages."""
    rows, count = rows if rows is not None else site.rows(table), page_count(site, table)
    if not 1 <= number <= count:
        raise ValueError(f"{table}: no page {number} of {count}")
    if count == 1:
        return Paged(rows, "", "")
    first, last = (number - 1) * PAGE_ROWS + 1, min(number * PAGE_ROWS, len(rows))
    note = f"rows {first:,}–{last:,} of {len(rows):,} (page {number} of {count})"
    here = list_page_url(LISTS[table].base, number)
    shown = sorted({1, count, *range(max(1, number - 2), min(count, number + 2) + 1)})
    base = LISTS[table].base
    links = [(n, rel(here, list_page_url(base, n)), n - before > 1) for n, before in zip(shown, [0] + shown)]
    pager = render("pager.html", site, table=table, number=number, note=note, links=links)
    return Paged(rows[first - 1 : last], pager, note)


def list_page(site: Site, table: str, number: int) -> str:
    """A further page of a long list (the first is the list's own page), kept out of search."""
    kind = LISTS[table]
    body = kind.render(site, list_page_url(kind.base, number), number)
    title = f"{kind.title}, page {number} of {page_count(site, table)}"
    # An HTML table goes on one line; Markdown sections (one per record) keep theirs.
    return front_matter(title, title, indexed=False) + f"# {e(title)}\n\n{one_line(body) if kind.html else body}\n"


def figures_table(site: Site, page_url: str, number: int = 1) -> Markup:
    """The figure in plain words (linked) over what it counts, the annex's words, when, and where."""
    paged = list_slice(site, "figures", number)
    return render("figures_table.html", site, paged=paged, page_url=page_url, readable=site.readable_value)


# The commitments table's column headings, by field; its filters use the same words.
COMMITMENT_HEADINGS = {
    "strength": "Strength",
    "actor": "Who is bound",
    "theme": "Theme",
    "status": "Status within its window",
}


def commitments_table(site: Site, page_url: str, number: int = 1) -> Markup:
    # Parts follow their parent, as their numbers do (C5, C5.1, C5.2 …).
    paged = list_slice(
        site,
        "commitments",
        number,
        site.commitments_in_order,
    )
    # Theme and paragraph are on the record page; the theme stays a filter.
    row_attrs = [
        {
            "data-strength": c["strength"],
            "data-actor": c["actor"],
            "data-theme": c["theme"],
            "data-status": site.status(c["commitment_id"]),
        }
        for c in paged.rows
    ]
    values = {
        "strength": site.enum("commitments", "strength"),
        "actor": site.enum("commitments", "actor"),
        "theme": site.enum("commitments", "theme"),
        "status": list(site.statuses()),
    }
    # Each filter is named as its column is (theme, which has no column, by its own name). JSON in a
    # page, by escape.script_json's rule, in the order of the schema (not sorted): the filters' order.
    filters = script_json(
        json.dumps(
            {
                key: {
                    "label": COMMITMENT_HEADINGS[key],
                    "values": {
                        v: site.status_label(v) if key == "status" else site.label("commitments", key, v) for v in vals
                    },
                }
                for key, vals in values.items()
            }
        )
    )
    return render(
        "commitments_table.html",
        site,
        headings=COMMITMENT_HEADINGS,
        row_attrs=row_attrs,
        page_url=page_url,
        numbers=site.commitment_numbers,
        order=site.commitment_order,
        status_label=site.status_label,
        filters=filters,
        top_level=len(site.top_level),
        paged=paged,
    )


def glossary(site: Site, page_url: str, number: int = 1) -> Markup:
    paged = list_slice(site, "terms", number, sorted(site.rows("terms"), key=lambda t: t["term"].lower()))
    return render("glossary.html", site, terms=paged.rows, paged=paged, page_url=page_url)


def timeline(site: Site, page_url: str, number: int = 1) -> Markup:
    paged = list_slice(site, "events", number, site.events)
    return render("timeline.html", site, events=paged.rows, paged=paged, page_url=page_url)


class ListKind(NamedTuple):
    base: str  # the list's own page
    title: str
    render: Callable[..., Markup]  # (site, page_url, number) → one page of the list
    html: bool  # an HTML table (else Markdown sections)


LISTS = {
    "figures": ListKind("figures/", "Figures", figures_table, True),
    "commitments": ListKind("commitments/", "Commitments", commitments_table, True),
    "terms": ListKind("glossary/", "Glossary", glossary, False),
    "events": ListKind("timeline/", "Timeline", timeline, False),
}

KEY_FIGURES = 12


def key_figures(site: Site, page_url: str) -> Markup:
    figures = [
        f
        for f in site.rows("figures")
        if f["status"] != "current" and f["measure"] != "personnel" or f["measure"] == "funding"
    ]
    # A handful of headlines: the figures list has every figure.
    return render(
        "key_figures.html",
        site,
        figures=figures[:KEY_FIGURES],
        more=len(figures) - KEY_FIGURES,
        page_url=page_url,
        headline=site.headline_value,
    )


# -- charts -------------------------------------------------------------------------------------
def embed_url(chart_id: str) -> str:
    return f"embed/{chart_id}/"


def once_per_site(make):
    """`make(site)`, kept for the last package it was given: a build (or a rebuild under
    `mkdocs serve` after an edit) loads one package, and every page asks again."""
    last: list = [None, None]

    @functools.wraps(make)
    def kept(site: Site):
        if last[0] is not site:
            last[:] = [site, make(site)]
        return last[1]

    return kept


@once_per_site
def drawn(site: Site) -> dict[str, tuple[charts_mod.Chart, dict[str, Markup]]]:
    """Every chart of the site with its drawings, built and drawn once per loaded package."""
    built = charts_mod.every_chart(site)
    svgs = draw.drawings({chart_id: c.figure for chart_id, c in built.items()})
    return {chart_id: (c, svgs[chart_id]) for chart_id, c in built.items()}


comparisons = once_per_site(charts_mod.comparisons)


def compared_in(site: Site, figure_id: str) -> str | None:
    """The chart that compares this figure with another, if the annex gives one."""
    return comparisons(site).get(figure_id)


def chart(site: Site, chart_id: str, site_url: str = "") -> Markup:
    """A chart's figure: caption with its question and answer, the drawing (wide and narrow), the
    canvas site.js draws on request, its data table, and (with the site's address, for the charts
    that have an embed page) the snippet to embed it."""
    c, svgs = drawn(site)[chart_id]
    embed = site_url + embed_url(chart_id) if site_url and chart_id in charts_mod.CHARTS else ""
    return render("chart.html", site, c=c, svgs=svgs, height=int(c.figure.layout.height or 360), embed=embed)


def chart_answer(site: Site, chart_id: str, page_url: str) -> Markup:
    """A chart's question in bold, its answer, and a link to the figures it compares."""
    c = drawn(site)[chart_id][0]
    first = next((fid for fid, cid in comparisons(site).items() if cid == chart_id), None)
    compared = rel(page_url, figure_url(first)) + "#compared" if first is not None else ""
    return render("chart_answer.html", site, c=c, compared=compared)


def embed_page(site: Site, chart_id: str, site_url: str, shown_on: str) -> str:
    """A chart alone, for an <iframe> on another site: its figure, data table and source."""
    c = drawn(site)[chart_id][0]
    body = render(
        "embed_page.html", site, c=c, figure=chart(site, chart_id), url=embed_url(chart_id), shown_on=shown_on
    )
    return front_matter(c.title, c.summary, embed=True) + one_line(body) + "\n"


# -- the data page and the changelog ---------------------------------------------------------------
TYPE_WORDS = {"string": "text", "number": "number", "integer": "whole number", "date": "date", "boolean": "yes or no"}


def field_rules(field: dict) -> list[tuple[str, object]]:
    """A field's constraints in plain words, for the data dictionary's template: required, unique,
    allowed values (with their labels), length, range and pattern, each as (kind, value)."""
    cons = field.get("constraints", {})
    words: list[tuple[str, object]] = []
    if cons.get("required"):
        words.append(("text", "Required"))
    if cons.get("unique"):
        words.append(("text", "Unique"))
    if "enum" in cons:
        labels = {c["value"]: c["label"] for c in field.get("categories", [])}  # every value has one (validator)
        words.append(("enum", [(v, labels.get(v, v)) for v in cons["enum"]]))
    if "minLength" in cons and cons["minLength"] > 0:
        words.append(("text", f"At least {cons['minLength']} character" + ("s" if cons["minLength"] > 1 else "")))
    if "maxLength" in cons:
        words.append(("text", f"At most {cons['maxLength']:,} characters"))
    if "minimum" in cons or "maximum" in cons:
        low, high = cons.get("minimum"), cons.get("maximum")
        words.append(
            (
                "text",
                f"From {low} to {high}"
                if low is not None and high is not None
                else f"At least {low}"
                if low is not None
                else f"At most {high}",
            )
        )
    if "pattern" in cons:
        words.append(("pattern", cons["pattern"]))
    return words


def data_dictionary(site: Site) -> Markup:
    resources = []
    for r in site.descriptor["resources"]:
        fields = [
            {
                "name": f["name"],
                "type": TYPE_WORDS.get(f["type"], f["type"]) + (f" ({f['format']})" if f.get("format") else ""),
                "description": f.get("description", ""),
                "rules": field_rules(f),
            }
            for f in r["schema"]["fields"]
        ]
        keys = [f"Each row is identified by its `{'`, `'.join(r['schema'].get('primaryKey', []))}`."]
        for fk in r["schema"].get("foreignKeys", []):
            keys.append(f" Its `{'`, `'.join(fk['fields'])}` must be one in `{fk['reference']['resource']}.csv`.")
        resources.append(
            {
                "name": r["name"],
                "title": r.get("title", ""),
                "description": r.get("description", ""),
                "keys": keys,
                "fields": fields,
            }
        )
    return render("data_dictionary.html", site, resources=resources)


def downloads(site: Site, page_url: str) -> Markup:
    """Each download (path, link text) with its row count and what it holds, for the template."""
    names = export.download_names(site.released_version)
    rows = [
        (
            r.get("title", r["name"]),
            [(r["path"], "CSV"), (r["path"].rsplit(".", 1)[0] + ".json", "JSON")],
            str(len(site.rows(r["name"]))),
            r.get("description", ""),
        )
        for r in site.descriptor["resources"]
    ]
    rows += [
        (
            "Workbook",
            [(names["workbook"], names["workbook"])],
            "",
            "Every table as a sheet, with a README sheet: source, licence, version, citation.",
        ),
        (
            "Evidence pack",
            [(names["pack"], names["pack"])],
            "",
            "The CSVs, datapackage.json, the source text, README, licence, CITATION.cff, changelog and SHA256SUMS.",
        ),
        (
            "Descriptor",
            [("datapackage.json", "datapackage.json")],
            "",
            "The Frictionless data package descriptor: schemas, sources, licence, bytes and hash of every file.",
        ),
        ("Checksums", [("SHA256SUMS", "SHA256SUMS")], "", "SHA-256 of every download, for sha256sum -c."),
    ]
    return render("downloads.html", site, rows=rows, page_url=page_url, cited=citations.cited_version(site))


def changelog(entries) -> Markup:
    """The changelog page: each version, newest first, with its row-level changes."""
    return render("changelog.html", None, entries=entries)


def versions_table(entries, page_url: str) -> Markup:
    return render("versions_table.html", None, entries=[x for x in entries if x.tag], page_url=page_url)

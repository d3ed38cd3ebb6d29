"""Render the package as HTML and Markdown for the site. Text from the data is always escaped.

Macro output is inserted after Jinja has run, so data is never evaluated as a template; record
pages are generated with `render_macros: false` for the same reason. HTML blocks are emitted on
single lines so that Markdown never reads data inside them as Markdown.
"""
from __future__ import annotations

import datetime as dt
import html
import json
import posixpath
import re
from dataclasses import dataclass

from scripts import charts as charts_mod
from scripts.annex_text import squash
from scripts.annex_text import find_in_spans
from scripts.derive import (ACTOR_LABELS, SOURCE_KIND_LABELS, STATUS_LABELS, STATUS_MEANINGS, STRENGTH_LABELS, STRENGTHS,
                            THEME_LABELS, Site, format_number, label)
from scripts.quantities import find_phrase

# The characters Python-Markdown lets a backslash escape (and "|" for tables); escaping any
# other character would leave the backslash on the page.
MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|>])")


def e(text: object) -> str:
    return html.escape("" if text is None else str(text), quote=True)


def md(text: str) -> str:
    """Escape data for a Markdown line (a heading): HTML-escaped, Markdown syntax disarmed."""
    return MD_SPECIAL.sub(r"\\\1", e(squash(text)))


def one_line(fragment: str) -> str:
    return fragment.replace("\r", " ").replace("\n", " ")


def rel(from_url: str, to_url: str) -> str:
    """Relative link between two site URLs ("" is home; "figures/x/"; fragments allowed)."""
    path, _, fragment = to_url.partition("#")
    base = from_url if from_url.endswith("/") or not from_url else posixpath.dirname(from_url) + "/"
    out = posixpath.relpath(path or ".", base or ".")
    is_dir = not path or path.endswith("/")
    out = "./" if out == "." else out + ("/" if is_dir and not out.endswith("/") else "")
    return out + (f"#{fragment}" if fragment else "")


# -- addresses --------------------------------------------------------------------------------
def figure_url(fid: str) -> str: return f"figures/{fid}/"
def commitment_url(cid: str) -> str: return f"commitments/{cid}/"
def term_url(tid: str) -> str: return f"glossary/{tid}/"
def paragraph_url(pid: str) -> str: return f"annex/#para-{pid}"
def event_url(eid: str) -> str: return f"timeline/#event-{eid}"


def long_date(iso: str) -> str:
    return f"{dt.date.fromisoformat(iso):%-d %B %Y}"


def table(columns: list[str], rows: list[list[str]], caption: str = "", attrs: str = "",
          row_attrs: list[str] | None = None) -> str:
    """A table from cells that are already HTML (escape text with e() first)."""
    head = "".join(f'<th scope="col">{c}</th>' for c in columns)
    body = "".join(
        f"<tr{(' ' + row_attrs[i]) if row_attrs else ''}>" + "".join(
            (f'<th scope="row">{c}</th>' if j == 0 else f"<td>{c}</td>") for j, c in enumerate(r)) + "</tr>"
        for i, r in enumerate(rows))
    cap = f"<caption>{caption}</caption>" if caption else ""
    return f'<div class="md-typeset__scrollwrap"><div class="md-typeset__table"><table {attrs}>{cap}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div></div>'


def dl(items: list[tuple[str, str]]) -> str:
    return '<dl class="record-facts">' + "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in items if v) + "</dl>"


# -- the annex, marked up ---------------------------------------------------------------------
@dataclass
class Mark:
    start: int
    end: int
    open: str
    close: str
    container: bool = False
    once: str = ""  # marks sharing this key: only the first that fits is kept


def _overlap(a: Mark, b: Mark) -> bool:
    return a.start < b.end and b.start < a.end


def _inside(a: Mark, b: Mark) -> bool:
    return b.start <= a.start and a.end <= b.end


def paragraph_marks(site: Site, pid: str, page_url: str) -> list[Mark]:
    """Links from the paragraph's words to every figure, date, term and commitment they state."""
    text = squash(site.paragraphs[pid]["text"])
    marks: list[Mark] = []
    numbers = site.commitment_numbers
    for c in site.in_paragraph("commitments", pid):
        n = numbers[c["commitment_id"]]
        spans = site.quote_spans(pid, c["quote"])
        if spans:
            # The strength is printed beside the number, so it shows without hovering.
            strength = STRENGTH_LABELS.get(c["strength"], c["strength"])
            ref = (f'<a class="annex-ref annex-ref--{e(c["strength"])}" '
                   f'href="{rel(page_url, commitment_url(c["commitment_id"]))}" '
                   f'aria-label="C{n} {e(strength.lower())}: commitment {n}, {e(c["summary"])}">'
                   f'C{n} <span class="annex-strength">{e(strength.lower())}</span></a>')
            # A part's quote may start with the phrase that governs it ("will be used for … (ii)"):
            # only its own words, the last fragment, are marked.
            marks.append(Mark(*spans[-1], f'<mark class="annex-commitment annex-commitment--{e(c["strength"])}" '
                                          f'id="c-{e(c["commitment_id"])}">',
                              f"</mark><sup>{ref}</sup>", container=True))
    for name, field, url, cls in (("figures", "as_stated", figure_url, "figure"),
                                  ("events", "as_stated", None, "date")):
        for r in site.in_paragraph(name, pid):
            span = site.quote_span(pid, r["quote"])
            at = find_phrase(squash(r["quote"]), squash(r[field])) if span else -1
            if at < 0:
                continue
            start = span[0] + at
            if name == "figures":
                href = rel(page_url, url(r["figure_id"]))
                open_ = f'<a class="annex-mark annex-mark--figure" href="{href}" title="{e(r["metric"])}">'
                close = "</a>"
            else:
                href = rel(page_url, event_url(r["event_id"]))
                note = f" (note: {r['note']})" if r["note_type"] == "correction" else ""
                open_ = (f'<a class="annex-mark annex-mark--date" href="{href}" title="{e(r["description"] + note)}">'
                         f'<time datetime="{e(r["date"])}">')
                close = "</time></a>" + ('<sup class="annex-flag">corrected</sup>' if note else "")
            marks.append(Mark(start, start + len(squash(r[field])), open_, close))
    for t in site.rows("terms"):
        # Each term's first free use in the paragraph, so the text stays readable.
        title = f"{t['expansion']}: {t['definition']}" if t["expansion"] else t["definition"]
        pos = find_phrase(text, t["term"])
        while pos >= 0:
            # The title sits on the link, which takes focus: material shows it on hover and focus.
            marks.append(Mark(pos, pos + len(t["term"]),
                              f'<a class="annex-mark annex-mark--term" href="{rel(page_url, term_url(t["term_id"]))}" '
                              f'title="{e(title)}"><abbr>', "</abbr></a>", once=t["term_id"]))
            pos = find_phrase(text, t["term"], pos + 1)
    return marks


def _accept(marks: list[Mark]) -> list[Mark]:
    """Keep a properly nested set: containers hold leaves; leaves never overlap or straddle."""
    kept: list[Mark] = []
    order = sorted(marks, key=lambda m: (not m.container, m.start, -(m.end - m.start)))
    for m in order:
        if m.once and any(k.once == m.once for k in kept):
            continue
        if m.container and any(k.container and _overlap(k, m) for k in kept):
            continue
        if not m.container and any(
                (not k.container and _overlap(k, m)) or (k.container and _overlap(k, m) and not _inside(m, k))
                for k in kept):
            continue
        kept.append(m)
    return kept


def _emit(text: str, lo: int, hi: int, marks: list[Mark]) -> str:
    out, pos = [], lo
    for m in sorted((m for m in marks if lo <= m.start and m.end <= hi and not m.container), key=lambda m: m.start):
        out += [e(text[pos:m.start]), m.open, e(text[m.start:m.end]), m.close]
        pos = m.end
    return "".join(out) + e(text[pos:hi])


def render_marked(text: str, lo: int, hi: int, marks: list[Mark]) -> str:
    out, pos = [], lo
    for c in sorted((m for m in marks if m.container and lo <= m.start and m.end <= hi), key=lambda m: m.start):
        out += [_emit(text, pos, c.start, marks), c.open, _emit(text, c.start, c.end, marks), c.close]
        pos = c.end
    return "".join(out) + _emit(text, pos, hi, marks)


def paragraph_body(site: Site, pid: str, page_url: str, start: int = 0) -> str:
    """The paragraph as HTML: its first line a <p>, bulleted lines a list, marks applied."""
    lines = site.paragraphs[pid]["text"].split("\n")
    text = " ".join(lines)
    marks = _accept(paragraph_marks(site, pid, page_url))
    parts, offset, bullets = [], 0, []
    for line in lines:
        lo, hi = max(offset, start), offset + len(line)
        if lo < hi:
            if line.startswith("- "):
                bullets.append(f"<li>{render_marked(text, lo + 2, hi, marks)}</li>")
            else:
                parts.append(f"<p>{render_marked(text, lo, hi, marks)}</p>")
        offset = hi + 1
    if bullets:
        parts.append('<ul class="annex-bullets">' + "".join(bullets) + "</ul>")
    return "".join(parts)


def annex(site: Site, page_url: str) -> str:
    """The whole annex: Markdown headings (for the table of contents and search) and HTML."""
    out = []
    for p in site.paragraphs.values():
        pid = p["paragraph_id"]
        if pid == "title":
            out.append(f'<div class="annex-title" id="para-title">{paragraph_body(site, pid, page_url)}</div>')
        elif p["paragraph_id"] == p["section"]:
            out.append(f"## {e(pid)}. {md(p['heading'])} {{#para-{pid}}}")
            intro = paragraph_body(site, pid, page_url, start=len(squash(p["heading"])) + 1)
            if intro:
                out.append(f'<div class="annex-para">{intro}</div>')
        else:
            out.append(f"### {e(pid)} {{#para-{pid}}}")
            out.append(f'<div class="annex-para" data-page="{e(p["page"])}">{paragraph_body(site, pid, page_url)}</div>')
    return "\n\n".join(out) + "\n"


def quote_in_context(site: Site, pid: str, quote: str, page_url: str, phrase: str = "") -> str:
    """The paragraph with the quote highlighted (each fragment), the operative phrase in bold
    within it, and a link to the paragraph in the annex."""
    text = squash(site.paragraphs[pid]["text"])
    spans = site.quote_spans(pid, quote) or []
    bold = find_in_spans(text, spans, phrase) if phrase else None
    marks = [Mark(a, b, "<mark>", "</mark>", container=True) for a, b in spans]
    if bold:
        marks.append(Mark(*bold, '<strong class="operative-phrase">', "</strong>"))
    body = render_marked(text, 0, len(text), _accept(marks))
    return (f'<blockquote class="record-quote" data-search-exclude><p>{body}</p><p class="record-quote__source">'
            f'Annex on migration, <a href="{rel(page_url, paragraph_url(pid))}">paragraph {e(pid)}</a></p></blockquote>')


# -- records ----------------------------------------------------------------------------------
def citation(site: Site, site_url: str, kind: str, record_id: str, pid: str, url: str) -> str:
    doc = site.document
    return (f"{doc['event']}, {doc['place']}, {long_date(doc['date'])}: {doc['title']}, paragraph {pid}. "
            f"{kind} “{record_id}” in Amiens annex open data, version {site.version}. {site_url}{url}")


def front_matter(title: str, description: str) -> str:
    # JSON strings are valid YAML; the theme prints titles unescaped, so they are escaped here.
    return ("---\n" f"title: {json.dumps(e(title))}\n" f"description: {json.dumps(e(description))}\n"
            "render_macros: false\n" "search:\n  boost: 2\n" "---\n\n")


BIBTEX_SPECIAL = re.compile(r"([{}%&#_$\\])")


def bibtex(site: Site, site_url: str, key: str, title: str, url: str, pid: str = "") -> str:
    """A BibTeX @misc entry naming the version and, for a record, the annex paragraph."""
    def b(text: str) -> str:
        return BIBTEX_SPECIAL.sub(r"\\\1", squash(text))
    doc = site.document
    where = f", paragraph {pid}" if pid else ""
    ident = re.sub(r"[^a-z0-9]+", "_", f"amiens_annex_{key}_v{site.version}".lower())
    return (f"@misc{{{ident},\n  title = {{{{{b(title)}}}}},\n"
            f"  author = {{{{Amiens annex open data contributors}}}},\n"
            f"  year = {{{site.descriptor.get('created', '')[:4]}}},\n  version = {{{b(site.version)}}},\n"
            f"  howpublished = {{\\url{{{site_url}{url}}}}},\n"
            f"  note = {{{b(doc['event'])}, {b(doc['place'])}, {b(long_date(doc['date']))}: {b(doc['title'])}{b(where)}}}\n}}")


def cite_block(site: Site, site_url: str, kind: str, record_id: str, title: str, pid: str, url: str) -> str:
    plain = citation(site, site_url, kind, record_id, pid, url)
    bib = bibtex(site, site_url, record_id, f"{kind}: {title}", url, pid)
    # Kept out of the search index: the same words on every record page would drown results.
    return (f'<h2 id="cite" data-search-exclude>Cite this</h2><div data-search-exclude><p>As text:</p>'
            f'<pre class="citation"><code>{e(plain)}</code></pre>'
            f'<p>As BibTeX:</p><pre class="citation"><code>{e(bib)}</code></pre></div>')


def figure_page(site: Site, fid: str, site_url: str, repo_url: str = "") -> str:
    f = site.figures[fid]
    url = figure_url(fid)
    related = site.commitments_for_figure(fid)
    facts = dl([
        ("As stated", e(f["as_stated"])),
        ("Value", f"{e(format_number(float(f['value'])))} {e(f['unit'])}"),
        ("Qualifier", e(label(f["qualifier"]))),
        ("Period", e(f["period"]) or "not stated"),
        ("Period as stated", e(f["period_as_stated"])),
        ("Actor", e(ACTOR_LABELS[f["actor"]]) if f["actor"] in ACTOR_LABELS else e(f["actor"])),
        ("Status", e(label(f["status"]))),
        ("Measure", e(label(f["measure"]))),
        ("Paragraph", f'<a href="{rel(url, paragraph_url(f["paragraph_id"]))}">{e(f["paragraph_id"])}</a>'),
        ("Note", e(f["note"])),
        ("Identifier", f"<code>{e(fid)}</code>"),
    ])
    rel_html = "".join(f'<li><a href="{rel(url, commitment_url(c["commitment_id"]))}">{e(c["summary"])}</a></li>'
                       for c in related)
    body = (f'<h1>{e(f["as_stated"])}: {e(f["metric"])}</h1>'
            + quote_in_context(site, f["paragraph_id"], f["quote"], url) + facts
            + (f'<h2 id="related">Related commitments</h2><ul>{rel_html}</ul>' if related else "")
            + cite_block(site, site_url, "Figure", fid, f"{f['as_stated']}: {f['metric']}", f["paragraph_id"], url)
            + edit_links(site, repo_url, "figures", fid, url))
    return front_matter(f"{f['as_stated']}: {f['metric']}", f"{f['metric']}: {f['as_stated']} (annex paragraph {f['paragraph_id']})") + \
        f'<div class="record record--figure">{one_line(body)}</div>\n'


def commitment_page(site: Site, cid: str, site_url: str, repo_url: str = "") -> str:
    c = site.commitments[cid]
    url = commitment_url(cid)
    n = site.commitment_numbers[cid]
    figs = site.figures_for_commitment(c)
    strength, _, _, meaning = STRENGTHS.get(c["strength"], (c["strength"], "", "", ""))
    parent = site.commitments.get(c["part_of"]) if c["part_of"] else None
    parts = site.parts(cid)
    link = lambda r: (f'<a href="{rel(url, commitment_url(r["commitment_id"]))}">'  # noqa: E731
                      f'C{site.commitment_numbers[r["commitment_id"]]}</a>')
    facts = dl([
        ("Strength", f'<strong class="strength strength--{e(c["strength"])}">{e(strength)}</strong>: {e(meaning)}'),
        ("Operative phrase", f"“{e(c['operative_phrase'])}”"),
        ("Who is bound", e(ACTOR_LABELS.get(c["actor"], c["actor"]))),
        *([("Part of", f'{link(parent)}: {e(parent["summary"])}')] if parent else []),
        *([("Its parts", ", ".join(link(p) for p in parts) + ". The commitment is counted once, with its parts.")]
          if parts else []),
        ("Theme", e(THEME_LABELS.get(c["theme"], c["theme"]))),
        ("Type", e(label(c["type"]))),
        ("Timeframe", e(c["timeframe_as_stated"] or c["timeframe"]) or "not stated"),
        ("Paragraph", f'<a href="{rel(url, paragraph_url(c["paragraph_id"]))}">{e(c["paragraph_id"])}</a>'),
        ("Identifier", f"<code>{e(cid)}</code>"),
    ])
    fig_html = "".join(f'<li><a href="{rel(url, figure_url(f["figure_id"]))}">{e(f["as_stated"])}</a>: {e(f["metric"])}</li>'
                       for f in figs)
    title = f"Commitment {n}: {strength.lower()}" + (f", part of C{site.commitment_numbers[parent['commitment_id']]}"
                                                      if parent else "")
    # The annex's words first, its operative phrase in bold; our plain-English reading once, after.
    body = (f"<h1>{e(title)}</h1><h2 id=\"annex-words\">What the annex says</h2>"
            + quote_in_context(site, c["paragraph_id"], c["quote"], url, c["operative_phrase"]) + facts
            + f'<p class="record-summary"><strong>In plain English (our reading):</strong> {e(c["summary"])}</p>'
            + (f'<h2 id="figures">Related figures</h2><ul>{fig_html}</ul>' if figs else "")
            + followup_section(site, cid) + amounts_section(site, cid)
            + cite_block(site, site_url, "Commitment", cid, c["summary"], c["paragraph_id"], url)
            + edit_links(site, repo_url, "commitments", cid, url))
    return front_matter(f"Commitment {n} ({strength.lower()}): {c['summary']}", c["summary"]) + \
        f'<div class="record record--commitment">{one_line(body)}</div>\n'


def term_page(site: Site, tid: str, site_url: str, repo_url: str = "") -> str:
    t = site.terms[tid]
    url = term_url(tid)
    ref = (f'<a href="{e(t["reference_url"])}">{e(t["reference"])}</a>' if t["reference_url"] else e(t["reference"]))
    facts = dl([("Stands for", e(t["expansion"])), ("Kind", e(label(t["kind"]))),
                ("First named in", f'<a href="{rel(url, paragraph_url(t["paragraph_id"]))}">paragraph {e(t["paragraph_id"])}</a>'),
                ("Reference", ref)])
    body = (f"<h1>{e(t['term'])}</h1><p>{e(t['definition'])}</p>" + facts
            + f'<p><a href="{rel(url, "glossary/")}">All terms</a></p>' + edit_links(site, repo_url, "terms", tid, url))
    return front_matter(t["term"], t["definition"]) + f'<div class="record record--term">{one_line(body)}</div>\n'


def edit_links(site: Site, repo_url: str, table: str, key: str, page_url: str) -> str:
    """Plain links to the record's CSV row on GitHub: no API call, no script."""
    line = site.lines.get((table, key))
    if not repo_url or not line:
        return ""
    path = f"datapackage/data/{table}.csv"
    return (f'<h2 id="edit" data-search-exclude>Correct this record</h2><p class="edit-data" data-search-exclude>'
            f'<a href="{e(repo_url)}/edit/main/{path}">Edit this data</a> ({e(table)}.csv, line {line}) · '
            f'<a href="{e(repo_url)}/blob/main/{path}#L{line}">View the row</a> · '
            f'<a href="{rel(page_url, "correct/")}">How to correct the data</a></p>')


def status_badge(status: str) -> str:
    return f'<span class="status status--{e(status)}">{e(STATUS_LABELS.get(status, status))}</span>'


def followup_source(f: dict[str, str]) -> str:
    """The source of one piece of evidence, its kind and our confidence; a search names what it covered."""
    if f["status"] == "no_evidence_found":
        return f'<span class="followup-source">{e(f["source_title"])}, {e(long_date(f["date"]))}.</span>'
    likely = " (likely: one secondary source)" if f["confidence"] == "likely" else ""
    return (f'<span class="followup-source">Source: <a href="{e(f["source_url"])}">{e(f["source_title"])}</a> '
            f'({e(SOURCE_KIND_LABELS.get(f["source_kind"], f["source_kind"]))}; '
            f'<span class="confidence confidence--{e(f["confidence"])}">{e(f["confidence"])}{e(likely)}</span>).</span>')


def followup_section(site: Site, cid: str) -> str:
    """Current status, as of its date, and the dated evidence trail: our assessment, kept apart from
    the annex's words above it."""
    status, latest = site.status(cid)
    head = ('<h2 id="what-happened-next">What happened next</h2><p class="followup-note">Our assessment, '
            "from sources published after the annex. It is not part of the annex.</p>")
    items = "".join(
        f'<li id="followup-{e(f["followup_id"])}"><time datetime="{e(f["date"])}">{e(long_date(f["date"]))}</time>: '
        f'{status_badge(f["status"])} {e(f["what_happened"])} '
        + (f'<span class="followup-actor">Who acted: {e(ACTOR_LABELS.get(f["actor"], f["actor"]))}.</span> '
           if f["actor"] != "none" else "")
        + followup_source(f)
        + (f' <span class="followup-note-text">Note: {e(f["note"])}</span>' if f["note"] else "") + "</li>"
        for f in site.followups(cid))
    return head + (f'<p class="followup-current"><strong>Current status:</strong> {status_badge(status)}, as of '
                   f'<time datetime="{e(latest["date"])}">{e(long_date(latest["date"]))}</time>. '
                   f'{e(STATUS_MEANINGS.get(status, ""))}</p><ol class="followup-trail" data-search-exclude>{items}</ol>')


def amounts_section(site: Site, cid: str) -> str:
    """UK money over time from later sources, where the evidence gives it: a chart where there is
    something to compare, and every amount with its source either way."""
    rows = sorted(site.amounts(cid), key=lambda a: a["period"])
    if not rows:
        return ""
    built = charts_mod.amounts(site, cid)
    items = "".join(
        f'<li id="amount-{e(a["amount_id"])}"><strong>{e(a["as_stated"])}</strong> ({e(a["kind"])}, '
        f'{e(a["period_as_stated"] or a["period"])}): {e(a["what"])} Source: <a href="{e(a["source_url"])}">'
        f'{e(a["source_title"])}</a> ({e(SOURCE_KIND_LABELS.get(a["source_kind"], a["source_kind"]))}; '
        f'{e(a["confidence"])}).' + (f" Note: {e(a['note'])}" if a["note"] else "") + "</li>" for a in rows)
    # Kept out of the search index, like the evidence trail: every page would otherwise carry its sources' words.
    return ('<h2 id="money-over-time" data-search-exclude>Money over time (context from later sources)</h2>'
            '<div data-search-exclude><p class="followup-note">Amounts that later parliamentary answers and reports give, each as its source '
            "states it. They are context, not part of the annex, and not a total: a pledge is not a payment.</p>"
            + (chart_html(built) if built else "") + f'<ul class="amounts">{items}</ul></div>')


def atom_feed(site: Site, site_url: str) -> bytes:
    """An Atom feed of the follow-up evidence, newest first (built with ElementTree: always escaped)."""
    import xml.etree.ElementTree as ET
    ns = "http://www.w3.org/2005/Atom"
    ET.register_namespace("", ns)
    rows = sorted(site.rows("followups"), key=lambda f: (f["date"], f["followup_id"]), reverse=True)
    feed = ET.Element(f"{{{ns}}}feed")

    def add(parent, tag, text=None, **attrs):
        el = ET.SubElement(parent, f"{{{ns}}}{tag}", attrs)
        el.text = text
        return el
    add(feed, "title", "Amiens 2016 migration annex: what happened next")
    add(feed, "id", f"{site_url}feed.xml")
    add(feed, "link", rel="self", href=f"{site_url}feed.xml")
    add(feed, "link", href=site_url)
    add(feed, "updated", f"{rows[0]['date'] if rows else site.document['date']}T00:00:00Z")
    add(add(feed, "author"), "name", "Amiens annex open data contributors")
    for f in rows:
        c = site.commitments.get(f["commitment_id"], {})
        entry = add(feed, "entry")
        add(entry, "title", f"{STATUS_LABELS.get(f['status'], f['status'])}: {c.get('summary', f['commitment_id'])}")
        add(entry, "id", f"{site_url}{commitment_url(f['commitment_id'])}#followup-{f['followup_id']}")
        add(entry, "link", href=f"{site_url}{commitment_url(f['commitment_id'])}#followup-{f['followup_id']}")
        add(entry, "updated", f"{f['date']}T00:00:00Z")
        source = f"Source: {f['source_title']}, {f['source_url']}" if f["source_url"] else f["source_title"]
        add(entry, "summary", f"{f['what_happened']} Who acted: {ACTOR_LABELS.get(f['actor'], f['actor'])}. {source} "
                              f"({f['confidence']}).")
    ET.indent(feed)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="utf-8") + b"\n"


RECORD_PAGES = {"figures": (figure_url, figure_page), "commitments": (commitment_url, commitment_page),
                "terms": (term_url, term_page)}


# -- index pages ------------------------------------------------------------------------------
def figures_table(site: Site, page_url: str) -> str:
    rows = [[f'<a href="{rel(page_url, figure_url(f["figure_id"]))}">{e(f["as_stated"])}</a>', e(f["metric"]),
             f'<span data-sort-value="{e(f["value"])}">{e(format_number(float(f["value"])))}</span>', e(f["unit"]),
             e(label(f["qualifier"])), e(f["period_as_stated"] or f["period"]),
             f'<a href="{rel(page_url, paragraph_url(f["paragraph_id"]))}">{e(f["paragraph_id"])}</a>']
            for f in site.rows("figures")]
    return one_line(table(["As stated", "What", "Value", "Unit", "Qualifier", "Period", "Paragraph"], rows,
                          caption=f"All {len(rows)} figures in the annex", attrs='data-sortable data-search-exclude id="figures-table"'))


def commitments_table(site: Site, page_url: str) -> str:
    rows, attrs = [], []
    numbers = site.commitment_numbers
    for c in site.rows("commitments"):
        status = site.status(c["commitment_id"])[0]
        n = numbers[c["commitment_id"]]
        part = (f'<span class="part-of">Part of C{numbers[c["part_of"]]}.</span> '
                if c["part_of"] in numbers else "")
        rows.append([f'<a href="{rel(page_url, commitment_url(c["commitment_id"]))}">C{n}</a>', part + e(c["summary"]),
                     e(STRENGTH_LABELS.get(c["strength"], c["strength"])),
                     e(ACTOR_LABELS.get(c["actor"], c["actor"])), e(THEME_LABELS.get(c["theme"], c["theme"])),
                     status_badge(status),
                     f'<a href="{rel(page_url, paragraph_url(c["paragraph_id"]))}">{e(c["paragraph_id"])}</a>'])
        attrs.append(f'data-strength="{e(c["strength"])}" data-actor="{e(c["actor"])}" data-theme="{e(c["theme"])}" '
                     f'data-status="{e(status)}"')
    filters = json.dumps({"strength": {v: STRENGTH_LABELS.get(v, v) for v in site.enum("commitments", "strength")},
                          "actor": {v: ACTOR_LABELS.get(v, v) for v in site.enum("commitments", "actor")},
                          "theme": {v: THEME_LABELS.get(v, v) for v in site.enum("commitments", "theme")},
                          "status": {v: STATUS_LABELS.get(v, v) for v in site.status_counts()}})
    return one_line(table(["#", "Commitment (our plain-English reading)", "Strength", "Who is bound", "Theme", "Status",
                           "Paragraph"], rows,
                          caption=f"All {len(rows)} rows: {len(site.top_level)} commitments and their parts",
                          attrs=f'data-sortable data-search-exclude data-filters="{e(filters)}" id="commitments-table"',
                          row_attrs=attrs))


def glossary(site: Site, page_url: str) -> str:
    out = []
    for t in sorted(site.rows("terms"), key=lambda t: t["term"].lower()):
        out.append(f"## {md(t['term'])} {{#term-{t['term_id']}}}")
        exp = f"<p><strong>{e(t['expansion'])}</strong></p>" if t["expansion"] else ""
        out.append(f'<div class="glossary-entry">{exp}<p>{e(t["definition"])}</p><p>'
                   f'<a href="{rel(page_url, term_url(t["term_id"]))}">More on {e(t["term"])}</a> · '
                   f'first named in <a href="{rel(page_url, paragraph_url(t["paragraph_id"]))}">paragraph {e(t["paragraph_id"])}</a></p></div>')
    return "\n\n".join(out) + "\n"


def timeline(site: Site, page_url: str) -> str:
    out = []
    for ev in site.events:
        out.append(f"## {md(long_date(ev['date']))}: {md(ev['description'])} {{#event-{ev['event_id']}}}")
        note = ""
        if ev["note"]:
            sources = " ; ".join(f'<a href="{e(s.split()[0])}">{e(s)}</a>' if s.startswith("https://") else e(s)
                                 for s in (x.strip() for x in ev["note_source"].split(" ; ")) if s)
            kind = {"correction": "Correction", "ambiguity": "Ambiguity", "context": "Context"}[ev["note_type"]]
            note = (f'<div class="admonition {"warning" if ev["note_type"] == "correction" else "note"}">'
                    f'<p class="admonition-title">{kind}</p><p>{e(ev["note"])}</p>'
                    + (f'<p class="timeline-source">Source: {sources}</p>' if sources else "") + "</div>")
        out.append(f'<div class="timeline-entry"><p><strong>The annex says:</strong> “{e(ev["as_stated"])}” — '
                   f'<q>{e(squash(ev["quote"]))}</q> (<a href="{rel(page_url, paragraph_url(ev["paragraph_id"]))}">paragraph {e(ev["paragraph_id"])}</a>)</p>{note}</div>')
    return "\n\n".join(out) + "\n"


def chart(site: Site, chart_id: str) -> str:
    return chart_html(charts_mod.build(site, chart_id))


def chart_html(c) -> str:
    """A chart's figure: caption with its summary, the canvas site.js draws, and its data table."""
    cells = [[e(v) for v in row] for row in c.rows]
    return one_line(
        f'<figure class="chart" id="figure-{c.chart_id}">'
        f'<figcaption><strong>{e(c.title)}.</strong> <span class="chart-summary">{e(c.summary)}</span></figcaption>'
        # The spec rides in an attribute: instant navigation re-runs <script> elements as code.
        f'<div class="chart-canvas" id="chart-{c.chart_id}" data-chart="{e(c.spec())}" role="group" tabindex="0" '
        f'style="min-height:{int(c.figure.layout.height or 360)}px" '
        f'aria-label="{e(c.title)}. {e(c.summary)}" hidden></div>'
        + table([e(x) for x in c.columns], cells, caption=f"Data for the chart: {e(c.title)}", attrs='data-kind="chart-data"')
        + "</figure>")


def chart_tabs(site: Site, chart_ids: list[str], group: int = 1) -> str:
    """Charts in material's content tabs (its own markup, so the tabs work without JavaScript)."""
    built = {cid: charts_mod.build(site, cid) for cid in chart_ids}
    inputs = "".join(f'<input {"checked " if i == 0 else ""}id="__tabbed_{group}_{i + 1}" name="__tabbed_{group}" type="radio">'
                     for i in range(len(chart_ids)))
    labels = "".join(f'<label for="__tabbed_{group}_{i + 1}">{e(built[cid].title)}</label>' for i, cid in enumerate(chart_ids))
    blocks = "".join(f'<div class="tabbed-block">{chart(site, cid)}</div>' for cid in chart_ids)
    return (f'<div class="tabbed-set tabbed-alternate" data-tabs="{group}:{len(chart_ids)}">{inputs}'
            f'<div class="tabbed-labels">{labels}</div><div class="tabbed-content">{blocks}</div></div>')


def key_figures(site: Site, page_url: str) -> str:
    cards = "".join(
        f'<li><a href="{rel(page_url, figure_url(f["figure_id"]))}"><span class="key-figure__value">{e(f["as_stated"])}</span>'
        f'<span class="key-figure__label">{e(f["metric"])}'
        + (f' ({e(f["period_as_stated"] or f["period"])})' if f["period_as_stated"] or f["period"] else "")
        + '</span></a></li>'
        for f in site.rows("figures") if f["status"] != "current" and f["measure"] != "personnel" or f["measure"] == "funding")
    return f'<ul class="key-figures">{cards}</ul>'


def data_dictionary(site: Site) -> str:
    out = []
    for r in site.descriptor["resources"]:
        out.append(f"### {md(r.get('title', r['name']))} (`{e(r['name'])}`) {{#dictionary-{r['name']}}}")
        rows = []
        for f in r["schema"]["fields"]:
            cons = f.get("constraints", {})
            text = "; ".join(f"{k}: {', '.join(map(str, v)) if isinstance(v, list) else v}" for k, v in cons.items())
            rows.append([f"<code>{e(f['name'])}</code>", e(f["type"]) + (f" ({e(f['format'])})" if f.get("format") else ""),
                         "yes" if cons.get("required") else "no", e(text), e(f.get("description", ""))])
        keys = f"Primary key: {', '.join(r['schema'].get('primaryKey', []))}."
        for fk in r["schema"].get("foreignKeys", []):
            keys += f" Foreign key: {', '.join(fk['fields'])} → {fk['reference']['resource']}."
        out.append(f'<p>{e(r.get("description", ""))} {e(keys)}</p>')
        out.append(one_line(table(["Field", "Type", "Required", "Constraints", "Description"], rows,
                                  caption=f"Fields of {e(r['name'])}.csv", attrs=f'data-kind="dictionary" data-search-exclude id="fields-{e(r["name"])}"')))
    return "\n\n".join(out) + "\n"


def downloads(site: Site, page_url: str) -> str:
    def link(path: str, text: str) -> str:
        return f'<a href="{e(rel(page_url, "data/latest/" + path))}" download>{e(text)}</a>'
    rows = [[e(r.get("title", r["name"])),
             link(r["path"], "CSV") + " · " + link(r["path"].rsplit(".", 1)[0] + ".json", "JSON"),
             str(len(site.rows(r["name"]))), e(r.get("description", ""))] for r in site.descriptor["resources"]]
    v = site.version
    rows += [["Workbook", link(f"amiens-annex-v{v}.xlsx", f"amiens-annex-v{v}.xlsx"), "",
              "Every table as a sheet, with a README sheet: source, licence, version, citation."],
             ["Evidence pack", link(f"amiens-annex-v{v}.zip", f"amiens-annex-v{v}.zip"), "",
              "The CSVs, datapackage.json, the source text, README, licence, CITATION.cff, changelog and SHA256SUMS."],
             ["Descriptor", link("datapackage.json", "datapackage.json"), "",
              "The Frictionless data package descriptor: schemas, sources, licence, bytes and hash of every file."],
             ["Checksums", link("SHA256SUMS", "SHA256SUMS"), "", "SHA-256 of every download, for sha256sum -c."]]
    return one_line(table(["Resource", "Download", "Rows", "What it holds"], rows,
                          caption=f"Downloads, version {e(v)}", attrs='data-kind="downloads"'))


def changelog(entries) -> str:
    """The changelog page: each version, newest first, with its row-level changes (escaped)."""
    out = []
    for entry in entries:
        anchor = re.sub(r"[^0-9a-z]+", "-", entry.version.lower())  # an attr-list id takes no spaces or quotes
        out.append(f"## {md(entry.version)}{' (unreleased)' if not entry.tag else ''} {{#v{anchor}}}")
        if entry.first:
            out.append("<p>First published version.</p>")
        elif not entry.resources and not entry.package:
            out.append("<p>No change to the data.</p>")
        if entry.package and not entry.first:
            out.append(one_line("<h3>Package</h3><ul>" + "".join(f"<li>{e(x)}</li>" for x in entry.package) + "</ul>"))
        for res in entry.resources:
            items = []
            for row in res.rows:
                detail = ""
                if row.kind == "changed":
                    detail = "<ul>" + "".join(f"<li><code>{e(f)}</code>: <del>{e(a)}</del> → <ins>{e(b)}</ins></li>"
                                              for f, a, b in row.cells) + "</ul>"
                items.append(f"<li>{e(row.kind)} <code>{e(', '.join(row.key))}</code>{detail}</li>")
            schema = "".join(f"<li>schema: {e(x)}</li>" for x in res.schema)
            out.append(one_line(f"<h3>{e(res.name)}</h3><ul>{schema}{''.join(items)}</ul>"))
    return "\n\n".join(out) + "\n"


def versions_table(entries, page_url: str) -> str:
    rows = [[e(x.version), f'<a href="{e(rel(page_url, f"data/{x.tag}/"))}">/data/{e(x.tag)}/</a>'] for x in entries if x.tag]
    if not rows:
        return "<p>No version has been released yet: the downloads above are the current build.</p>"
    return one_line(table(["Version", "Frozen address"], rows, caption="Released versions", attrs='data-kind="versions"'))


def dataset_jsonld(site: Site, site_url: str, modified: str) -> str:
    """schema.org Dataset metadata for search engines; `<` escaped inside the script."""
    base = f"{site_url}data/latest/"
    dist = [{"@type": "DataDownload", "name": r["name"], "encodingFormat": fmt, "contentUrl": base + r["path"].rsplit(".", 1)[0] + ext}
            for r in site.descriptor["resources"] for fmt, ext in (("text/csv", ".csv"), ("application/json", ".json"))]
    dist += [{"@type": "DataDownload", "name": "Workbook", "encodingFormat":
              "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "contentUrl": f"{base}amiens-annex-v{site.version}.xlsx"},
             {"@type": "DataDownload", "name": "Evidence pack", "encodingFormat": "application/zip",
              "contentUrl": f"{base}amiens-annex-v{site.version}.zip"},
             {"@type": "DataDownload", "name": "Data package descriptor", "encodingFormat": "application/json",
              "contentUrl": f"{base}datapackage.json"}]
    doc = site.document
    data = {"@context": "https://schema.org", "@type": "Dataset", "name": site.descriptor["title"],
            "description": site.descriptor["description"], "url": f"{site_url}data/",
            "license": site.descriptor["licenses"][0]["path"], "version": site.version, "dateModified": modified,
            "keywords": site.descriptor.get("keywords", []), "isAccessibleForFree": True,
            "creator": {"@type": "Organization", "name": "Amiens annex open data contributors"},
            "distribution": dist,
            "isBasedOn": {"@type": "CreativeWork", "name": f"{doc['event']}: {doc['title']}",
                          "datePublished": doc["date"], "locationCreated": doc["place"]}}
    text = json.dumps(data, ensure_ascii=False, sort_keys=True).replace("<", "\\u003c")
    return f'<script type="application/ld+json">{text}</script>'

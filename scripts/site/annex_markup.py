"""The annex marked up: every figure, date, term and commitment in its words linked to its record.

The one piece of page-building kept in Python, because it is an algorithm (nested marks over
character spans), not a layout: the documented exception to the markup policy (CONTRIBUTING.md),
under which every other page fragment comes from a template. Text is escaped by scripts/escape.py
and every mark is `Markup` built with `Markup.format`, which escapes its arguments: data cannot
become markup by construction.
"""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup

from scripts.escape import html_text
from scripts.escape import markdown_page as md  # data on a Markdown line: render.py and templates use it
from scripts.intake.annex_text import find_in_spans, squash
from scripts.intake.quantities import find_phrase
from scripts.model.derive import Site
from scripts.model.links import commitment_url, event_url, figure_url, paragraph_url, rel, term_url


@dataclass
class Mark:
    start: int
    end: int
    open: Markup
    close: Markup
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
            strength = site.label("commitments", "strength", c["strength"])
            ref = Markup(
                '<a class="annex-ref annex-ref--{0}" href="{1}" aria-label="C{2} {3}: {4}, {5}">'
                'C{2} <span class="annex-strength">{3}</span></a>'
            ).format(
                c["strength"],
                rel(page_url, commitment_url(c["commitment_id"])),
                n,
                strength.lower(),
                # The methodology's two categories: a commitment by the UK and/or France, or a
                # statement that binds no one.
                "a statement that binds no one" if site.is_expectation(c["commitment_id"]) else "a commitment",
                c["summary"],
            )
            # A part's quote may start with the phrase that governs it ("will be used for … (ii)"):
            # only its own words, the last fragment, are marked.
            marks.append(
                Mark(
                    *spans[-1],
                    Markup('<mark class="annex-commitment annex-commitment--{}" id="c-{}">').format(
                        c["strength"], c["commitment_id"]
                    ),
                    Markup("</mark><sup>{}</sup>").format(ref),
                    container=True,
                )
            )
    for name, field, url, cls in (
        ("figures", "as_stated", figure_url, "figure"),
        ("events", "as_stated", None, "date"),
    ):
        for r in site.in_paragraph(name, pid):
            span = site.quote_span(pid, r["quote"])
            at = find_phrase(squash(r["quote"]), squash(r[field])) if span else -1
            if at < 0:
                continue
            start = span[0] + at
            if name == "figures":
                open_ = Markup('<a class="annex-mark annex-mark--figure" href="{}" title="{}">').format(
                    rel(page_url, url(r["figure_id"])), r["metric"]
                )
                close = Markup("</a>")
            else:
                note = f" (note: {r['note']})" if r["note_type"] == "correction" else ""
                open_ = Markup(
                    '<a class="annex-mark annex-mark--date" href="{}" title="{}"><time datetime="{}">'
                ).format(
                    rel(page_url, event_url(r["event_id"], site.event_position[r["event_id"]])),
                    r["description"] + note,
                    r["date"],
                )
                close = Markup("</time></a>" + ('<sup class="annex-flag">corrected</sup>' if note else ""))
            marks.append(Mark(start, start + len(squash(r[field])), open_, close))
    for t in site.rows("terms"):
        # Each term's first free use in the paragraph, so the text stays readable.
        title = f"{t['expansion']}: {t['definition']}" if t["expansion"] else t["definition"]
        pos = find_phrase(text, t["term"])
        while pos >= 0:
            # The title sits on the link, which takes focus: material shows it on hover and focus.
            marks.append(
                Mark(
                    pos,
                    pos + len(t["term"]),
                    Markup('<a class="annex-mark annex-mark--term" href="{}" title="{}"><abbr>').format(
                        rel(page_url, term_url(t["term_id"])), title
                    ),
                    Markup("</abbr></a>"),
                    once=t["term_id"],
                )
            )
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
            (not k.container and _overlap(k, m)) or (k.container and _overlap(k, m) and not _inside(m, k)) for k in kept
        ):
            continue
        kept.append(m)
    return kept


def _emit(text: str, lo: int, hi: int, marks: list[Mark]) -> Markup:
    out, pos = [], lo
    for m in sorted((m for m in marks if lo <= m.start and m.end <= hi and not m.container), key=lambda m: m.start):
        out += [html_text(text[pos : m.start]), m.open, html_text(text[m.start : m.end]), m.close]
        pos = m.end
    return Markup("").join(out + [html_text(text[pos:hi])])


def render_marked(text: str, lo: int, hi: int, marks: list[Mark]) -> Markup:
    """text[lo:hi] with the marks applied; the text is escaped, only the marks are markup."""
    out, pos = [], lo
    for c in sorted((m for m in marks if m.container and lo <= m.start and m.end <= hi), key=lambda m: m.start):
        out += [_emit(text, pos, c.start, marks), c.open, _emit(text, c.start, c.end, marks), c.close]
        pos = c.end
    return Markup("").join(out + [_emit(text, pos, hi, marks)])


def paragraph_body(site: Site, pid: str, page_url: str, start: int = 0) -> Markup:
    """The paragraph as HTML: its first line a <p>, bulleted lines a list, marks applied."""
    lines = site.paragraphs[pid]["text"].split("\n")
    text = " ".join(lines)
    marks = _accept(paragraph_marks(site, pid, page_url))
    parts, offset, bullets = [], 0, []
    for line in lines:
        lo, hi = max(offset, start), offset + len(line)
        if lo < hi:
            if line.startswith("- "):
                bullets.append(Markup("<li>{}</li>").format(render_marked(text, lo + 2, hi, marks)))
            else:
                parts.append(Markup("<p>{}</p>").format(render_marked(text, lo, hi, marks)))
        offset = hi + 1
    if bullets:
        parts.append(Markup('<ul class="annex-bullets">{}</ul>').format(Markup("").join(bullets)))
    return Markup("").join(parts)


def annex(site: Site, page_url: str) -> Markup:
    """The whole annex: Markdown headings (for the table of contents and search) and HTML."""
    out = []
    for p in site.paragraphs.values():
        pid = p["paragraph_id"]
        if pid == "title":
            out.append(
                Markup('<div class="annex-title" id="para-title">{}</div>').format(paragraph_body(site, pid, page_url))
            )
        elif p["paragraph_id"] == p["section"]:
            out.append(Markup("## {}. {} {{#para-{}}}").format(pid, md(p["heading"]), pid))
            intro = paragraph_body(site, pid, page_url, start=len(squash(p["heading"])) + 1)
            if intro:
                out.append(Markup('<div class="annex-para">{}</div>').format(intro))
        else:
            out.append(Markup("### {} {{#para-{}}}").format(pid, pid))
            out.append(
                Markup('<div class="annex-para" data-page="{}">{}</div>').format(
                    p["page"], paragraph_body(site, pid, page_url)
                )
            )
    return Markup("\n\n").join(out) + Markup("\n")


def quote_in_context(site: Site, pid: str, quote: str, page_url: str, phrase: str = "") -> Markup:
    """The paragraph with the quote highlighted (each fragment), the operative phrase in bold
    within it, and a link to the paragraph in the annex."""
    text = squash(site.paragraphs[pid]["text"])
    spans = site.quote_spans(pid, quote) or []
    bold = find_in_spans(text, spans, phrase) if phrase else None
    marks = [Mark(a, b, Markup("<mark>"), Markup("</mark>"), container=True) for a, b in spans]
    if bold:
        marks.append(Mark(*bold, Markup('<strong class="operative-phrase">'), Markup("</strong>")))
    body = render_marked(text, 0, len(text), _accept(marks))
    return Markup(
        '<blockquote class="record-quote" data-search-exclude><p>{}</p><p class="record-quote__source">'
        'Annex on migration, <a href="{}">paragraph {}</a></p></blockquote>'
    ).format(body, rel(page_url, paragraph_url(pid)), pid)

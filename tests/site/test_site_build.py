"""The real built site: every record has its page, tables match their CSVs, builds are repeatable."""

import json
import re
from html import unescape
from html.parser import HTMLParser

import pytest
from conftest import build_site, set_cell, site_pages

from scripts import kinds
from scripts.build import site
from scripts.intake.package import load_rows
from scripts.model import links
from scripts.paths import DESCRIPTOR, PACKAGE_DIR

pytestmark = pytest.mark.build

DATA = PACKAGE_DIR / "data"


def html(site, path: str) -> str:
    return (site / path / "index.html").read_text(encoding="utf-8")


class Tables(HTMLParser):
    """Counts body rows per table id."""

    def __init__(self):
        super().__init__()
        self.rows, self.stack, self.in_body = {}, [], False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table":
            self.stack.append(attrs.get("id", ""))
            self.rows.setdefault(self.stack[-1], 0)
        elif tag == "tbody":
            self.in_body = True
        elif tag == "tr" and self.in_body and self.stack:
            self.rows[self.stack[-1]] += 1

    def handle_endtag(self, tag):
        if tag == "table" and self.stack:
            self.stack.pop()
        elif tag == "tbody":
            self.in_body = False


def table_rows(page: str) -> dict[str, int]:
    parser = Tables()
    parser.feed(page)
    return parser.rows


@pytest.mark.parametrize("kind", kinds.with_pages(), ids=lambda k: k.table)
def test_every_record_has_its_page(site_dir, kind):
    key = site().key(kind.table)
    rows = load_rows(DATA / f"{kind.table}.csv")
    assert rows and kind.address
    for row in rows:
        page = site_dir / kind.url(row[key]) / "index.html"
        assert page.exists(), page
        assert row[key] in page.read_text(encoding="utf-8")


def test_figure_page_holds_its_facts(site_dir):
    for row in load_rows(DATA / "figures.csv"):
        page = html(site_dir, f"figures/{row['figure_id']}")
        text = re.sub(r"<[^>]+>", "", page)
        assert row["as_stated"] in text and row["metric"] in text
        assert site().readable_value(row) in unescape(text)
        assert f"paragraph {row['paragraph_id']}" in text
        assert "Cite this" in page


def test_figure_headline_leads_with_the_annex_words(site_dir):
    """The annex's “£63m” first, then £63,000,000; no “Exact” for a rounded amount."""
    for row in load_rows(DATA / "figures.csv"):
        page = html(site_dir, f"figures/{row['figure_id']}")
        shown = unescape(re.sub(r"<[^>]+>", "", re.search(r'<p class="record-value">(.*?)</p>', page).group(1)))
        assert shown.startswith(site().headline_value(row)) and site().readable_value(row) in shown
    page = unescape(html(site_dir, "figures/uk-contribution-port-tunnel-security"))
    assert re.search(r'<p class="record-value">£63m <span[^>]*>£63,000,000</span></p>', page)
    assert "<title>UK contribution to securing the Port of Calais and the Channel Tunnel: £63m (£63,000,000)" in page
    assert "<dt>Qualifier</dt> <dd>None stated</dd>" in page and "Exact" not in page


def test_tables_hold_as_many_rows_as_their_csv(site_dir):
    assert table_rows(html(site_dir, "figures"))["figures-table"] == len(load_rows(DATA / "figures.csv"))
    assert table_rows(html(site_dir, "commitments"))["commitments-table"] == len(load_rows(DATA / "commitments.csv"))
    assert html(site_dir, "glossary").count('class="glossary-entry"') == len(load_rows(DATA / "terms.csv"))
    assert html(site_dir, "timeline").count('class="timeline-entry"') == len(load_rows(DATA / "events.csv"))


def test_every_schema_field_is_on_the_data_dictionary(site_dir):
    page = html(site_dir, "data")
    descriptor = json.loads(DESCRIPTOR.read_text(encoding="utf-8"))
    for resource in descriptor["resources"]:
        fields = resource["schema"]["fields"]
        assert table_rows(page)[f"fields-{resource['name']}"] == len(fields)
        section = page.split(f'id="fields-{resource["name"]}"')[1].split("</table>")[0]
        for field in fields:
            assert f"<code>{field['name']}</code>" in section, (resource["name"], field["name"])


def test_annex_page_links_every_record(site_dir):
    page = html(site_dir, "annex")
    linked = [k for k in kinds.KINDS if k.annex_link]
    assert {"figures", "commitments", "events", "terms"} <= {k.table for k in linked}
    for kind in linked:
        key = site().key(kind.table)
        for row in load_rows(DATA / f"{kind.table}.csv"):
            href = links.rel("annex/", links.record_url(kind.table, row[key], site().position(kind.table, row[key])))
            assert f'href="{href}"' in page, (kind.table, row[key])
    assert 'href="../timeline/#event-' in page and 'href="../glossary/' in page  # as a reader follows them
    for row in load_rows(DATA / "paragraphs.csv"):
        assert f'id="para-{row["paragraph_id"]}"' in page


def test_terms_are_abbreviations_site_wide(site_dir):
    """A page that names a term in its text shows the term's expansion and definition from
    terms.csv as an <abbr> title: the site's tooltip (site.js), on hover and keyboard focus."""
    terms = {t["term"]: t for t in load_rows(DATA / "terms.csv")}
    for term, path in (("Dublin III Regulation", ""), ("EU", "")):
        t = terms[term]
        title = " ".join((f"{t['expansion']}: {t['definition']}" if t["expansion"] else t["definition"]).split())
        assert f'<abbr title="{title}">{term}</abbr>' in unescape(html(site_dir, path)), (term, path)


def test_charts_are_drawn_in_the_page_with_their_spec_and_table(site_dir):
    home = html(site_dir, "")
    for chart in ("commitments", "status"):
        figure = re.search(rf'<figure class="chart" id="figure-{chart}">(.*?)</figure>', home)[1]
        # Drawn at build time, wide and narrow, theme colours as CSS variables, no random ids.
        assert figure.count('<svg aria-hidden="true"') == 2
        assert "var(--chart-fg)" in figure and "rgb(1, 2, 3)" not in figure
        assert not re.search(r'id="defs-[0-9a-f]{6}"', figure)
        spec = json.loads(unescape(re.search(rf'id="chart-{chart}" data-chart="([^"]+)"', figure)[1]))
        assert spec["config"]["showSendToCloud"] is False and spec["config"]["displaylogo"] is False
        assert 'data-kind="chart-data"' in figure
    # Two bars say no more than a sentence: the home page gives these as sentences.
    for chart in ("funding", "networks", "reception"):
        assert f'id="figure-{chart}"' not in home
    assert "The figures, compared" in home
    assert 'id="figure-networks"' in html(site_dir, "figures/networks-dismantled-2014")
    assert 'id="figure-timeline"' in html(site_dir, "timeline")
    assert "plotly" not in html(site_dir, "glossary").lower() and "<svg aria-hidden" not in html(site_dir, "glossary")


def test_plotly_is_served_locally(site_dir):
    import plotly.offline

    bundle = (site_dir / "assets/javascripts/plotly-basic.min.js").read_text(encoding="utf-8")
    assert f"v{plotly.offline.get_plotlyjs_version()}" in bundle[:300]


def test_no_third_party_resources_in_pages(site_dir, site_port):
    own = f"http://127.0.0.1:{site_port}/"
    for path in site_pages(site_dir):
        page = html(site_dir, path)
        # Outbound links (<a>) to sources are fine; anything the page loads must be its own.
        for tag in re.findall(r"<(?:script|link|img|iframe|source|video|audio)\b[^>]*>", page):
            for url in re.findall(r'(?:src|href)="((?:https?:)?//[^"]+)"', tag):
                assert url.startswith(own), (path, tag)
        assert "fonts.googleapis" not in page and "api.github.com" not in page


def test_two_builds_are_identical(tmp_path, site_dir, site_port):
    """A second build of the same checkout, at the same address, against the run's shared one."""
    a, b = site_dir, tmp_path / "b"
    assert build_site(b, f"http://127.0.0.1:{site_port}/").returncode == 0
    pages_a = sorted(p.relative_to(a) for p in a.rglob("*.html"))
    assert pages_a == sorted(p.relative_to(b) for p in b.rglob("*.html"))
    for rel in pages_a:
        assert (a / rel).read_bytes() == (b / rel).read_bytes(), rel


def test_data_text_is_rendered_as_text(tmp_path, package_copy):
    hostile = "<script>alert(1)</script> **bold** {{ config.site_name }} {% raw %} [x](http://evil)"
    set_cell(package_copy, "commitments", "2d-support-border-coast-guard", "summary", hostile)
    set_cell(package_copy, "terms", "iom", "definition", hostile)
    set_cell(package_copy, "figures", "cao-centres", "note", hostile)
    site = tmp_path / "site"
    result = build_site(site, "http://127.0.0.1:8000/", package_copy.parent)
    assert result.returncode == 0, result.stderr[-2000:]
    escaped = "&lt;script&gt;alert(1)&lt;/script&gt; **bold** {{ config.site_name }} {% raw %} [x](http://evil)"
    for page in (
        "commitments/2d-support-border-coast-guard",
        "glossary/iom",
        "figures/cao-centres",
        "commitments",
        "glossary",
    ):
        text = (site / page / "index.html").read_text(encoding="utf-8")
        assert escaped in text, page
        assert "<script>alert(1)" not in text and "<strong>bold</strong>" not in text


def test_record_pages_link_to_their_csv_row(site_dir):
    from scripts.intake.package import read_csv

    for kind in kinds.with_pages():
        table, key = kind.table, site().key(kind.table)
        for row in read_csv(DATA / f"{table}.csv"):
            page = html(site_dir, kind.url(row[key]).rstrip("/"))
            assert f'/blob/main/datapackage/data/{table}.csv#L{row.line}"' in page, (table, row[key])
            assert f'/edit/main/datapackage/data/{table}.csv"' in page
            assert "api.github.com" not in page


def test_a_build_prints_one_line(build_log):
    """Quiet output: one line per build (pages and seconds), and no warning or plugin chatter."""
    lines = [line for line in build_log.splitlines() if line.strip()]
    assert len(lines) == 1, "\n".join(lines)
    assert re.fullmatch(r"INFO\s+-\s+Built \d+ pages in \d+\.\d s into \S+", lines[0].strip()), lines[0]


def test_serving_installs_no_test_tools():
    """`make serve` installs requirements.lock only: the test tools live in requirements-test.lock."""
    from scripts.paths import ROOT

    build = (ROOT / "requirements.lock").read_text(encoding="utf-8")
    test = (ROOT / "requirements-test.lock").read_text(encoding="utf-8")
    pins = lambda text: dict(re.findall(r"^([a-z0-9._-]+)==(\S+)", text, re.M))  # noqa: E731
    for tool in ("pytest", "playwright", "hypothesis", "pandas", "ruff"):
        assert tool not in pins(build) and tool in pins(test), tool
    # Every package the build needs has the same pin in both files.
    assert {name: pins(test).get(name) for name in pins(build)} == pins(build)
    package = json.loads((ROOT / "package.json").read_text(encoding="utf-8"))
    assert list(package["dependencies"]) == ["plotly.js-basic-dist-min"]  # `npm ci --omit=dev` installs this only

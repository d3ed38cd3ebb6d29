"""One record to take away: the page of each figure and commitment (each kind with downloads, scripts/kinds.py)
links a CSV and a JSON of that record, byte for byte what the package's own files hold (the JSON with
where the record comes from); every page has share-preview tags and a permanent address to copy."""

from __future__ import annotations

import json
import re
from urllib.parse import urljoin

import pytest
from conftest import site_pages

from scripts import build, kinds
from scripts.intake.package import read_csv
from scripts.paths import DESCRIPTOR, PACKAGE_DIR

RESOURCES = json.loads(DESCRIPTOR.read_text(encoding="utf-8"))["resources"]
KEYS = {r["name"]: r["schema"]["primaryKey"][0] for r in RESOURCES}
# The kinds whose records are downloaded one by one (scripts/kinds.py): their key fields.
TABLES = {k.table: KEYS[k.table] for k in kinds.KINDS if k.downloads}


def raw_records(table: str) -> dict[str, bytes]:
    """Each row's own lines in the repository's CSV, byte for byte, by key."""
    path = PACKAGE_DIR / "data" / f"{table}.csv"
    lines = path.read_bytes().splitlines(keepends=True)
    rows = read_csv(path)
    ends = [r.line for r in rows[1:]] + [len(lines) + 1]
    return {r[TABLES[table]]: b"".join(lines[r.line - 1 : end - 1]) for r, end in zip(rows, ends, strict=True)}


@pytest.mark.parametrize("table", TABLES)
def test_record_csv_is_its_row_under_the_header(site_dir, table):
    header = (PACKAGE_DIR / "data" / f"{table}.csv").read_bytes().splitlines(keepends=True)[0]
    records = raw_records(table)
    assert records
    for key, raw in records.items():
        assert (site_dir / "data/latest/records" / table / f"{key}.csv").read_bytes() == header + raw, key


@pytest.mark.parametrize("table", TABLES)
def test_record_json_is_its_record_in_the_package_json_with_its_provenance(site_dir, base_url, table):
    package = json.loads((site_dir / "data/latest/data" / f"{table}.json").read_text(encoding="utf-8"))
    for record in package:
        key = record[TABLES[table]]
        data = json.loads((site_dir / "data/latest/records" / table / f"{key}.json").read_text(encoding="utf-8"))
        assert list(data) == ["record", "provenance"] and data["record"] == record
        about = data["provenance"]
        assert about["page"] == f"{base_url}{table}/{key}/" and about["page"] in about["citation"]
        assert about["source"].endswith(f"Annex on migration, paragraph {record['paragraph_id']}")


def test_a_figure_as_a_journalist_downloads_it_as_json(site_dir, base_url):
    """Expected output, byte for byte: the €22m figure's JSON, the record and where it comes from."""
    from scripts.model.citations import cited_version

    text = (site_dir / "data/latest/records/figures/uk-funding-calais-2016.json").read_text(encoding="utf-8")
    released = build.site().released_version
    page = f"{base_url}figures/uk-funding-calais-2016/"
    annex = "UK-France Summit (the 34th Franco-British summit), Amiens, France, 3 March 2016: Annex on migration"
    assert text == (
        "{\n"
        '  "record": {\n'
        '    "document_id": "amiens-2016-migration-annex",\n'
        '    "figure_id": "uk-funding-calais-2016",\n'
        '    "as_stated": "€22m",\n'
        '    "value": 22000000,\n'
        '    "qualifier": "exact",\n'
        '    "unit": "EUR",\n'
        '    "metric": "UK funding announced for Calais",\n'
        '    "period_as_stated": "in 2016",\n'
        '    "period": "2016",\n'
        '    "quote": "the UK is announcing today €22m for Calais in 2016",\n'
        '    "paragraph_id": "1d",\n'
        '    "actor": "UK",\n'
        '    "status": "planned",\n'
        '    "subject": "calais-2016-funding",\n'
        '    "measure": "funding",\n'
        '    "note": "Administered by the UK-France Migration Committee, according to the annex."\n'
        "  },\n"
        '  "provenance": {\n'
        f'    "page": "{page}",\n'
        f'    "table": "{base_url}data/latest/data/figures.csv",\n'
        f'    "version": "{released or "unreleased"}",\n'
        f'    "source": "{annex}, paragraph 1d",\n'
        '    "licence": "CC-BY-4.0: https://creativecommons.org/licenses/by/4.0/",\n'
        f'    "citation": "{annex}, paragraph 1d. Figure “uk-funding-calais-2016” in Amiens annex open data, '
        f'{cited_version(build.site())}. {page}"\n'
        "  }\n"
        "}\n"
    )


def test_a_figure_as_a_journalist_downloads_it(site_dir):
    """Expected output, byte for byte: the €22m figure's CSV."""
    data = (site_dir / "data/latest/records/figures/uk-funding-calais-2016.csv").read_text(encoding="utf-8")
    assert data == (
        "document_id,figure_id,as_stated,value,qualifier,unit,metric,period_as_stated,period,quote,paragraph_id,"
        "actor,status,subject,measure,note\n"
        "amiens-2016-migration-annex,uk-funding-calais-2016,€22m,22000000,exact,EUR,UK funding announced for Calais,"
        "in 2016,2016,the UK is announcing today €22m for Calais in 2016,1d,UK,planned,calais-2016-funding,funding,"
        '"Administered by the UK-France Migration Committee, according to the annex."\n'
    )


@pytest.mark.parametrize("table", TABLES)
def test_record_pages_link_their_downloads_and_permanent_address(site_dir, table):
    for key in raw_records(table):
        url = kinds.get(table).url(key)
        html = (site_dir / url / "index.html").read_text(encoding="utf-8")
        for ext in ("csv", "json"):
            href = re.search(rf'href="([^"]*records/{table}/{re.escape(key)}\.{ext})" download', html)
            assert href, (url, ext)
            assert (site_dir / urljoin(url, href[1])).is_file()
        permalink = re.search(r'<meta property="og:url" content="([^"]*)"', html)[1]
        assert permalink.endswith("/" + url)
        assert f"<code>{permalink}</code>" in html, url  # the permanent address, ready to copy


def test_every_page_has_share_preview_tags(site_dir):
    for path in site_pages(site_dir):
        html = (site_dir / path / "index.html").read_text(encoding="utf-8")
        tags = dict(re.findall(r'<meta (?:property|name)="((?:og|twitter):\w+)" content="([^"]*)"', html))
        for name in ("og:title", "og:description", "og:url", "og:type", "twitter:card"):
            assert tags.get(name), (path, name)
        assert tags["og:url"].endswith("/" + path) and tags["og:url"].startswith("http"), (path, tags["og:url"])
        assert "<" not in tags["og:title"] and "&amp;amp;" not in tags["og:title"], tags["og:title"]  # escaped once


def test_every_cited_version_resolves(site_dir):
    """A citation names a version only if /data/vX.Y.Z/ holds it; otherwise it says "unreleased"."""
    from html import unescape

    cited: dict[str, str] = {}
    for path in site_pages(site_dir):
        text = unescape((site_dir / path / "index.html").read_text(encoding="utf-8"))
        for pattern in (r"\bversion (\d+\.\d+\.\d+)", r"version = \{(\d+\.\d+\.\d+)\}", r"/data/v(\d+\.\d+\.\d+)/"):
            for version in re.findall(pattern, text):
                cited.setdefault(version, "/" + path)
    for version, where in cited.items():
        assert (site_dir / "data" / f"v{version}" / "datapackage.json").is_file(), f"{where} cites {version}"
    figure = unescape((site_dir / "figures/uk-funding-calais-2016/index.html").read_text(encoding="utf-8"))
    assert re.search(r"open data, (version \d+\.\d+\.\d+|unreleased data, built [^.]+)\. ", figure)
    assert ("unreleased data" in figure) == (build.site().released_version is None)


def test_every_chart_has_an_embed_snippet_and_page(site_dir):
    """Each chart on the site offers an <iframe> snippet; its page shows that chart alone."""
    from html import unescape

    from scripts.site.charts import CHARTS

    seen = set()
    for path in site_pages(site_dir):
        if path.startswith("embed/"):
            continue
        html = (site_dir / path / "index.html").read_text(encoding="utf-8")
        for chart_id in re.findall(r'id="chart-([a-z-]+)"', html):
            if chart_id not in CHARTS:
                continue  # a record's own chart (amounts by commitment) is shown on its record page
            snippet = re.search(rf'&lt;iframe src="([^"]*embed/{chart_id}/)" title="[^"]+"', html)
            assert snippet, (path, chart_id)
            embed = site_dir / "embed" / chart_id / "index.html"
            page = unescape(embed.read_text(encoding="utf-8"))
            assert f'id="chart-{chart_id}"' in page and "Source: " in page
            seen.add(chart_id)
    assert seen == set(CHARTS)

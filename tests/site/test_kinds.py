"""The record kinds (scripts/kinds.py) are the one place a kind is declared: a kind added to the
registry, with its table in the package and its templates, gets record pages, a list page in the
nav, and record downloads, with no other file changed; the descriptor must hold what a kind reads."""

from __future__ import annotations

import csv
import json
import os
import re
import subprocess
import sys
from html import escape
from pathlib import Path

import pytest
from conftest import assert_rejected

from scripts import kinds
from scripts.paths import DESCRIPTOR, ROOT
from scripts.site.render import TEMPLATES

# A clearly fictional kind: nothing of it is about the annex.
ROWS = [
    {
        "document_id": "amiens-2016-migration-annex",
        "review_id": "test-review-one",
        "title": "Fictional review <script>alert(1)</script> one",
        "summary": "The first made-up record, which exists only in this test.",
        "paragraph_id": "1a",
    },
    {
        "document_id": "amiens-2016-migration-annex",
        "review_id": "test-review-two",
        "title": "Fictional review two",
        "summary": "Another made-up record & nothing more.",
        "paragraph_id": "2b",
    },
]
ID = "^[a-z0-9]+(-[a-z0-9]+)*$"
RESOURCE = {
    "name": "reviews",
    "path": "data/reviews.csv",
    "title": "Reviews",
    "description": "A fictional table, for a test.",
    "schema": {
        "fields": [
            {"name": "document_id", "type": "string", "constraints": {"required": True, "maxLength": 80}},
            {
                "name": "review_id",
                "type": "string",
                "constraints": {
                    "required": True,
                    "unique": True,
                    "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$",
                    "maxLength": 80,
                },
            },
            {"name": "title", "type": "string", "constraints": {"required": True}},
            {"name": "summary", "type": "string", "constraints": {"required": True}},
            {"name": "paragraph_id", "type": "string", "constraints": {"required": True, "maxLength": 8}},
        ],
        "primaryKey": ["review_id"],
        "foreignKeys": [
            {
                "fields": ["document_id", "paragraph_id"],
                "reference": {"resource": "paragraphs", "fields": ["document_id", "paragraph_id"]},
            }
        ],
    },
    "profile": "tabular-data-resource",
    "format": "csv",
    "mediatype": "text/csv",
    "encoding": "utf-8",
}
# The registry entry and the templates, as a contributor writes them (CONTRIBUTING.md).
ENTRY = """kinds.Kind(
    "reviews",
    "review",
    address="reviews/",
    page="review_page.html",
    title="title",
    description="summary",
    records=kinds.RecordList("reviews/", "Reviews", "reviews.html", order=("summary",)),
    downloads=True,
)"""
PAGE = """{% import "macros.html" as m with context %}
<div class="record"><h1>{{ record.title }}</h1><p>{{ record.summary }}</p>
{{ m.record_downloads(url, "reviews", record.review_id) }}{{ m.cite_block(plain, bib, permalink) }}</div>"""
LIST = """{% for r in rows %}<p class="review"><a href="{{ rel(page_url, record_url('reviews', r.review_id)) }}">
{{ r.title }}</a></p>{% endfor %}"""
# Adds the entry at run time and points the templates at a folder of the test's own, then builds.
DRIVER = """import sys
from mkdocs.__main__ import cli
from scripts import kinds
from scripts.site import render
kinds.KINDS += ({entry},)
render.ENV.loader = render.OneLineLoader([{templates!r}, str(render.TEMPLATES)])
cli(["build", "--strict", "--site-dir", {site!r}])
"""


def add_reviews(descriptor: Path) -> None:
    data = json.loads(descriptor.read_text(encoding="utf-8"))
    data["resources"].append(RESOURCE)
    descriptor.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    with open(descriptor.parent / RESOURCE["path"], "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(ROWS[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(ROWS)


@pytest.mark.build
def test_a_kind_is_its_data_its_registry_entry_and_its_templates(package_copy, tmp_path):
    add_reviews(package_copy)
    templates, site = tmp_path / "templates", tmp_path / "site"
    templates.mkdir()
    (templates / "review_page.html").write_text(PAGE, encoding="utf-8")
    (templates / "reviews.html").write_text(LIST, encoding="utf-8")
    driver = DRIVER.format(entry=ENTRY, templates=str(templates), site=str(site))
    env = {
        **os.environ,
        "ANNEX_DATAPACKAGE": str(package_copy.parent),
        "SITE_URL": "https://example.org/",
        "NO_MKDOCS_2_WARNING": "1",
    }
    result = subprocess.run(
        [sys.executable, "-c", driver], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert re.fullmatch(r"INFO\s+-\s+Built \d+ pages in \S+ s into \S+", result.stderr.strip()), result.stderr
    for row in ROWS:
        page = (site / "reviews" / row["review_id"] / "index.html").read_text(encoding="utf-8")
        assert f"<h1>{escape(row['title'], quote=False)}</h1>" in page  # escaped by construction
        assert escape(row["summary"], quote=False) in page and "<script>alert" not in page
        assert f"Review “{row['review_id']}”" in page  # cited as its kind
        for ext in ("csv", "json"):
            assert (site / "data/latest/records/reviews" / f"{row['review_id']}.{ext}").is_file()
    listed = (site / "reviews" / "index.html").read_text(encoding="utf-8")
    found = re.findall(r'<p class="review"><a href="([^"]+)">', listed)
    assert found == ["test-review-two/", "test-review-one/"], found  # in its order, by summary
    home = (site / "index.html").read_text(encoding="utf-8")
    assert re.search(r'<a href="reviews/" class="md-nav__link">\s*<span class="md-ellipsis">\s*Reviews', home)


def test_every_kind_has_its_table_and_templates():
    tables = {r["name"] for r in json.loads(DESCRIPTOR.read_text(encoding="utf-8"))["resources"]}
    for kind in kinds.KINDS:
        assert kind.table in tables, kind.table
        for template in (kind.page, kind.records.template if kind.records else ""):
            assert not template or (TEMPLATES / template).is_file(), (kind.table, template)
        assert bool(kind.page) == bool(kind.address) and (kind.address or not kind.anchor or kind.records)


@pytest.mark.data
def test_the_descriptor_must_hold_every_field_a_kind_reads(package_copy):
    data = json.loads(package_copy.read_text(encoding="utf-8"))
    figures = next(r for r in data["resources"] if r["name"] == "figures")
    figures["schema"]["fields"] = [f for f in figures["schema"]["fields"] if f["name"] != "metric"]
    package_copy.write_text(json.dumps(data, indent=2), encoding="utf-8")
    index = data["resources"].index(figures)
    assert_rejected(
        package_copy, "datapackage.json", None, f"resources[{index}].schema.fields", "needs a field 'metric'"
    )

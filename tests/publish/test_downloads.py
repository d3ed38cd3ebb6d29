"""Downloads journalists can trust, checked with real clients against the site on 127.0.0.1."""

import datetime as dt
import hashlib
import io
import json
import os
import re
import subprocess
import sys
import urllib.request
import zipfile
from html import unescape
from pathlib import Path

import pytest
from conftest import BIN
from diff_fixtures import GIT_ENV, clone, git, without_releases  # noqa: F401 (pytest fixture)
from openpyxl import load_workbook

from scripts import build
from scripts.intake.package import load_descriptor
from scripts.paths import DESCRIPTOR, PACKAGE_DIR, ROOT

RESOURCES = load_descriptor(DESCRIPTOR)["resources"]
VERSION = load_descriptor(DESCRIPTOR)["version"]


def latest_names() -> dict[str, str]:
    """/data/latest/'s file names: a release's, or "unreleased" while the data differs from every release."""
    from scripts.build import site
    from scripts.publish import export

    return export.download_names(site().released_version)


def fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.read()


def test_frictionless_validates_the_published_descriptor_over_http(base_url):
    url = base_url + "data/latest/datapackage.json"
    result = subprocess.run([str(BIN / "frictionless"), "validate", url], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-2000:]


def test_descriptor_carries_bytes_and_hash_of_what_is_served(base_url):
    descriptor = json.loads(fetch(base_url + "data/latest/datapackage.json"))
    for resource in descriptor["resources"]:
        served = fetch(base_url + "data/latest/" + resource["path"])
        assert resource["bytes"] == len(served)
        assert resource["hash"] == "sha256:" + hashlib.sha256(served).hexdigest()


@pytest.mark.parametrize("resource", RESOURCES, ids=[r["name"] for r in RESOURCES])
def test_csv_is_byte_identical_and_pandas_reads_the_same_rows(base_url, resource):
    import pandas as pd  # only here: importing it costs every test worker a third of a second

    url = base_url + "data/latest/" + resource["path"]
    assert fetch(url) == (PACKAGE_DIR / resource["path"]).read_bytes()
    served = pd.read_csv(url, dtype=str, keep_default_na=False)
    source = pd.read_csv(PACKAGE_DIR / resource["path"], dtype=str, keep_default_na=False)
    pd.testing.assert_frame_equal(served, source)
    assert list(served.columns) == [f["name"] for f in resource["schema"]["fields"]]


@pytest.mark.parametrize("resource", RESOURCES, ids=[r["name"] for r in RESOURCES])
def test_json_holds_the_same_typed_rows(base_url, resource):
    import pandas as pd  # only here: importing it costs every test worker a third of a second

    rows = json.loads(fetch(base_url + "data/latest/" + resource["path"].replace(".csv", ".json")))
    source = pd.read_csv(PACKAGE_DIR / resource["path"], dtype=str, keep_default_na=False).to_dict("records")
    assert len(rows) == len(source)
    types = {f["name"]: f["type"] for f in resource["schema"]["fields"]}
    for got, want in zip(rows, source):
        for name, text in want.items():
            if text == "":
                assert got[name] is None
            elif types[name] in ("number", "integer"):
                assert got[name] == float(text) and not isinstance(got[name], str)
            else:
                assert got[name] == text


def test_workbook_holds_identical_values_and_no_formula(base_url, tmp_path):
    import pandas as pd  # only here: importing it costs every test worker a third of a second

    path = tmp_path / "book.xlsx"
    path.write_bytes(fetch(base_url + "data/latest/" + latest_names()["workbook"]))
    book = load_workbook(path)  # formulas would load as "=…" strings with data_type "f"
    assert book.sheetnames == ["README"] + [r["name"] for r in RESOURCES]
    readme = {row[0]: row[1] for row in book["README"].iter_rows(values_only=True)}
    assert readme["Version"] == VERSION and "CC-BY-4.0" in readme["Licence of this compilation"]
    assert readme["Source licence"].startswith("unknown")
    released = latest_names()["workbook"] == f"amiens-annex-v{VERSION}.xlsx"
    assert (f"version {VERSION}" if released else "unreleased data") in readme["Citation"]
    # Where it comes from, as an address anyone can open: the package's own homepage.
    address = load_descriptor(DESCRIPTOR)["homepage"] + ("data/latest/" if not released else f"data/v{VERSION}/")
    assert readme["Published at"] == address and f"Published at {address}" in readme["Citation"]
    for resource in RESOURCES:
        sheet = book[resource["name"]]
        assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
        values = list(sheet.iter_rows(values_only=True))
        source = pd.read_csv(PACKAGE_DIR / resource["path"], dtype=str, keep_default_na=False)
        assert list(values[0]) == list(source.columns)
        types = {f["name"]: f["type"] for f in resource["schema"]["fields"]}
        for got, (_, want) in zip(values[1:], source.iterrows()):
            for name, cell in zip(values[0], got):
                if want[name] == "":
                    assert cell is None
                elif types[name] in ("number", "integer"):
                    assert isinstance(cell, (int, float)) and cell == float(want[name])
                elif types[name] == "date":  # a date, which sorts and filters as one, shown as written
                    assert cell == dt.datetime.fromisoformat(want[name])
                else:
                    assert cell == want[name]
        for (name, field_type), column in zip(types.items(), sheet.iter_cols(min_row=2), strict=True):
            if field_type == "date":
                assert all(c.is_date and c.number_format == "yyyy-mm-dd" for c in column if c.value is not None)


def test_released_workbooks_keep_their_layout_and_later_ones_have_dates(package_copy, tmp_path):
    """1.0.0 was released with text dates and no address: it keeps them, byte for byte (its checksums
    are frozen); the next release has dates as dates and names where it is published."""
    from scripts.publish import export

    def workbook(version: str):
        descriptor = json.loads(package_copy.read_text(encoding="utf-8"))
        descriptor["version"] = version
        package_copy.write_text(json.dumps(descriptor, indent=2), encoding="utf-8")
        files = export.export(package_copy.parent, tmp_path / version, "# Changelog\n")
        book = load_workbook(io.BytesIO(files[f"amiens-annex-v{version}.xlsx"]))
        return dict(book["README"].iter_rows(values_only=True)), book["events"]["D2"]

    readme, date = workbook("1.0.0")
    assert "Published at" not in readme
    assert readme["Citation"].endswith("Published at /data/v1.0.0/ of the project's site.")
    assert date.value == "2014-09-20"
    readme, date = workbook("1.1.0")
    home = load_descriptor(package_copy)["homepage"]
    assert readme["Published at"] == f"{home}data/v1.1.0/" and readme["Citation"].endswith(f"{home}data/v1.1.0/.")
    assert date.value == dt.datetime(2014, 9, 20) and date.number_format == "yyyy-mm-dd"


def test_hostile_text_stays_text_in_the_workbook(package_copy, tmp_path):
    from conftest import set_cell

    from scripts.publish import export

    # The validator rejects such cells; the exporter must still never write a formula.
    set_cell(package_copy, "figures", "cao-centres", "note", '=HYPERLINK("http://evil")')
    files = export.export(package_copy.parent, tmp_path / "out", "# Changelog\n")
    book = load_workbook(io.BytesIO(files[f"amiens-annex-v{VERSION}.xlsx"]))
    cells = [c for row in book["figures"].iter_rows() for c in row if c.value == '=HYPERLINK("http://evil")']
    assert len(cells) == 1 and cells[0].data_type == "s"


def test_evidence_pack_checksums_verify(base_url, tmp_path):
    data = fetch(base_url + "data/latest/" + latest_names()["pack"])
    zipfile.ZipFile(io.BytesIO(data)).extractall(tmp_path)
    folder = tmp_path / latest_names()["folder"]
    names = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}
    for needed in (
        "datapackage.json",
        "README.md",
        "LICENSE.md",
        "CITATION.cff",
        "CHANGELOG.md",
        "SHA256SUMS",
        "source/000_73c898e7f7e88842.txt",
        *[r["path"] for r in RESOURCES],
    ):
        assert needed in names, needed
    result = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=folder, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count(": OK") == len(names) - 1


def test_version_folder_checksums_verify(site_dir):
    result = subprocess.run(
        ["sha256sum", "-c", "SHA256SUMS"], cwd=site_dir / "data" / "latest", capture_output=True, text=True
    )
    assert result.returncode == 0 and "FAILED" not in result.stdout


def test_citation_cff_matches_the_package():
    text = (ROOT / "CITATION.cff").read_text(encoding="utf-8")
    assert re.search(rf'^version: "{re.escape(VERSION)}"$', text, re.M)
    assert "license: CC-BY-4.0" in text
    # One public address: the descriptor's homepage, the citation's url and the site's default.
    home = load_descriptor(DESCRIPTOR)["homepage"]
    assert re.search(rf'^url: "{re.escape(home)}"$', text, re.M) and home.startswith("https://")
    mkdocs = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    assert f'public_url: !ENV [SITE_URL, "{home}"]' in mkdocs


def test_data_page_has_jsonld_citations_and_licence(site_dir):
    page = (site_dir / "data" / "index.html").read_text(encoding="utf-8")
    data = json.loads(page.split('<script type="application/ld+json">')[1].split("</script>")[0])
    assert data["@type"] == "Dataset" and data["version"] == (build.site().released_version or "unreleased")
    assert data["license"] == "https://creativecommons.org/licenses/by/4.0/"
    assert re.match(r"^\d{4}-\d{2}-\d{2}$", data["dateModified"])
    formats = {d["encodingFormat"] for d in data["distribution"]}
    assert {"text/csv", "application/json", "application/zip"} <= formats
    assert data["isBasedOn"]["datePublished"] == "2016-03-03"
    assert "@misc{amiens_annex_dataset_" in page and "unknown" in page


def test_figure_pages_cite_version_and_paragraph(site_dir):
    page = unescape((site_dir / "figures" / "uk-funding-calais-2016" / "index.html").read_text(encoding="utf-8"))
    from scripts.build import site
    from scripts.model.citations import cited_version

    cited = cited_version(site())  # "version X.Y.Z", or "unreleased data, built … from commit …"
    assert f"open data, {cited}. " in page and "paragraph 1d" in page
    assert "@misc{amiens_annex_uk_funding_calais_2016_" in page
    assert (f"version = {{{VERSION}}}" if cited.startswith("version") else f"version = {{{cited}}}") in page


def snippets(site_dir: Path, language: str) -> list[str]:
    page = (site_dir / "data" / "index.html").read_text(encoding="utf-8")
    blocks = re.findall(rf'<div class="language-{language} highlight"><pre>.*?<code>(.*?)</code></pre>', page, re.S)
    return [unescape(re.sub(r"<[^>]+>", "", b)) for b in blocks]


def test_python_snippet_runs_against_the_site(site_dir, base_url):
    (code,) = snippets(site_dir, "python")
    assert base_url in code
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "uk-contribution-port-tunnel-security" in result.stdout and "both" in result.stdout
    # period as the CSV writes it ("2016"), not as a guessed number (2016.0)
    assert re.search(r"uk-funding-calais-2016 .* 2016$", result.stdout, re.M) and "2016.0" not in result.stdout


def test_data_page_offers_the_workbook_to_excel_users_first(site_dir):
    page = (site_dir / "data" / "index.html").read_text(encoding="utf-8")
    workbook = latest_names()["workbook"]
    tip = page.index("Opening the data in Excel? Download the workbook")
    link = page.index(f'<a href="latest/{workbook}" download><strong>{workbook}</strong></a>')
    assert tip < link < page.index('data-kind="downloads"')  # before the table of downloads
    assert "Â£" in unescape(page) and "UTF-8" in page  # why: what Excel shows for a CSV
    assert (site_dir / "data" / "latest" / workbook).is_file()


def test_cli_snippet_runs_against_the_site(site_dir, base_url):
    cli = [s for s in snippets(site_dir, "sh") if s.startswith("frictionless")]
    assert len(cli) == 1 and base_url in cli[0]
    env = {**os.environ, "PATH": f"{BIN}:{os.environ['PATH']}"}
    result = subprocess.run(cli[0], shell=True, capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 0, result.stdout[-2000:]


def build_clone(repo: Path, out: Path) -> subprocess.CompletedProcess:
    """Build the clone's own site with the clone's own code (not this checkout's)."""
    from tools import serving

    return serving.build(out, "http://127.0.0.1:8000/", repo=repo, env={**GIT_ENV, "PYTHONPATH": str(repo)})


def release(repo: Path, version: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "tools.release", version], cwd=repo, env=GIT_ENV, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


@pytest.mark.build
def test_released_versions_stay_frozen(clone, tmp_path):
    repo = without_releases(clone)
    (repo / "node_modules").symlink_to(ROOT / "node_modules")  # the pinned plotly.js, not fetched again
    release(repo, VERSION)
    first = build_clone(repo, tmp_path / "site1")
    assert first.returncode == 0, first.stderr[-3000:]
    frozen = snapshot(tmp_path / "site1" / "data" / f"v{VERSION}")
    assert f"amiens-annex-v{VERSION}.zip" in frozen

    # A correction, then a newer release.
    path = repo / "datapackage" / "data" / "figures.csv"
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            "Administered by the UK-France Migration Committee, according to the annex.",
            "Administered by the UK-France Migration Committee, as the annex says.",
        ),
        encoding="utf-8",
    )
    git(repo, "commit", "-qam", "Correct a note")
    major, minor, _ = VERSION.split(".")
    newer = f"{major}.{int(minor) + 1}.0"
    release(repo, newer)
    second = build_clone(repo, tmp_path / "site2")
    assert second.returncode == 0, second.stderr[-3000:]

    assert snapshot(tmp_path / "site2" / "data" / f"v{VERSION}") == frozen
    latest = json.loads((tmp_path / "site2" / "data" / "latest" / "datapackage.json").read_text())
    assert latest["version"] == newer
    assert (tmp_path / "site2" / "data" / f"v{newer}" / "SHA256SUMS").exists()
    changelog = (tmp_path / "site2" / "changelog" / "index.html").read_text(encoding="utf-8")
    assert "uk-funding-calais-2016" in changelog and "as the annex says." in changelog
    assert f"v{VERSION}" in (tmp_path / "site2" / "data" / "index.html").read_text(encoding="utf-8")

    # Tampering with a released version's recorded checksums fails the build.
    ledger = repo / "datapackage" / "releases" / f"v{VERSION}.sha256"
    ledger.write_text(ledger.read_text().replace("  data/figures.csv", "  data/figures.csv.old"))
    third = build_clone(repo, tmp_path / "site3")
    assert third.returncode != 0 and f"released version v{VERSION} would change" in third.stderr


def test_workbook_reads_at_first_sight(base_url, tmp_path):
    """Header filters, columns sized to their content, numbers with thousands separators."""
    path = tmp_path / "book.xlsx"
    path.write_bytes(fetch(base_url + "data/latest/" + latest_names()["workbook"]))
    book = load_workbook(path)
    figures = book["figures"]
    header = [c.value for c in figures[1]]
    assert figures.auto_filter.ref == f"A1:{figures.cell(1, len(header)).column_letter}{figures.max_row}"
    assert figures.freeze_panes == "A2"
    widths = {
        name: figures.column_dimensions[figures.cell(1, i + 1).column_letter].width for i, name in enumerate(header)
    }
    assert widths["metric"] > widths["value"] >= 8 and max(widths.values()) <= 60
    value = figures.cell(2, header.index("value") + 1)
    assert isinstance(value.value, int | float) and value.number_format == "#,##0"

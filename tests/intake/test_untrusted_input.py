"""Everything a pull request can change is untrusted: the descriptor (every field, every path), file
names, symbolic links, number and date cells, invisible characters, and the values given to make.

Each case is applied to a throwaway copy of the package (or a throwaway clone for make) and is
refused with a message naming the file and the field, with nothing read from outside the package:
a canary file and a canary environment variable prove that none of it reaches the validator's
messages, the downloads or the built site, and nothing is written outside the output folder.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import ROOT, assert_rejected, build_site, explore_chart, read_table, set_cell, write_table
from diff_fixtures import GIT_ENV, clone, commit_files, git, two_packages  # noqa: F401 (pytest fixtures)

from scripts.intake import descriptor as desc
from scripts.intake.validate import validate
from scripts.publish import export
from tools import diff, serving

pytestmark = pytest.mark.data

CANARY = "CANARY-7f3e9c1d-not-for-publication"


@pytest.fixture
def canary(tmp_path: Path) -> Path:
    """A file outside the package whose content must never be read or published."""
    path = tmp_path / "outside" / "canary.csv"
    path.parent.mkdir()
    path.write_text(f"document_id,figure_id\n{CANARY},{CANARY}\n", encoding="utf-8")
    return path


def edit(descriptor: Path, change) -> None:
    data = json.loads(descriptor.read_text(encoding="utf-8"))
    change(data)
    descriptor.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def assert_refused(descriptor: Path, file: str, field: str, words: str = "") -> str:
    """Refused, naming `file` and `field` with `words`; no line shows the content of the canary."""
    out = assert_rejected(descriptor, file, None, field, words)
    assert CANARY not in out, "the validator printed the content of a file outside the package"
    return out


# -- paths in the descriptor --------------------------------------------------------------------
def source_path(value):
    def change(d):
        d["sources"][0]["path"] = value

    return change


def resource_path(index, value):
    def change(d):
        d["resources"][index]["path"] = value

    return change


PATHS = {
    "source climbs out": (source_path("../../outside/canary.csv"), "sources[0].path", "(no '..')"),
    "source climbs out after a folder": (source_path("source/../../outside/canary.csv"), "sources[0].path", "'..'"),
    "source is /proc/self/environ": (source_path("/proc/self/environ"), "sources[0].path", "relative path"),
    "source is a file URL": (source_path("file:///etc/passwd"), "sources[0].path", "relative path"),
    "source over plain http": (source_path("http://franceintheus.org/spip.php?article7402"), "sources[0].path", ""),
    "source with a backslash": (source_path("source\\..\\..\\x"), "sources[0].path", "relative path"),
    "source hidden file": (source_path("source/.env"), "sources[0].path", "starting with '.'"),
    "source missing": (source_path("source/none.txt"), "sources[0].path", "does not exist"),
    "resource climbs out": (resource_path(2, "../outside/canary.csv"), "resources[2].path", "does not match"),
    "resource absolute": (resource_path(2, "/etc/passwd"), "resources[2].path", "does not match"),
    "resource named after another": (resource_path(2, "data/terms.csv"), "resources[2].path", "data/figures.csv"),
}


@pytest.mark.parametrize("case", PATHS)
def test_unsafe_paths_are_refused(package_copy, canary, case):
    change, field, words = PATHS[case]
    edit(package_copy, change)
    assert_refused(package_copy, "datapackage.json", field, words)
    with pytest.raises(desc.UnsafePackage):
        export.export(package_copy.parent, package_copy.parent.parent / "out", "")
    assert not (package_copy.parent.parent / "out").exists()


def test_absolute_source_path_to_a_real_file(package_copy, canary):
    edit(package_copy, source_path(str(canary)))
    assert_refused(package_copy, "datapackage.json", "sources[0].path", "relative path")


def test_symlinked_source_is_refused(package_copy, canary):
    (package_copy.parent / "source" / "link.txt").symlink_to(canary)
    edit(package_copy, source_path("source/link.txt"))
    assert_refused(package_copy, "datapackage.json", "sources[0].path", "symbolic link")


def test_symlinked_csv_is_refused_and_never_read(package_copy, canary):
    figures = package_copy.parent / "data" / "figures.csv"
    figures.unlink()
    figures.symlink_to(canary)
    assert_refused(package_copy, "datapackage.json", "resources[2].path", "symbolic link")


def test_symlinked_data_folder_is_refused(package_copy, tmp_path):
    outside = tmp_path / "outside-data"
    shutil.move(package_copy.parent / "data", outside)
    (package_copy.parent / "data").symlink_to(outside, target_is_directory=True)
    assert_refused(package_copy, "datapackage.json", "resources[0].path", "symbolic link")


def test_symlinked_readme_is_refused(package_copy, canary):
    readme = package_copy.parent / "README.md"
    readme.unlink()
    readme.symlink_to(canary)
    assert_refused(package_copy, "datapackage.json", "-", "README.md")


def test_symlinked_documents_source_path_is_refused(package_copy, canary):
    source = package_copy.parent / "source" / "000_73c898e7f7e88842.txt"
    source.unlink()
    source.symlink_to(canary)
    assert_refused(package_copy, "datapackage.json", "sources[0].path", "symbolic link")


# -- the descriptor's other fields: shape and escaping ------------------------------------------
def setter(*path_and_value):
    *path, value = path_and_value

    def change(d):
        target = d
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return change


FIELDS = {
    "version with an attribute": (setter("version", "1.0.0 onclick=alert(1)"), "version", "does not match"),
    "version breaking out of href": (setter("version", '1.0.0"><script>alert(1)</script>'), "version", ""),
    "version with a slash": (setter("version", "1/0.0"), "version", ""),
    "version as a number": (setter("version", 1), "version", "is not of type 'string'"),
    "resource name with a quote": (setter("resources", 2, "name", 'fig"ures'), "resources[2].name", ""),
    "schema as a string": (
        setter("resources", 2, "schema", "figures.schema.json"),
        "resources[2].schema",
        "is not of type 'object'",
    ),
    "fields as a string": (setter("resources", 2, "schema", "fields", "value"), "resources[2].schema.fields", ""),
    "field as a string": (
        setter("resources", 2, "schema", "fields", 0, "document_id"),
        "resources[2].schema.fields[0]",
        "",
    ),
    "resources as a string": (setter("resources", "data/figures.csv"), "resources", ""),
    "sources as an object": (setter("sources", {"path": "/etc/passwd"}), "sources", ""),
    "unknown top-level key": (setter("homepage_script", "<script>"), "-", "homepage_script"),
    "unknown source key": (setter("sources", 0, "fetch", "https://example.org/"), "sources[0]", "fetch"),
    "licence path javascript": (setter("licenses", 0, "path", "javascript:alert(1)"), "licenses[0].path", ""),
    "id without a length limit": (
        lambda d: d["resources"][2]["schema"]["fields"][1]["constraints"].pop("maxLength"),
        "resources[2].schema.fields[1].constraints",
        "maxLength",
    ),
    "number without a maximum": (
        lambda d: d["resources"][2]["schema"]["fields"][3]["constraints"].pop("maximum"),
        "resources[2].schema.fields[3].constraints",
        "maximum",
    ),
    "categories that leave a value of the enum without a label": (
        lambda d: d["resources"][3]["schema"]["fields"][4]["categories"].pop(),
        "resources[3].schema.fields[4].categories",
        "'expectation' of 'strength''s enum has no label",
    ),
    "categories in another order than the enum": (
        lambda d: d["resources"][3]["schema"]["fields"][4]["categories"].reverse(),
        "resources[3].schema.fields[4].categories",
        "must label exactly the values",
    ),
    "a category label with markup": (
        lambda d: d["resources"][3]["schema"]["fields"][4]["categories"][0].update(label="<b>" + "x" * 400),
        "resources[3].schema.fields[4].categories[0].label",
        "'<b>xxx",  # refused as too long; the message shows the value, cut short
    ),
    "foreign key to a resource that is not there": (
        setter("resources", 2, "schema", "foreignKeys", 1, "reference", "resource", "nowhere"),
        "resources[2].schema.foreignKeys[1].reference.resource",
        "'nowhere' is not a resource of this package",
    ),
    "foreign key on a field that is not there": (
        setter("resources", 2, "schema", "foreignKeys", 1, "fields", ["document"]),
        "resources[2].schema.foreignKeys[1].fields",
        "'document' is not a field of figures",
    ),
    "foreign key on a number": (
        setter("resources", 2, "schema", "foreignKeys", 1, "fields", ["value"]),
        "resources[2].schema.foreignKeys[1].fields",
        "figures's 'value' is a number: a foreign key joins string fields",
    ),
    "foreign key with more fields on one side": (
        setter("resources", 2, "schema", "foreignKeys", 1, "fields", ["document_id", "paragraph_id"]),
        "resources[2].schema.foreignKeys[1]",
        "names a different number of fields on each side",
    ),
    "bidi override in the title": (setter("title", "Annex \u202egnp.exe"), "title", "U+202E"),
    "zero-width space in a keyword": (setter("keywords", 0, "mig\u200bration"), "keywords[0]", "U+200B"),
}


@pytest.mark.parametrize("case", FIELDS)
def test_malformed_descriptor_fields_are_refused(package_copy, case):
    change, field, words = FIELDS[case]
    edit(package_copy, change)
    assert_refused(package_copy, "datapackage.json", field, words)


@pytest.mark.parametrize(
    "text,words",
    [
        ("[]", "must be a JSON object"),
        ('{"name": "a", "name": "b"}', "appears twice"),
        ("{not json", "cannot read the descriptor"),
        ("\udcff", "cannot read the descriptor"),
    ],
)
def test_unreadable_descriptor_is_refused(package_copy, text, words):
    package_copy.write_bytes(text.encode("utf-8", "surrogateescape"))
    assert_refused(package_copy, "datapackage.json", "-", words)


def test_identifiers_stay_slugs_whatever_pattern_the_descriptor_gives(package_copy):
    """A pull request may delete an id's pattern in datapackage.json; ids still name pages and
    download files, so one that climbs out of its folder is refused by the project's own rule."""

    def loosen(d):
        figures = next(r for r in d["resources"] if r["name"] == "figures")
        next(f for f in figures["schema"]["fields"] if f["name"] == "figure_id")["constraints"].pop("pattern")

    edit(package_copy, loosen)
    line = set_cell(package_copy, "figures", "cao-centres", "figure_id", "../../../outside")
    assert_rejected(package_copy, "figures", line, "figure_id", "is not an identifier")


def test_refused_descriptor_line_points_at_the_field(package_copy):
    edit(package_copy, setter("resources", 2, "path", "../x.csv"))
    out = assert_refused(package_copy, "datapackage.json", "resources[2].path")
    line = int(next(x for x in out.splitlines() if "resources[2].path" in x).split(":")[1])
    assert '"path": "../x.csv"' in package_copy.read_text(encoding="utf-8").splitlines()[line - 1]


# -- cells: numbers, dates, ids and invisible characters --------------------------------------
@pytest.mark.parametrize(
    "table,key,field,value",
    [
        ("figures", "cao-centres", "value", "1e309"),
        ("figures", "cao-centres", "value", "Infinity"),
        ("figures", "cao-centres", "value", "NaN"),
        ("figures", "cao-centres", "value", "1_0_2"),
        ("figures", "cao-centres", "value", "1.02e2"),
        ("figures", "cao-centres", "value", "\u0661\u0660\u0662"),  # Arabic-Indic digits: float() reads 102
        ("exchange_rates", "ecb-eur-gbp-2016-03-03", "rate", "1e309"),
        ("exchange_rates", "ecb-eur-gbp-2016-03-03", "rate", "Infinity"),
    ],
)
def test_numbers_must_be_plain_decimals(row_package, table, key, field, value):
    descriptor = row_package(table, key)
    line = set_cell(descriptor, table, key, field, value)
    assert_rejected(descriptor, table, line, field)


@pytest.mark.parametrize("value", ["2099-06-01", "9999-12-31"])
def test_evidence_from_the_future_is_refused(row_package, value):
    descriptor = row_package("followups", "calais-camp-clearance-begins")
    set_cell(descriptor, "followups", "calais-camp-clearance-begins", "date", value)
    assert_refused(descriptor, "data/followups.csv", "date", "after today")


def test_overlong_id_is_refused(row_package):
    descriptor = row_package("terms", "eurodac")
    set_cell(descriptor, "terms", "eurodac", "term_id", "e" * 300)
    assert_refused(descriptor, "data/terms.csv", "term_id", "constraint-error")


@pytest.mark.parametrize(
    "char", ["\u202e", "\u2066", "\u200b", "\u200d", "\ufeff", "\u0007", "\u0085", "\u2028", "\u00ad"]
)
def test_invisible_characters_are_refused(row_package, char):
    descriptor = row_package("terms", "eurodac")
    line = set_cell(
        descriptor, "terms", "eurodac", "definition", f"The EU fingerprint database{char} for asylum applicants."
    )
    out = assert_refused(descriptor, "data/terms.csv", "definition", f"U+{ord(char):04X}")
    assert f"data/terms.csv:{line}: definition: " in out


def test_cells_are_checked_in_the_full_package(package_copy):
    """The wiring of the rules above, once in the full package: a number that is no plain decimal,
    evidence from the future, an overlong id and an invisible character, each on its own row."""
    wanted = [
        ("figures", "cao-centres", "value", "1e309", "plain"),
        ("followups", "calais-camp-clearance-begins", "date", "2099-06-01", "after today"),
        ("terms", "eurodac", "term_id", "e" * 300, "constraint-error"),
        ("terms", "iom", "definition", "The International Organization for\u202e Migration.", "U+202E"),
    ]
    lines = [set_cell(package_copy, table, key, field, value) for table, key, field, value, _ in wanted]
    report = validate(package_copy)
    for (table, _, field, _, words), line in zip(wanted, lines):
        assert_rejected(package_copy, table, line, field, words, report=report)


def test_invisible_characters_are_visible_in_the_diff(two_packages):
    old, new = two_packages
    set_cell(new / "datapackage.json", "terms", "eurodac", "definition", "Safe \u202eevil\u202c text.")
    report = diff.render_markdown(diff.diff_packages(old, new))
    assert "⟨U+202E⟩" in report and "\u202e" not in report


def test_diff_reads_no_file_of_a_refused_descriptor(two_packages, canary):
    old, new = two_packages
    edit(new / "datapackage.json", resource_path(2, "../../outside/canary.csv"))
    report = diff.render_markdown(diff.diff_packages(old, new))
    assert "is refused" in report and CANARY not in report
    assert "removed" not in report.split("### Other problems")[0].replace("0 removed", "")


# -- links: https:// by the validator's own rule, whatever the descriptor's pattern says ---------
def without_url_patterns(d):
    """What a pull request may do: drop every pattern and format that kept addresses https://."""
    for resource in d["resources"]:
        for field in resource["schema"]["fields"]:
            if field["name"].endswith("_url") or field.get("format") == "uri":
                field.pop("format", None)
                field.get("constraints", {}).pop("pattern", None)


LINKS = [
    ("followups", "eu-border-coast-guard-regulation-adopted", "source_url"),
    ("amounts", "uk-sandhurst-treaty-2018", "source_url"),
    ("terms", "iom", "reference_url"),
    ("exchange_rates", "ecb-eur-gbp-2016-03-03", "source_url"),
    ("events", "valletta-summit", "note_source"),
]
BAD_LINKS = [
    "javascript:alert(document.domain)",
    "data:text/html,<script>alert(1)</script>",
    "JaVaScRiPt:alert(1)",
    "http://www.consilium.europa.eu/",
    'https://evil.example/"onmouseover="alert(1)',
    "https://evil.example/<script>",
]


@pytest.mark.parametrize("table,key,field", LINKS)
@pytest.mark.parametrize("value", BAD_LINKS)
def test_links_are_https_whatever_the_descriptor_says(row_package, table, key, field, value):
    descriptor = row_package(table, key)
    edit(descriptor, without_url_patterns)
    line = set_cell(descriptor, table, key, field, value)
    assert_rejected(descriptor, table, line, field, "is not an https:// address")


def test_links_are_https_in_the_full_package(package_copy):
    """The rule's wiring, once: every kind of link, in the full package without its patterns."""
    edit(package_copy, without_url_patterns)
    lines = [set_cell(package_copy, t, k, f, v) for (t, k, f), v in zip(LINKS, BAD_LINKS)]
    report = validate(package_copy)
    for (table, _, field), line in zip(LINKS, lines):
        assert_rejected(package_copy, table, line, field, "is not an https:// address", report=report)


def test_a_link_that_is_not_https_is_never_rendered_as_one():
    """The macro that links an address from the data links only https:// ones: text otherwise."""
    from scripts.site.render import ENV

    link = ENV.get_template("macros.html").module.source_link
    assert (
        str(link("https://www.gov.uk/a?b=1&c=2", "GOV.UK")) == '<a href="https://www.gov.uk/a?b=1&amp;c=2">GOV.UK</a>'
    )
    for value in BAD_LINKS:
        assert "<a" not in str(link(value, "x")), value


def test_shipped_url_patterns_allow_only_https():
    data = json.loads((ROOT / "datapackage" / "datapackage.json").read_text(encoding="utf-8"))
    patterns = [
        f.get("constraints", {}).get("pattern")
        for r in data["resources"]
        for f in r["schema"]["fields"]
        if f["name"].endswith("_url")
    ]
    assert patterns and all(p == "^https://\\S+$" for p in patterns), patterns


# -- what makes validation hang or crash --------------------------------------------------------
def test_a_pattern_the_project_does_not_ship_is_refused(package_copy):
    """(a|aa)+$ against 41 characters took 29 s in Python's backtracking engine: refused unread."""

    def catastrophic(d):
        note = next(f for f in d["resources"][3]["schema"]["fields"] if f["name"] == "summary")
        note.setdefault("constraints", {})["pattern"] = "^(a|aa)+$"

    edit(package_copy, catastrophic)
    set_cell(package_copy, "commitments", "1d-uk-funding-22m", "summary", "a" * 41 + "b")
    index = next(
        i
        for i, f in enumerate(json.loads(package_copy.read_text())["resources"][3]["schema"]["fields"])
        if f["name"] == "summary"
    )
    assert_refused(
        package_copy, "datapackage.json", f"resources[3].schema.fields[{index}].constraints.pattern", "is not one of"
    )


@pytest.mark.parametrize("levels", [50, 100_000])
def test_deeply_nested_descriptor_is_refused_without_a_traceback(package_copy, levels):
    data = json.loads(package_copy.read_text(encoding="utf-8"))
    text = json.dumps(data)[:-1] + ', "deep": ' + "[" * levels + "]" * levels + "}"
    package_copy.write_text(text, encoding="utf-8")
    assert_refused(package_copy, "datapackage.json", "-", "nested")
    result = subprocess.run(
        [sys.executable, "-m", "scripts.intake.validate", str(package_copy)], capture_output=True, text=True, cwd=ROOT
    )
    assert result.returncode == 1 and "nested" in result.stdout and "Traceback" not in result.stderr


def test_a_package_past_the_row_limit_is_refused_at_the_first_row_past_it(package_copy):
    from scripts.intake.validate import MAX_ROWS

    path = package_copy.parent / "data" / "amounts.csv"  # the last table the descriptor lists
    header, rows = read_table(path)
    others = validate(package_copy).rows - len(rows)
    ids = header.index("amount_id")
    short = [cell[:20] for cell in rows[0]]  # under the file size limit
    more = [[*short[:ids], f"extra-{n}", *short[ids + 1 :]] for n in range(MAX_ROWS + 1 - others - len(rows))]
    write_table(path, header, rows + more)
    line = MAX_ROWS - others + 2  # the header, then the rows up to the limit: the next one is past it
    assert_rejected(package_copy, "amounts", line, "-", f"the limit is {MAX_ROWS:,} rows in all", only=True)


@pytest.mark.parametrize(
    "path,value",
    [
        (("title",), '=HYPERLINK("https://evil.example/","Annex")'),
        (("resources", 2, "title"), "@SUM(A1)"),
        (("resources", 3, "schema", "fields", 4, "categories", 0, "label"), "+cmd|' /C calc'!A0"),
        (("keywords", 0), "-2+3"),
    ],
)
def test_descriptor_strings_cannot_start_a_formula(package_copy, path, value):
    edit(package_copy, setter(*path, value))
    assert_refused(package_copy, "datapackage.json", desc.pointer(path), f"starts with {value[0]!r}")


# -- descriptor labels reach charts as text --------------------------------------------------------
HOSTILE_LABEL = (
    '<a href="https://evil.example/">Pledge</a><span style="background:u\\72l(https://evil.example/a.png)">'
    '</span><img src="https://evil.example/i.png"><b>bold</b>'
)


def test_category_labels_reach_charts_escaped(package_copy):
    from scripts import build
    from scripts.site import charts

    def hostile(d):
        d["resources"][3]["schema"]["fields"][4]["categories"][0]["label"] = HOSTILE_LABEL
        d["resources"][3]["schema"]["fields"][5]["categories"][0]["label"] = HOSTILE_LABEL

    edit(package_copy, hostile)
    site = build.site(package_copy)
    built = charts.every_chart(site)
    spec = "".join(json.dumps(c.figure.to_plotly_json(), ensure_ascii=False) for c in built.values())
    assert json.dumps(html.escape(HOSTILE_LABEL, quote=False))[1:-1] in spec  # shown, as text
    assert (
        "evil.example/" in spec and '<a href=\\"https://evil' not in spec and "<span" not in spec and "<img" not in spec
    )


# -- the Content-Security-Policy: the site works under it, and it names only the site ------------
WATCH = """window.__violations = [];
document.addEventListener('securitypolicyviolation',
  e => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI + ' ' + location.pathname));"""


def test_every_page_has_a_policy_allowing_only_the_site(site_dir):
    pages = sorted(site_dir.rglob("*.html"))
    assert len(pages) > 50
    for path in pages:
        if path.relative_to(site_dir).parts[0] == "data" and path.name != "index.html":
            continue
        text = path.read_text(encoding="utf-8")
        policy = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">', text)
        assert policy, path
        assert text.index(policy[0]) < text.index("<script"), "the policy must come before every script"
        assert "http" not in policy[1] and "'unsafe-inline'" not in policy[1].split("style-src")[0], policy[1]


@pytest.mark.browser
def test_the_site_works_under_its_policy(browser, base_url):
    """Search (its worker and index), plotly.js on request and the drawings' inline styles: no
    violation is reported, and no request leaves the site."""
    page = browser.new_page()
    elsewhere, console = [], []
    page.on("request", lambda r: None if r.url.startswith(base_url) else elsewhere.append(r.url))
    page.on("console", lambda m: console.append(m.text) if "Content Security Policy" in m.text else None)
    violations = []
    page.add_init_script(WATCH)  # before any of the page's own scripts
    try:
        for path in ("", "commitments/1a-pursue-port-tunnel-security/", "timeline/", "embed/networks/", "glossary/"):
            page.goto(base_url + path, wait_until="networkidle")
            if path in ("", "commitments/1a-pursue-port-tunnel-security/"):
                chart = page.locator("[data-explore]").first.get_attribute("data-explore").removeprefix("chart-")
                explore_chart(page, chart)
            if path == "glossary/":
                page.keyboard.press("/")
                page.locator("input.md-search__input").press_sequentially("Calais")
                page.wait_for_selector(".md-search-result__link", state="attached")
            violations += page.evaluate("() => window.__violations")
    finally:
        page.close()
    assert not violations and not console, violations + console
    assert not elsewhere, elsewhere


# -- the changelog quotes data as text ------------------------------------------------------------
def test_changelog_shows_cells_as_text(two_packages):
    from scripts.publish import versions

    old, new = two_packages
    cell = '<img src="https://evil.example/t.png"> [link](javascript:alert(1)) **bold** `code` <!-- x -->'
    set_cell(new / "datapackage.json", "terms", "iom", "definition", cell)
    history = [versions.Version("1.0.0", old, {}, "v1.0.0"), versions.Version("1.0.1", new, {}, None)]
    text = versions.changelog(history)
    line = next(x for x in text.splitlines() if "definition" in x)
    # Once every backslash-escaped character is taken out, no character Markdown or HTML reads is left.
    assert not re.search(r"[<>\[\]*`!&()]", re.sub(r"\\.", "", line.split(" -> ")[1])), line
    # Every special character is escaped with a backslash, which Markdown shows as the character.
    assert re.sub(r"\\(.)", r"\1", line.split(" -> ")[1]) == json.dumps(cell, ensure_ascii=False)


# -- nothing from outside the package reaches the built site -----------------------------------
@pytest.mark.build  # runs `mkdocs build`
@pytest.mark.parametrize("case", ["source path", "symlinked csv", "environ"])
def test_build_refuses_and_publishes_nothing(package_copy, canary, tmp_path, case):
    if case == "source path":
        edit(package_copy, source_path("../../outside/canary.csv"))
    elif case == "symlinked csv":
        figures = package_copy.parent / "data" / "figures.csv"
        figures.unlink()
        figures.symlink_to(canary)
    else:
        edit(package_copy, source_path("/proc/self/environ"))
    before = sorted(p for p in tmp_path.rglob("*"))
    site = tmp_path / "site"
    env_before = os.environ.get("ANNEX_CANARY")
    os.environ["ANNEX_CANARY"] = CANARY  # inherited by the build: /proc/self/environ would hold it
    try:
        result = build_site(site, "http://127.0.0.1:1/", package_copy.parent)
    finally:
        if env_before is None:
            del os.environ["ANNEX_CANARY"]
    assert result.returncode != 0
    assert "datapackage.json" in result.stderr and "Traceback" not in result.stderr
    assert CANARY not in result.stdout + result.stderr
    written = [p for p in site.rglob("*") if p.is_file()] if site.exists() else []
    assert not any(CANARY.encode() in p.read_bytes() for p in written)
    after = sorted(p for p in tmp_path.rglob("*") if not p.is_relative_to(site))
    assert after == [p for p in before if not p.is_relative_to(site)], "the build wrote outside its site folder"


def test_export_writes_only_inside_its_folder(package_copy, tmp_path):
    out = tmp_path / "out"
    files = export.export(package_copy.parent, out, "# Changelog\n")
    assert all(not Path(name).is_absolute() and ".." not in Path(name).parts for name in files)
    version = json.loads(package_copy.read_text(encoding="utf-8"))["version"]
    with zipfile.ZipFile(out / f"amiens-annex-v{version}.zip") as pack:
        assert all(".." not in n.split("/") and not n.startswith("/") for n in pack.namelist())
    assert {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()} == set(files)


# -- values given to make -----------------------------------------------------------------------
def tracked(folder: Path) -> list[Path]:
    """The files below `folder` a commit would hold: not Python's bytecode caches, which git ignores."""
    return [p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts]


@pytest.fixture
def make_clone(clone):
    """A clone with this checkout's Makefile and scripts, using the test run's own virtualenv."""
    files = [p for folder in ("scripts", "datapackage") for p in tracked(ROOT / folder)]
    commit_files(clone, {p.relative_to(ROOT).as_posix(): p for p in [ROOT / "Makefile", *files]}, "This checkout")
    return clone


def run_make(repo: Path, *args: str) -> subprocess.CompletedProcess:
    venv = Path(sys.prefix)
    return subprocess.run(
        ["make", "-s", "-o", str(venv / ".installed-build"), f"VENV={venv}", *args],
        cwd=repo,
        capture_output=True,
        text=True,
        env=GIT_ENV,
        check=False,
    )


INJECTIONS = [
    "HEAD; touch pwned",
    "$(shell touch pwned)",
    "`touch pwned`",
    "$$(touch pwned)",
    "x'; touch pwned; '",
    "--output=pwned",
]


@pytest.mark.parametrize("value", INJECTIONS)
def test_make_diff_base_is_not_run(make_clone, value):
    result = run_make(make_clone, "diff", f"BASE={value}")
    assert result.returncode != 0
    assert "is not a commit" in result.stderr
    assert not list(make_clone.rglob("pwned*"))


@pytest.mark.parametrize("value", INJECTIONS + ["1.0.0; touch pwned #"])
def test_make_release_version_is_not_run(make_clone, value):
    head = git(make_clone, "rev-parse", "HEAD")
    result = run_make(make_clone, "release", f"VERSION={value}", "DRY_RUN=$(shell touch pwned)")
    assert result.returncode != 0
    assert "is not a version" in result.stderr
    assert not list(make_clone.rglob("pwned*"))
    assert git(make_clone, "rev-parse", "HEAD") == head


def test_make_diff_still_works(make_clone):
    result = run_make(make_clone, "diff", "BASE=HEAD")
    assert result.returncode == 0, result.stderr
    assert "No data changes." in result.stdout


# -- release records: they arrive by pull request like the data ---------------------------------
@pytest.mark.parametrize(
    "name,record,field",
    [
        ("v1.0.0.json", '{"version": "1.0.0", "date": "soon", "commit": "' + "a" * 40 + '"}', "date"),
        ("v1.0.0.json", '{"version": "1.0.0", "date": "2026-02-30", "commit": "' + "a" * 40 + '"}', "date"),
        ("v1.0.0.json", '{"version": "1.0.0", "date": "2026-11-27", "commit": "HEAD; touch pwned"}', "commit"),
        ("v1.0.0.json", '{"version": "1.0.1", "date": "2026-11-27", "commit": "' + "a" * 40 + '"}', "version"),
        ("v1.0.0.json", '{"version": "1.0.0", "date": "2026-11-27"}', "exactly"),
        ("v1.0.0.json", "[]", "exactly"),
        ("v1.0.0.json", "not json", "cannot read"),
    ],
)
def test_bad_release_records_are_refused_with_their_field(tmp_path, name, record, field):
    from scripts.publish import versions

    folder = tmp_path / "datapackage" / "releases"
    folder.mkdir(parents=True)
    (folder / name).write_text(record, encoding="utf-8")
    with pytest.raises(versions.ReleaseError) as refused:
        versions.releases(tmp_path)
    assert str(refused.value).startswith(f"datapackage/releases/{name}: ") and field in str(refused.value)


def test_oversized_release_record_is_refused_unread(tmp_path):
    """A 300 MB record (sparse here: no disk is used) is refused by its size, before it is read."""
    from scripts.publish import versions

    folder = tmp_path / "datapackage" / "releases"
    folder.mkdir(parents=True)
    with (folder / "v1.0.0.json").open("wb") as handle:
        handle.truncate(300_000_000)
    with pytest.raises(versions.ReleaseError, match=r"^datapackage/releases/v1\.0\.0\.json: .*the limit is 10,000"):
        versions.releases(tmp_path)


def test_deeply_nested_release_record_is_refused(tmp_path):
    from scripts.publish import versions

    folder = tmp_path / "datapackage" / "releases"
    folder.mkdir(parents=True)
    (folder / "v1.0.0.json").write_text("[" * 9000 + "]" * 9000, encoding="utf-8")
    with pytest.raises(versions.ReleaseError, match=r"^datapackage/releases/v1\.0\.0\.json: cannot read"):
        versions.releases(tmp_path)


# -- release commits: an ancestor of the built commit, whose package passes the full validator ---
def record_release(repo: Path, version: str, commit: str) -> None:
    """A release record naming `commit`, committed as a pull request would (no checksums needed:
    the commit is refused before anything is exported from it)."""
    path = repo / "datapackage" / "releases" / f"v{version}.json"
    path.write_text(json.dumps({"version": version, "date": "2026-12-01", "commit": commit}) + "\n")
    git(repo, "add", "--", str(path))
    git(repo, "commit", "--quiet", "-m", f"Record v{version}")


def with_formula(repo: Path) -> str:
    """Commit a package with a spreadsheet formula in a cell; returns that commit."""
    set_cell(repo / "datapackage" / "datapackage.json", "figures", "cao-centres", "metric", '=HYPERLINK("x")')
    git(repo, "commit", "--quiet", "-am", "A formula")
    return git(repo, "rev-parse", "HEAD")


def release_state(repo: Path):
    from scripts.publish import versions

    return versions.state(repo, repo / "datapackage", "2026-12-03")


def test_release_from_a_side_branch_is_refused(make_clone):
    git(make_clone, "checkout", "--quiet", "-b", "side")
    side = with_formula(make_clone)
    git(make_clone, "checkout", "--quiet", "test-branch")
    record_release(make_clone, "1.0.1", side)
    from scripts.publish import versions

    with pytest.raises(versions.ReleaseError, match=r"^datapackage/releases/v1\.0\.1\.json: commit: .*not an ancestor"):
        release_state(make_clone)


def test_release_of_a_commit_that_fails_the_validator_is_refused(make_clone):
    """Not only the descriptor: every rule. The formula was committed and reverted on this branch."""
    bad = with_formula(make_clone)
    git(make_clone, "revert", "--no-edit", "HEAD")
    record_release(make_clone, "1.0.1", bad)
    from scripts.publish import versions

    with pytest.raises(versions.ReleaseError) as refused:
        release_state(make_clone)
    message = str(refused.value)
    assert message.startswith("datapackage/releases/v1.0.1.json: commit: ") and "does not pass the validator" in message
    assert re.search(r"v1\.0\.1/datapackage/data/figures\.csv:\d+: metric: starts with '='", message), message


def test_release_of_a_missing_commit_is_refused(make_clone):
    record_release(make_clone, "1.0.1", "a" * 40)
    from scripts.publish import versions

    with pytest.raises(versions.ReleaseError, match=r"^datapackage/releases/v1\.0\.1\.json: commit: a{40} is not in"):
        release_state(make_clone)


def commit_with_link(repo, name: str) -> str:
    """A commit whose package file `name` is a symbolic link out of the package, reverted at once."""
    (repo / "datapackage" / name).unlink()
    (repo / "datapackage" / name).symlink_to("/etc/passwd")
    git(repo, "commit", "--quiet", "-am", "A link")
    linked = git(repo, "rev-parse", "HEAD")
    git(repo, "revert", "--no-edit", "HEAD")
    return linked


def test_release_commit_holding_a_symbolic_link_is_refused(make_clone):
    record_release(make_clone, "1.0.1", commit_with_link(make_clone, "README.md"))
    from scripts.publish import versions

    with pytest.raises(
        versions.ReleaseError, match=r"v1\.0\.1\.json: commit: .*'datapackage/README\.md'.*symbolic link"
    ):
        release_state(make_clone)


def test_a_frozen_release_is_held_to_every_safety_rule_not_to_a_later_method(package_copy):
    """A release cannot change, so a rule of method written after it must not stop every build;
    every rule that keeps a reader safe, and every check of the annex's words, still applies."""
    line = set_cell(package_copy, "commitments", "1d-uk-funding-22m", "summary", "The UK will pay.")
    assert_rejected(package_copy, "commitments", line, "summary", "keep the annex's modality")
    assert validate(package_copy, frozen=True).valid
    set_cell(package_copy, "commitments", "1d-uk-funding-22m", "summary", "=1+1")
    set_cell(package_copy, "figures", "cao-centres", "quote", "Not the annex's words.")
    problems = [str(p) for p in validate(package_copy, frozen=True).problems]
    assert any(f"commitments.csv:{line}: summary: starts with '='" in p for p in problems), problems
    assert any("figures.csv" in p and ": quote: is not in paragraph" in p for p in problems), problems


@pytest.mark.build  # runs `mkdocs build` in a clone
@pytest.mark.parametrize("case", ["side branch", "missing commit", "symbolic link"])
def test_build_and_release_refuse_a_bad_release_without_a_traceback(make_clone, tmp_path, case):
    """What `mkdocs build` and `make release` print: the record's file and field, no traceback."""
    if case == "side branch":
        git(make_clone, "checkout", "--quiet", "-b", "side")
        commit = with_formula(make_clone)
        git(make_clone, "checkout", "--quiet", "test-branch")
    elif case == "missing commit":
        commit = "b" * 40
    else:
        commit = commit_with_link(make_clone, "LICENSE.md")
    record_release(make_clone, "1.0.1", commit)
    for folder in ("hooks", "overrides"):
        commit_files(
            make_clone,
            {p.relative_to(ROOT).as_posix(): p for p in tracked(ROOT / folder)},
            "This checkout",
        )
    commit_files(make_clone, {"mkdocs.yml": ROOT / "mkdocs.yml"}, "This checkout")
    # The clone's own scripts (its ROOT is the clone), not the ones installed from this checkout.
    env = {**GIT_ENV, "PYTHONPATH": str(make_clone)}
    built = serving.build(tmp_path / "site", "http://127.0.0.1:1/", repo=make_clone, env=env)
    release = subprocess.run(
        [sys.executable, "-m", "tools.release", "--dry-run", "9.9.9"],
        cwd=make_clone,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    for result in (built, release):
        assert result.returncode != 0
        assert "datapackage/releases/v1.0.1.json: commit: " in result.stderr, result.stderr[-2000:]
        assert "Traceback" not in result.stderr, result.stderr[-2000:]

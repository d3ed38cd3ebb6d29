"""Everything a pull request can change is untrusted: the descriptor (every field, every path), file
names, symbolic links, number and date cells, invisible characters, and the values given to make.

Each case is applied to a throwaway copy of the package (or a throwaway clone for make) and is
refused with a message naming the file and the field, with nothing read from outside the package:
a canary file and a canary environment variable prove that none of it reaches the validator's
messages, the downloads or the built site, and nothing is written outside the output folder.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import ROOT, assert_rejected, build_site, set_cell
from diff_fixtures import GIT_ENV, clone, commit_files, git, two_packages  # noqa: F401 (pytest fixtures)

from scripts import descriptor as desc
from scripts import diff, export

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
    "categories that do not match the enum": (
        lambda d: d["resources"][3]["schema"]["fields"][4]["categories"].pop(),
        "resources[3].schema.fields[4].categories",
        "must label exactly the values",
    ),
    "a category label with markup": (
        lambda d: d["resources"][3]["schema"]["fields"][4]["categories"][0].update(label="<b>" + "x" * 400),
        "resources[3].schema.fields[4].categories[0].label",
        "'<b>xxx",  # refused as too long; the message shows the value, cut short
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
    """A pull request may loosen an id's pattern in datapackage.json; ids still name pages and
    download files, so one that climbs out of its folder is refused by the project's own rule."""

    def loosen(d):
        figures = next(r for r in d["resources"] if r["name"] == "figures")
        next(f for f in figures["schema"]["fields"] if f["name"] == "figure_id")["constraints"]["pattern"] = ".*"

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
def test_numbers_must_be_plain_decimals(package_copy, table, key, field, value):
    line = set_cell(package_copy, table, key, field, value)
    assert_rejected(package_copy, table, line, field)


@pytest.mark.parametrize("value", ["2099-06-01", "9999-12-31"])
def test_evidence_from_the_future_is_refused(package_copy, value):
    set_cell(package_copy, "followups", "calais-camp-clearance-begins", "date", value)
    assert_refused(package_copy, "data/followups.csv", "date", "after today")


def test_overlong_id_is_refused(package_copy):
    set_cell(package_copy, "terms", "eurodac", "term_id", "e" * 300)
    assert_refused(package_copy, "data/terms.csv", "term_id", "constraint-error")


@pytest.mark.parametrize(
    "char", ["\u202e", "\u2066", "\u200b", "\u200d", "\ufeff", "\u0007", "\u0085", "\u2028", "\u00ad"]
)
def test_invisible_characters_are_refused(package_copy, char):
    line = set_cell(
        package_copy, "terms", "eurodac", "definition", f"The EU fingerprint database{char} for asylum applicants."
    )
    out = assert_refused(package_copy, "data/terms.csv", "definition", f"U+{ord(char):04X}")
    assert f"data/terms.csv:{line}: definition: " in out


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


# -- nothing from outside the package reaches the built site -----------------------------------
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
@pytest.fixture
def make_clone(clone):
    """A clone with this checkout's Makefile and scripts, using the test run's own virtualenv."""
    files = [p for folder in ("scripts", "datapackage") for p in (ROOT / folder).rglob("*") if p.is_file()]
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
    from scripts import versions

    folder = tmp_path / "datapackage" / "releases"
    folder.mkdir(parents=True)
    (folder / name).write_text(record, encoding="utf-8")
    with pytest.raises(versions.ReleaseError) as refused:
        versions.releases(tmp_path)
    assert str(refused.value).startswith(f"datapackage/releases/{name}: ") and field in str(refused.value)

"""One Build per package (scripts/build.py): the package is read and validated once, before anything uses it."""

import csv
import time

import pytest
from conftest import build_site

from scripts import build
from scripts.paths import ROOT

pytestmark = pytest.mark.build


def test_a_build_loads_and_validates_the_package_once_and_opens_its_descriptor_once(build_loads):
    # The shared site's build, with every opening of the working tree's datapackage.json logged (an
    # audit hook): the validator's is the only one; the release check, the changelog and the
    # downloads use what it read.
    descriptor = ROOT / "datapackage" / "datapackage.json"
    assert build_loads == [f"read {descriptor}", f"load and validate {descriptor}"]


def test_a_missing_column_fails_the_build_with_one_message(tmp_path, package_copy):
    path = package_copy.parent / "data" / "terms.csv"
    rows = list(csv.reader(path.open(encoding="utf-8")))
    i = rows[0].index("expansion")
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows([r[:i] + r[i + 1 :] for r in rows])
    result = build_site(tmp_path / "site", "http://127.0.0.1:1/", package_copy.parent)
    assert result.returncode != 0 and "Traceback" not in result.stderr
    problems = [line for line in result.stderr.splitlines() if "data/terms.csv:" in line]
    assert len(problems) == 1 and problems[0].endswith("data/terms.csv:1: expansion: column is missing from the header")


def test_the_build_reloads_only_when_a_file_changes(package_copy):
    first = build.site(package_copy)
    assert build.site(package_copy) is first
    terms = package_copy.parent / "data" / "terms.csv"
    time.sleep(0.01)
    terms.write_text(terms.read_text(encoding="utf-8").replace("INTERPOL's", "INTERPOL’s"), encoding="utf-8")
    second = build.site(package_copy)
    assert second is not first
    assert any("INTERPOL’s" in t["definition"] for t in second.rows("terms"))

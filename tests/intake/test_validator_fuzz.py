"""Property: whatever is done to the CSVs, the validator answers with a report; it never crashes.

Hypothesis mutates the real tables (bytes flipped, text inserted or deleted, cells replaced with
quotes, line breaks, commas and any Unicode, files truncated, lines duplicated or dropped, columns
shuffled) in a copy of the package. `validate()` must return a Report whose every problem names an
existing file and a line inside it; the CLI must exit 0 or 1, print one problem per line and
never a traceback. Examples are derandomized, so CI runs the same ones every time.
"""

from __future__ import annotations

import csv
import io
import random
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scripts.intake.validate import Problem, Report, validate
from scripts.paths import PACKAGE_DIR

pytestmark = pytest.mark.data

TABLES = sorted(p.stem for p in (PACKAGE_DIR / "data").glob("*.csv"))
ORIGINAL = {name: (PACKAGE_DIR / "data" / f"{name}.csv").read_bytes() for name in TABLES}
OPS = [
    "flip",
    "insert",
    "delete",
    "truncate",
    "duplicate_line",
    "drop_line",
    "swap_lines",
    "cell",
    "extend_cell",
    "raw_cell",
    "shuffle_columns",
    "shuffle_header",
]
# What breaks CSVs and parsers: quotes, separators, line endings, formula starts, NUL, BOM, any Unicode.
NASTY = st.one_of(
    st.text(st.sampled_from(list('",\n\r\t=+-@; \\\x00\ufeff\u2028é€£ax1')), max_size=40),
    st.text(st.characters(codec="utf-8"), max_size=40),
)
MUTATIONS = st.lists(st.tuples(st.sampled_from(OPS), st.integers(0, 2**32), NASTY), min_size=1, max_size=3)
LINE = re.compile(r"^.+:\d+: .+: ")


def parse(data: bytes) -> list[list[str]] | None:
    try:
        return list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))
    except (UnicodeDecodeError, csv.Error):
        return None


def unparse(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue().encode("utf-8")


def mutate(data: bytes, op: str, n: int, text: str) -> bytes:
    """One edit; `n` picks the place (and a byte, a length or a seed), `text` is what goes in."""
    at = n % (len(data) + 1)
    lines = data.split(b"\n")
    i, j = n % len(lines), (n >> 8) % len(lines)
    if op == "flip":
        return data[:at] + bytes([(n >> 8) & 0xFF]) + data[at + 1 :]
    if op == "insert":
        return data[:at] + text.encode("utf-8") + data[at:]
    if op == "delete":
        return data[:at] + data[at + 1 + (n >> 8) % 64 :]
    if op == "truncate":
        return data[:at]
    if op == "duplicate_line":
        return b"\n".join(lines[: i + 1] + lines[i:])
    if op == "drop_line":
        return b"\n".join(lines[:i] + lines[i + 1 :])
    if op == "swap_lines":
        lines[i], lines[j] = lines[j], lines[i]
        return b"\n".join(lines)
    if op == "raw_cell":  # spliced in unquoted, as a hand edit in a text editor would
        cells = lines[i].split(b",")
        cells[(n >> 8) % len(cells)] = text.encode("utf-8")
        lines[i] = b",".join(cells)
        return b"\n".join(lines)
    rows = parse(data)
    if not rows:
        return data
    if op in ("cell", "extend_cell"):  # written back by a CSV writer, as a spreadsheet would
        row = rows[n % len(rows)]
        if row:
            if op == "extend_cell":  # the identifiers come first: extended, one still nearly matches
                k = (n >> 8) % min(3, len(row))
                row[k] += text
            else:
                row[(n >> 8) % len(row)] = text
        return unparse(rows)
    order = list(range(max(len(r) for r in rows)))
    random.Random(n).shuffle(order)
    shuffled = [[r[k] for k in order if k < len(r)] for r in rows]
    return unparse(shuffled if op == "shuffle_columns" else shuffled[:1] + rows[1:])


def apply(package: Path, table: str, mutations) -> Path:
    path = package / "data" / f"{table}.csv"
    data = ORIGINAL[table]
    for op, n, text in mutations:
        data = mutate(data, op, n, text)
    path.write_bytes(data)
    return path


def physical_lines(path: Path) -> int:
    return path.read_bytes().count(b"\n") + 1


def check_report(report) -> None:
    assert isinstance(report, Report)
    # Sorted and without repeats: one message per problem, in file and line order.
    assert report.problems == sorted(set(report.problems)), report.problems
    for problem in report.problems:
        assert isinstance(problem, Problem), problem
        assert problem.field and isinstance(problem.message, str), problem
        path = Path(problem.path)
        path = path if path.is_absolute() else Path.cwd() / path
        assert path.is_file(), problem
        assert 1 <= problem.line <= physical_lines(path) + 1, problem
        assert "\n" not in str(problem) and "\r" not in str(problem), problem  # one problem, one line


@pytest.fixture(scope="module")
def package(tmp_path_factory) -> Path:
    """One copy for all examples: each example writes one table and puts it back afterwards."""
    target = tmp_path_factory.mktemp("fuzz") / "datapackage"
    shutil.copytree(PACKAGE_DIR, target)
    return target


# Examples per property come from the Hypothesis profile (tests/conftest.py): all of them in
# `make test`, a few in `make check`.
FUZZ = settings(
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@FUZZ
@given(table=st.sampled_from(TABLES), mutations=MUTATIONS)
def test_validate_always_returns_a_report(package, table, mutations):
    path = apply(package, table, mutations)
    try:
        check_report(validate(package / "datapackage.json"))
    finally:
        path.write_bytes(ORIGINAL[table])


@settings(FUZZ, max_examples=max(2, settings().max_examples // 10))  # a process each: fewer
@given(table=st.sampled_from(TABLES), mutations=MUTATIONS)
def test_cli_exits_0_or_1_without_a_traceback(package, table, mutations):
    path = apply(package, table, mutations)
    try:
        result = subprocess.run(
            [sys.executable, "-m", "scripts.intake.validate", str(package / "datapackage.json")],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
    finally:
        path.write_bytes(ORIGINAL[table])
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode in (0, 1), result.stderr
    out = result.stdout.splitlines()
    if result.returncode == 0:
        assert len(out) == 1 and out[0].startswith("valid: ")
    else:
        assert out and all(LINE.match(line) for line in out), result.stdout[:3000]


def test_mutations_are_applied_and_undone(package):
    """The harness itself: an edit reaches the copy and is reverted; the real package is untouched."""
    path = apply(package, "figures", [("truncate", 10, "")])
    assert path.read_bytes() == ORIGINAL["figures"][:10]
    path.write_bytes(ORIGINAL["figures"])
    assert validate(package / "datapackage.json").valid

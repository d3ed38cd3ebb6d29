"""Shared fixtures: the real package, mutable copies of it, and (later) the built site."""
from __future__ import annotations

import csv
import hashlib
import io
import shutil
from pathlib import Path

import pytest

from scripts.paths import PACKAGE_DIR, ROOT


def tree_digest(folder: Path) -> str:
    """One hash over every file of a folder, to prove a test left the real files alone."""
    h = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            h.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


@pytest.fixture(scope="session", autouse=True)
def real_package_untouched():
    """Fails the run if any test wrote to the real data package."""
    before = tree_digest(PACKAGE_DIR)
    yield
    assert tree_digest(PACKAGE_DIR) == before, "a test modified datapackage/"


@pytest.fixture
def package_copy(tmp_path: Path) -> Path:
    """A throwaway copy of the real package; returns its descriptor."""
    target = tmp_path / "datapackage"
    shutil.copytree(PACKAGE_DIR, target)
    return target / "datapackage.json"


def read_table(path: Path) -> tuple[list[str], list[list[str]]]:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    return rows[0], rows[1:]


def write_table(path: Path, header: list[str], rows: list[list[str]]) -> None:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


def csv_line_of(path: Path, index: int) -> int:
    """The physical line on which record `index` (0-based, after the header) starts."""
    from scripts.package import read_csv
    return read_csv(path)[index].line


def set_cell(descriptor: Path, table: str, key: str, field: str, value: str) -> int:
    """Set one cell of the row whose first-id column equals `key`; returns that row's CSV line."""
    path = descriptor.parent / "data" / f"{table}.csv"
    header, rows = read_table(path)
    id_col = 0 if table == "documents" else 1
    index = next(i for i, row in enumerate(rows) if row[id_col] == key)
    rows[index][header.index(field)] = value
    write_table(path, header, rows)
    return csv_line_of(path, index)


__all__ = ["ROOT", "read_table", "write_table", "set_cell", "csv_line_of", "tree_digest"]

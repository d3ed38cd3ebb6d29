"""Read the data package: descriptor and CSVs, exactly as written (strings, CSV line numbers)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from scripts.intake.descriptor import local_file, parse, read_text
from scripts.paths import DESCRIPTOR


@dataclass
class Row:
    """One CSV record: its values as text, and the line of the file it starts on."""

    line: int
    values: dict[str, str] = field(default_factory=dict)
    extra_cells: int = 0

    def __getitem__(self, key: str) -> str:
        return self.values.get(key) or ""


def load_descriptor(path: Path = DESCRIPTOR) -> dict:
    return parse(read_text(path))


def resource_path(descriptor_path: Path, resource: dict) -> Path:
    """The resource's file, only if it is a regular file inside the package (UnsafePath otherwise)."""
    return local_file(descriptor_path.parent, resource.get("path"))


# The csv module's field limit is global, and Frictionless raises it when it is imported: set it
# here, above the file size limit, so reading never depends on what ran before. The validator has
# its own, explicit limit on a cell's length.
FIELD_LIMIT = 10_000_000


def read_csv(path: Path) -> list[Row]:
    """Rows with their physical line numbers (a quoted cell may span lines)."""
    with path.open(encoding="utf-8", newline="") as handle:
        return parse_csv(handle)


def parse_csv(handle: io.TextIOBase) -> list[Row]:
    """`read_csv` of an open text file, or of text already read (`io.StringIO(text, newline="")`)."""
    csv.field_size_limit(FIELD_LIMIT)
    rows: list[Row] = []
    reader = csv.reader(handle)
    header = next(reader, [])
    line = reader.line_num + 1
    try:
        for cells in reader:
            values = dict(zip(header, cells))
            for name in header[len(cells) :]:
                values[name] = None  # a short row: the cell is missing, not empty
            rows.append(Row(line, values, max(0, len(cells) - len(header))))
            line = reader.line_num + 1
    except csv.Error as exc:
        exc.line = line  # the record the reader gave up on starts here (an unclosed quote, say)
        raise
    return rows


def load_rows(path: Path) -> list[dict[str, str]]:
    return [row.values for row in read_csv(path)]


def load_tables(descriptor_path: Path = DESCRIPTOR) -> dict[str, list[Row]]:
    """Every resource of the package by name."""
    descriptor = load_descriptor(descriptor_path)
    return {r["name"]: read_csv(resource_path(descriptor_path, r)) for r in descriptor["resources"]}

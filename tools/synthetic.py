"""A synthetic package N times the size of the real one, valid, for measuring how costs grow.

`python -m tools.synthetic --scale 10 --out DIR` copies the real package to DIR and makes
every table N times longer, in one of two ways:

- `--mode documents` (the default): N documents. Copy k (k = 2…N) of the annex is a further
  document, `<document_id>-sk`, with the same source file and SHA-256, its own paragraphs and a
  copy of every record of the annex: ids get the suffix `-sk`, and so do the references to them
  (`figure_ids`, a follow-up's `commitment_id`). Each copy passes every check, because each is the
  annex again: its quotes are in its paragraphs and each of its numbers is covered by its own
  records (the number allowlist applies to every document).
- `--mode rows`: one document, and N copies of every record of figures, commitments, events,
  terms and follow-ups with suffixed ids. Quotes and `*_as_stated` stay as they are: they must be
  in the annex. Copies of a record cover the same span of the paragraph, which the number check
  accepts; nothing in the validator forbids two records quoting the same words. Documents and
  paragraphs cannot be multiplied in this mode: paragraphs.csv must equal what is derived from
  each document's source, so more paragraphs need more documents.

Either way the package is checked with scripts/intake/validate.py, and the script fails if it is not
valid. At 100× the largest table, followups.csv, is 5.1 MB; past about 190× it would exceed
validate.MAX_FILE_BYTES (10 MB) and be rejected. In `documents` mode the site shows each copy as a
document of its own (scripts/model/derive.py, Site.view): its page at annex/<document_id>-sk/, its
records numbered from C1 and cited as that copy's. The copies keep the annex's words: right for
measuring what a bigger package costs, not for reading.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import shutil
import sys
from pathlib import Path

from scripts.intake.package import read_csv
from scripts.intake.validate import validate
from scripts.paths import PACKAGE_DIR

RECORD_TABLES = ("figures", "commitments", "events", "terms", "followups")
REFERENCES = {"part_of"}  # fields that name another record by its id, under another name


def id_fields(descriptor: dict) -> set[str]:
    """Fields that identify a record (and so refer to one elsewhere): every primary key field
    except document_id and paragraph_id, which are the document's own."""
    return {f for r in descriptor["resources"] for f in r["schema"].get("primaryKey", [])} - {
        "document_id",
        "paragraph_id",
    }


def copy_row(row: dict[str, str], ids: set[str], suffix: str, document_id: str | None) -> dict[str, str]:
    out = dict(row)
    for name, value in row.items():
        if name in ids and value:
            out[name] = value + suffix
        elif name.endswith("_ids") and name[:-1] in ids and value:  # figure_ids: a space-separated list
            out[name] = " ".join(v + suffix for v in value.split())
        elif name in REFERENCES and value:  # part_of: the commitment this one is part of
            out[name] = value + suffix
    if document_id:
        out["document_id"] = document_id
    return out


def write_csv(path: Path, header: list[str], rows: list[dict[str, str]]) -> None:
    out = io.StringIO()
    writer = csv.DictWriter(out, header, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


def generate(scale: int, out: Path, mode: str = "documents", source: Path = PACKAGE_DIR) -> Path:
    """Write the synthetic package to `out` (replaced if it exists); returns its descriptor."""
    if scale < 1:
        raise ValueError("scale must be at least 1")
    if out.exists():
        shutil.rmtree(out)
    shutil.copytree(source, out)
    descriptor = json.loads((out / "datapackage.json").read_text(encoding="utf-8"))
    ids = id_fields(descriptor)
    for resource in descriptor["resources"]:
        name = resource["name"]
        if mode == "rows" and name not in RECORD_TABLES:
            continue
        path = out / resource["path"]
        header = [f["name"] for f in resource["schema"]["fields"]]
        rows = [r.values for r in read_csv(path)]
        copies = []
        for k in range(2, scale + 1):
            for row in rows:
                document = f"{row['document_id']}-s{k}" if mode == "documents" else None
                copy = copy_row(row, ids, f"-s{k}", document)
                if name == "documents":
                    copy["title"] = f"{row['title']} (synthetic copy {k})"
                copies.append(copy)
        write_csv(path, header, rows + copies)
    return out / "datapackage.json"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=10, help="how many times the real package (default 10)")
    parser.add_argument("--out", type=Path, required=True, help="folder to write (replaced if it exists)")
    parser.add_argument("--mode", choices=["documents", "rows"], default="documents")
    args = parser.parse_args(argv)
    descriptor = generate(args.scale, args.out, args.mode)
    report = validate(descriptor)
    if not report.valid:
        for problem in report.problems[:20]:
            print(problem, file=sys.stderr)
        print(f"the synthetic package is invalid: {len(report.problems)} problem(s)", file=sys.stderr)
        return 1
    print(f"{args.out}: {report.summary()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

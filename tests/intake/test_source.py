"""The evidence: our copy of the annex is byte-identical and its origin is recorded beside it."""

import hashlib
import json
import os
from pathlib import Path

import pytest

from scripts.intake.package import load_rows
from scripts.paths import DESCRIPTOR, PACKAGE_DIR, ROOT

pytestmark = pytest.mark.data

SOURCE = PACKAGE_DIR / "source" / "000_73c898e7f7e88842.txt"
# The digest of the file as it was handed to the project (../shared/source), written down once.
HANDED_OVER_SHA256 = "67fbf41f68799f4a3334dc7db78fe43c9a0d5be817ca348a6968b17df37df5e3"


def test_source_is_the_file_handed_to_us():
    assert hashlib.sha256(SOURCE.read_bytes()).hexdigest() == HANDED_OVER_SHA256


def test_descriptor_records_origin_and_checksum():
    descriptor = json.loads(DESCRIPTOR.read_text(encoding="utf-8"))
    source = descriptor["sources"][0]
    assert (DESCRIPTOR.parent / source["path"]) == SOURCE
    assert source["sha256"] == hashlib.sha256(SOURCE.read_bytes()).hexdigest()
    assert source["bytes"] == SOURCE.stat().st_size
    assert source["date"] == "2016-03-03"
    assert "Amiens" in source["place"]
    assert source["licence"].startswith("unknown")
    editions = " ".join(s["path"] for s in descriptor["sources"][1:])
    assert "franceintheus.org" in editions and "vie-publique.fr" in editions


def test_documents_table_agrees_with_descriptor():
    (doc,) = load_rows(PACKAGE_DIR / "data" / "documents.csv")
    assert doc["sha256"] == HANDED_OVER_SHA256
    assert doc["licence_status"] == "unknown"
    assert doc["date"] == "2016-03-03"


def test_project_never_reads_shared_folder():
    """The project is self-contained: no code or config points outside the checkout."""
    offenders = []
    for folder, dirs, files in os.walk(ROOT):
        # Pruned, not filtered: walking .venv and node_modules alone took seconds.
        dirs[:] = [d for d in dirs if not (folder == str(ROOT) and d in {".venv", "node_modules", ".git", "site"})]
        for name in files:
            path = Path(folder) / name
            if path.suffix in {".py", ".yml", ".yaml", ".toml", ".cfg"} or name in {"Makefile", "run"}:
                if path.is_file() and "../shared" in path.read_text(encoding="utf-8", errors="replace"):
                    offenders.append(str(path.relative_to(ROOT)))
    offenders = [o for o in offenders if not o.startswith("tests/intake/test_source.py")]
    assert offenders == []

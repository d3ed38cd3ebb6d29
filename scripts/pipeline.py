"""The build's first stages, run once per build: load and validate (scripts/intake/validate.py), derive
(scripts/model/derive.py), and find which release the package is (scripts/publish/versions.py).

The later stages are run by the MkDocs hooks (mkdocs.yml), each from what `site()` returns: charts
are built and drawn (scripts/site/charts.py, scripts/site/draw.py) when a page first shows one, the record,
list and embed pages are rendered (scripts/site/render.py), and the downloads are exported
(scripts/publish/versions.py, scripts/publish/export.py) after the site is built.

Every hook and macro asks `site()` for the derived package. The first call reads and validates the
package; the derivation is built from the very tables the validator read, and nothing reads the
package before it has passed. The descriptor is opened once: the publishing stages use what was
read. Invalid data raises `InvalidPackage` with the validator's own `FILE:LINE: FIELD: message`
lines, never a traceback. The result is kept while no file of the package
changes, so a rebuild under `mkdocs serve` after a CSV edit loads and validates again.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from scripts.intake.rules import build_date
from scripts.intake.validate import Report, load_and_validate
from scripts.model.derive import Site
from scripts.paths import DESCRIPTOR, ROOT
from scripts.publish import versions

# Set ANNEX_PIPELINE_LOG to a file to have each load, and each opening of the working tree's
# descriptor, appended to it (how tests count loads and reads per build).
LOG = "ANNEX_PIPELINE_LOG"


def _log(line: str) -> None:
    with open(os.environ[LOG], "a", encoding="utf-8") as log:
        log.write(line + "\n")


def _log_descriptor_reads(event: str, args: tuple) -> None:
    # Every way of opening a file raises the "open" audit event, so no reader goes uncounted.
    if event == "open" and isinstance(args[0], str | Path) and Path(args[0]) == DESCRIPTOR:
        _log(f"read {DESCRIPTOR}")


if os.environ.get(LOG):
    sys.addaudithook(_log_descriptor_reads)

_cache: dict[Path, tuple[tuple, Site]] = {}
# True under `mkdocs serve` (set once, by hooks/validate_data.py's on_startup).
preview = False
# The preview (`mkdocs serve`, hooks/validate_data.py) keeps serving the last package that passed
# when a save breaks it: the fingerprint of the failing files, and the lines that say what is wrong.
_kept: dict[Path, tuple[tuple, list[str]]] = {}


class InvalidPackage(Exception):
    def __init__(self, report: Report):
        self.report = report
        super().__init__("the data package is invalid:\n" + "\n".join(map(str, report.problems)))


def fingerprint(folder: Path) -> tuple:
    """Name, size and modification time of every file below `folder` (links not followed)."""
    out = []
    for root, dirs, files in os.walk(folder):
        dirs.sort()
        for name in sorted(files):
            st = os.lstat(os.path.join(root, name))
            out.append((os.path.relpath(os.path.join(root, name), folder), st.st_size, st.st_mtime_ns))
    return tuple(out)


def site(descriptor_path: Path = DESCRIPTOR) -> Site:
    """The validated, derived package: loaded once, and again only when one of its files changes."""
    descriptor_path = Path(descriptor_path).absolute()
    stamp = fingerprint(descriptor_path.parent)
    cached = _cache.get(descriptor_path)
    if cached and (cached[0] == stamp or _kept.get(descriptor_path, ((),))[0] == stamp):
        return cached[1]
    report, package = load_and_validate(descriptor_path)
    if os.environ.get(LOG):
        _log(f"load and validate {descriptor_path}")
    if not report.valid:
        raise InvalidPackage(report)
    derived = Site.from_package(package.descriptor, package.tables)
    # Citations name a release only if the package is one (datapackage/releases/), else its commit.
    derived.release = versions.state(ROOT, descriptor_path.parent, build_date().isoformat(), package.descriptor_bytes)
    derived.tree = versions.Tree(derived.version, package.descriptor, derived.release.released is not None)
    _cache[descriptor_path] = (stamp, derived)
    return derived


def kept_problems(descriptor_path: Path = DESCRIPTOR) -> list[str]:
    """Under the preview, what is wrong with the files on disk while the last good package is
    served ([] when they passed): nothing may then be read from them again, or published."""
    descriptor_path = Path(descriptor_path).absolute()
    kept = _kept.get(descriptor_path)
    return kept[1] if kept and kept[0] == fingerprint(descriptor_path.parent) else []


def site_or_last_good(descriptor_path: Path = DESCRIPTOR) -> tuple[Site, list[str]]:
    """For the preview: the package and no problems; or, when it fails validation, the last package
    that passed in this process and the `FILE:LINE: FIELD: message` lines that say why (raises when
    none has passed yet). Every later `site()` call gets the same package until a file changes again."""
    descriptor_path = Path(descriptor_path).absolute()
    try:
        derived = site(descriptor_path)
    except (InvalidPackage, versions.ReleaseError) as exc:
        if descriptor_path not in _cache:
            raise
        lines = [str(p) for p in exc.report.problems] if isinstance(exc, InvalidPackage) else str(exc).splitlines()
        _kept[descriptor_path] = (fingerprint(descriptor_path.parent), lines)
        return _cache[descriptor_path][1], lines
    kept = _kept.get(descriptor_path)
    if kept and kept[0] == fingerprint(descriptor_path.parent) and _cache[descriptor_path][0] != kept[0]:
        return derived, kept[1]
    _kept.pop(descriptor_path, None)
    return derived, []

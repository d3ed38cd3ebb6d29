"""Export one version of the package as the downloads journalists use: CSV, JSON, XLSX, a ZIP
evidence pack and SHA256SUMS, with `bytes` and `hash` for every resource in the descriptor.

Every output is deterministic (fixed order, fixed timestamps), so a version exported twice is
byte-identical, and a released version's files can be frozen by their checksums.
"""

from __future__ import annotations

import copy
import csv
import datetime as dt
import hashlib
import io
import json
import math
import re
import zipfile
from pathlib import Path

from scripts.intake.descriptor import PUBLISHED_FILES, checked, is_https, local_file
from scripts.model.citations import DATASET, licence_line

# ZIP entries carry this timestamp (the annex's date), so archives never depend on the clock.
FIXED_TIME = (2016, 3, 3, 0, 0, 0)
BASENAME = "amiens-annex"
# A released version's files never change (datapackage/releases/*.sha256). Versions up to this one
# were released with a workbook whose dates are text and whose citation names no address: they keep
# it. Later releases, and unreleased data, get dates as dates and the package's address.
LAST_PLAIN_WORKBOOK = (1, 0, 0)
SEMVER = re.compile(r"(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)")
DATE_FORMAT = "yyyy-mm-dd"


def version_key(version: str) -> tuple[int, ...]:
    """MAJOR.MINOR.PATCH as numbers, to order and compare versions."""
    return tuple(int(x) for x in SEMVER.fullmatch(version).groups())


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def typed(value: str, field: dict):
    """A CSV cell as the schema types it: numbers as numbers, empty as null, the rest as text."""
    if value == "":
        return None
    if field.get("type") == "integer":
        return int(value)
    if field.get("type") == "number":
        number = float(value)
        if not math.isfinite(number):
            raise ValueError(f"{value!r} is not a finite number")  # the validator refuses it first
        return int(number) if number.is_integer() else number
    return value


def typed_row(row: dict[str, str], schema: dict) -> dict:
    """A CSV row as its JSON record: the schema's field order, each cell typed."""
    return {f["name"]: typed(row.get(f["name"]) or "", f) for f in schema["fields"]}


def read_typed(raw: bytes, schema: dict) -> list[dict]:
    """A CSV file's bytes as its JSON records."""
    return [typed_row(row, schema) for row in csv.DictReader(io.StringIO(raw.decode("utf-8"), newline=""))]


def json_bytes(data) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode()


def record_files(schema: dict, row: dict[str, str], provenance: dict | None = None) -> dict[str, bytes]:
    """One record to take away: its CSV row under the header (as the package's CSV writes it, so
    every CSV reader takes it as it is) and its JSON: the record as the package's JSON holds it, and,
    with `provenance`, beside it where it comes from."""
    names = [f["name"] for f in schema["fields"]]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(names)
    writer.writerow([row.get(n) or "" for n in names])
    record = typed_row(row, schema)
    data = {"record": record, "provenance": provenance} if provenance else record
    return {"csv": out.getvalue().encode(), "json": json_bytes(data)}


def export_records(out: Path, descriptor: dict, tables: dict[str, list], keys: dict[str, str], provenance=None) -> int:
    """Write `out/TABLE/KEY.csv` and `.json` for every row of each table in `keys` (table → key field);
    `provenance(table, key, row)`: what each JSON says of where its record comes from."""
    count = 0
    for resource in descriptor["resources"]:
        key = keys.get(resource["name"])
        for row in tables.get(resource["name"], []) if key else ():
            values = {f["name"]: row[f["name"]] for f in resource["schema"]["fields"]}
            about = provenance(resource["name"], values[key], values) if provenance else None
            for ext, data in record_files(resource["schema"], values, about).items():
                target = out / resource["name"] / f"{values[key]}.{ext}"
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(data)
                count += 1
    return count


def download_names(version: str | None) -> dict[str, str]:
    """The file names of a version's workbook and evidence pack (the pages and JSON-LD link to them);
    None: data not yet released, whose files must not carry a version they are not."""
    label = f"v{version}" if version else "unreleased"
    return {
        "workbook": f"{BASENAME}-{label}.xlsx",
        "pack": f"{BASENAME}-{label}.zip",
        "folder": f"{BASENAME}-{label}",
    }


def write_xlsx(
    target: Path, descriptor: dict, tables: dict[str, list[dict]], readme: list[tuple[str, str]], dates: bool = True
) -> None:
    """One sheet per resource and a README sheet. Text is stored as text, so it never runs; with
    `dates`, a date column holds dates (shown YYYY-MM-DD), which sort and filter as dates."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    info = wb.active
    info.title = "README"
    for key, value in readme:
        info.append([key, value])
        for cell in info[info.max_row]:
            cell.data_type = "s"
    info.column_dimensions["A"].width, info.column_dimensions["B"].width = 28, 120
    for (cell,) in info.iter_rows(min_col=2, max_col=2):
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for resource in descriptor["resources"]:
        sheet = wb.create_sheet(resource["name"][:31])
        fields = resource["schema"]["fields"]
        names = [f["name"] for f in fields]
        sheet.append(names)
        rows = tables[resource["name"]]
        for row in rows:
            sheet.append([as_cell(row.get(f["name"]), f, dates) for f in fields])
            for cell, field in zip(sheet[sheet.max_row], fields, strict=True):
                if isinstance(cell.value, dt.date):
                    cell.number_format = DATE_FORMAT
                elif isinstance(cell.value, str):
                    cell.data_type = "s"  # openpyxl would otherwise read "=…" as a formula
                elif cell.value is not None and field["type"] in ("number", "integer"):
                    cell.number_format = "#,##0" if float(cell.value).is_integer() else "#,##0.00####"
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        # Readable at first sight: columns as wide as their content (within reason), text wrapped in
        # the long ones, a filter on every header, the header row kept in view.
        for i, name in enumerate(names, start=1):
            longest = max([len(name)] + [len(str(r.get(name) or "")) for r in rows])
            letter = get_column_letter(i)
            sheet.column_dimensions[letter].width = min(max(longest + 2, 8), 60)
            if longest > 60:
                for (cell,) in sheet.iter_rows(min_row=2, min_col=i, max_col=i):
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(names))}{max(sheet.max_row, 1)}"
        sheet.freeze_panes = "A2"
    fixed = dt.datetime(*FIXED_TIME)
    wb.properties.created = wb.properties.modified = fixed
    wb.properties.creator = "Amiens annex open data"
    buffer = io.BytesIO()
    wb.save(buffer)
    target.write_bytes(renormalise_zip(buffer.getvalue(), {"docProps/core.xml": fixed_core_dates}))


def as_cell(value, field: dict, dates: bool):
    """A typed value as a workbook cell: a date column's valid ISO dates as dates."""
    if dates and field.get("type") == "date" and isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return value  # the validator refuses it first; the text stays as written
    return value


def fixed_core_dates(xml: bytes) -> bytes:
    # openpyxl stamps the save time into the workbook's properties whatever we set.
    stamp = dt.datetime(*FIXED_TIME).strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    return re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)", rb"\g<1>" + stamp + rb"\g<2>", xml)


def renormalise_zip(data: bytes, fix: dict | None = None) -> bytes:
    """Rewrite a ZIP with fixed timestamps and order: the same content gives the same bytes."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if fix and info.filename in fix:
                content = fix[info.filename](content)
            add_to_zip(target, info.filename, content)
    return out.getvalue()


def add_to_zip(archive: zipfile.ZipFile, name: str, data: bytes) -> None:
    if name.startswith("/") or ".." in name.split("/") or "\\" in name:
        raise ValueError(f"unsafe ZIP entry name {name!r}")  # unreachable past the descriptor check; kept as a guard
    info = zipfile.ZipInfo(name, FIXED_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    archive.writestr(info, data, compresslevel=9)


def sums(files: dict[str, bytes]) -> bytes:
    """SHA256SUMS in the format `sha256sum -c` reads: digest, two spaces, path."""
    return "".join(f"{sha256(data)}  {name}\n" for name, data in sorted(files.items())).encode()


def version_text(descriptor: dict, released: bool = True, address: str = "") -> str:
    """For a version's own files: the address is the package's own (`homepage`, and the version's
    folder under it, `address`), so frozen files never depend on where the site is built. Without
    one (versions released before they named it), the folder alone."""
    home = descriptor.get("homepage", "") if address else ""
    if not released:
        where = address or "/data/latest/ of the project's site"
        return (
            f"{DATASET}, unreleased data: {descriptor.get('title', '')}. Published at {where}; "
            f"cite a released version from {home or '/'}data/ where you can."
        )
    where = address or f"/data/v{descriptor['version']}/ of the project's site"
    return f"{DATASET}, version {descriptor['version']}: {descriptor.get('title', '')}. Published at {where}."


def export(
    package_dir: Path,
    out: Path,
    changelog: str,
    extra: dict[str, bytes] | None = None,
    released: bool = True,
    descriptor: dict | None = None,
    known: dict[str, bytes] | None = None,
) -> dict[str, bytes]:
    """Write one version's downloads into `out`; returns every file written, by relative path.
    `released`: False for a working tree that differs from every release (its files say so).
    `descriptor`, `known`: the package's descriptor and files (by path), when the build has read and
    validated them already: published as validated, not read again."""
    # Only what scripts/intake/descriptor.py allows is read: files inside the package, reached through no link.
    descriptor = copy.deepcopy(descriptor) if descriptor is not None else checked(package_dir)
    version = descriptor["version"]
    files: dict[str, bytes] = {}
    tables: dict[str, list[dict]] = {}
    for resource in descriptor["resources"]:
        if known and resource["path"] in known:
            raw = known[resource["path"]]
        else:
            raw = local_file(package_dir, resource["path"]).read_bytes()
        files[resource["path"]] = raw  # byte for byte as in the repository
        resource["bytes"] = len(raw)
        resource["hash"] = f"sha256:{sha256(raw)}"
        tables[resource["name"]] = read_typed(raw, resource["schema"])
        json_path = resource["path"].rsplit(".", 1)[0] + ".json"
        files[json_path] = json_bytes(tables[resource["name"]])
    for source in descriptor["sources"]:
        if not is_https(source["path"]):  # remote sources are cited, never fetched
            files[source["path"]] = local_file(package_dir, source["path"]).read_bytes()
    files["datapackage.json"] = json_bytes(descriptor)
    for name in PUBLISHED_FILES:
        if (package_dir / name).exists():
            files[name] = local_file(package_dir, name).read_bytes()
    files["CHANGELOG.md"] = changelog.encode()
    files.update(extra or {})

    source = descriptor.get("sources", [{}])[0]
    plain = released and version_key(version) <= LAST_PLAIN_WORKBOOK
    home = "" if plain else descriptor.get("homepage", "")
    address = f"{home}data/{f'v{version}' if released else 'latest'}/" if home else ""
    readme = [
        ("Title", descriptor.get("title", "")),
        ("Version", version),
        *([("Published at", address)] if address else []),
        ("Description", descriptor.get("description", "")),
        ("Source", source.get("title", "")),
        ("Source SHA-256", source.get("sha256", "")),
        ("Source licence", source.get("licence", "unknown")),
        ("Licence of this compilation", licence_line(descriptor)),
        ("Citation", version_text(descriptor, released, address)),
        ("Sheets", ", ".join(r["name"] for r in descriptor["resources"])),
    ]
    names = download_names(version if released else None)
    workbook = names["workbook"]
    out.mkdir(parents=True, exist_ok=True)
    write_xlsx(out / workbook, descriptor, tables, readme, dates=not plain)
    files[workbook] = (out / workbook).read_bytes()

    pack = io.BytesIO()
    folder = names["folder"] + "/"
    with zipfile.ZipFile(pack, "w", zipfile.ZIP_DEFLATED) as archive:
        inside = {k: v for k, v in files.items() if not k.endswith((".xlsx", ".json")) or k == "datapackage.json"}
        for name, data in sorted(inside.items()):
            add_to_zip(archive, folder + name, data)
        add_to_zip(archive, folder + "SHA256SUMS", sums(inside))
    files[names["pack"]] = pack.getvalue()
    files["SHA256SUMS"] = sums(files)

    for name, data in files.items():
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        (out / name).write_bytes(data)
    return files

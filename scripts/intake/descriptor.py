"""What a data package may reference, decided in one place.

A pull request can change every byte of `datapackage.json`, so the descriptor is untrusted input
like the CSVs. Before anything reads a file the descriptor names, `check()` proves that

- the descriptor has the shape this project uses (`descriptor.schema.json`: known keys only, a
  semantic `version`, safe names and resource paths);
- every local path is relative, stays inside the package, and names a regular file that is reached
  through no symbolic link (`local_file`);
- every remote source is an https:// address, which is recorded and never fetched;
- every numeric field declares its range and every key field its maximum length;
- no text holds control, bidi or zero-width characters (`invisible`).

Every reader goes through `local_file`: the validator (and so the build, scripts/build.py), the
exporter, the diff, the release check and `make paragraphs` (scripts/intake/annex_text.py).
"""

from __future__ import annotations

import bisect
import json
import os
import re
import stat
import unicodedata
from collections.abc import Iterator
from functools import cache
from pathlib import Path, PurePosixPath

from scripts import kinds

SCHEMA_FILE = Path(__file__).with_name("descriptor.schema.json")
MAX_DESCRIPTOR_BYTES = 1_000_000
MAX_DEPTH = 20  # the descriptor nests 8 levels deep
# Folder and file names a package may use: no leading dot, no "..", nothing a shell or URL treats specially.
PATH_PART = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9._-]{0,99}$")
REMOTE = re.compile(r"^https://[^\s\"'<>\\`]+$")
MAX_URL_CHARS = 2000
# Characters a reader cannot see or that reorder what they see: C0/C1 controls (line feed aside,
# which a quoted CSV cell may hold), format characters (bidi overrides, zero-width), line separators.
INVISIBLE_CATEGORIES = {"Cc", "Cf", "Zl", "Zp"}
# Text starting with these runs as a formula when a CSV or XLSX is opened in a spreadsheet.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# Files the downloads carry beside those the descriptor names: optional, but never a link.
PUBLISHED_FILES = ("README.md", "LICENSE.md")


class UnsafePath(ValueError):
    """A path that the package may not reference; the message says why."""


class UnsafePackage(ValueError):
    """A descriptor that may not be used: every reason, one per line."""


def invisible(text: str) -> list[str]:
    """The characters of `text` that must not be in data, as U+XXXX names (line feed allowed)."""
    return [
        f"U+{ord(c):04X}" for c in dict.fromkeys(text) if c != "\n" and unicodedata.category(c) in INVISIBLE_CATEGORIES
    ]


def visible(text: str) -> str:
    """`text` with every invisible or control character shown as ⟨U+XXXX⟩, for reviewers and logs."""
    return "".join(f"⟨U+{ord(c):04X}⟩" if unicodedata.category(c) in INVISIBLE_CATEGORIES else c for c in text)


def is_https(value: object) -> bool:
    """A plain https:// address: the only kind of link the data may give a page, whatever the
    descriptor's patterns say (a pull request can delete a pattern)."""
    return isinstance(value, str) and len(value) <= MAX_URL_CHARS and bool(REMOTE.fullmatch(value))


def local_file(base: Path, rel: object) -> Path:
    """`base/rel` if `rel` is a safe relative path to a regular file inside `base`; else UnsafePath.

    Nothing is opened: only the names are checked and each step is `lstat`-ed, so a symbolic link
    anywhere on the way (to /proc/self/environ, say) is refused before anything reads it.
    """
    if not isinstance(rel, str) or not rel:
        raise UnsafePath("must be a relative path inside the package, as text")
    if "\\" in rel or rel.startswith("/") or PurePosixPath(rel).is_absolute() or ":" in rel:
        raise UnsafePath(
            f"{visible(rel)!r} must be a relative path inside the package (no /, \\ or drive at the start)"
        )
    parts = rel.split("/")
    if len(parts) > 4 or not all(PATH_PART.fullmatch(p) for p in parts):
        raise UnsafePath(
            f"{visible(rel)!r} must be at most four names of letters, digits, '.', '_' and '-', "
            "none starting with '.' (no '..')"
        )
    base = Path(base)
    here = base
    try:
        if stat.S_ISLNK(os.lstat(base).st_mode):
            raise UnsafePath(f"the package folder {base} is a symbolic link")
        for part in parts:
            here = here / part
            mode = os.lstat(here).st_mode
            if stat.S_ISLNK(mode):
                raise UnsafePath(
                    f"{rel!r} goes through a symbolic link ({part}): the package must hold the file itself"
                )
    except FileNotFoundError:
        raise UnsafePath(f"{rel!r} does not exist in the package") from None
    except OSError as exc:
        raise UnsafePath(f"{rel!r} cannot be read: {exc.strerror or exc}") from None
    if not stat.S_ISREG(mode):
        raise UnsafePath(f"{rel!r} is not a regular file")
    if not here.resolve().is_relative_to(base.resolve()):  # belt and braces: the checks above already ensure it
        raise UnsafePath(f"{rel!r} resolves outside the package")
    return here


def read_bytes(path: Path) -> bytes:
    """The descriptor's bytes, size-capped before it is read."""
    if path.is_symlink():
        raise UnsafePath("datapackage.json is a symbolic link: the package must hold the file itself")
    return read_capped(path, MAX_DESCRIPTOR_BYTES, "the descriptor")


def read_capped(path: Path, limit: int, what: str = "the file") -> bytes:
    """A file's bytes, refused unread when it is larger than `limit` (a 300 MB file must not be read
    whole before it is refused), and never more than `limit` of them, should it grow meanwhile."""
    size = path.stat().st_size
    if size > limit:
        raise UnsafePath(f"{what} is {size:,} bytes; the limit is {limit:,}")
    with path.open("rb") as handle:
        return handle.read(limit + 1)


def text_of(raw: bytes) -> str:
    """The descriptor's text as a file opened as text reads it (UTF-8, any line ending as a line feed)."""
    return raw.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")


def read_text(path: Path) -> str:
    """The descriptor's text, size-capped before it is read."""
    return text_of(read_bytes(path))


def _no_duplicate_keys(pairs: list[tuple[str, object]]) -> dict:
    seen: dict = {}
    for key, value in pairs:
        if key in seen:
            raise ValueError(f"the key {visible(key)!r} appears twice in one object (JSON keeps only the last)")
        seen[key] = value
    return seen


def depth(value: object) -> int:
    """How deeply arrays and objects nest in a parsed JSON value (counted without recursion)."""
    deepest, todo = 0, [(value, 1)]
    while todo:
        item, level = todo.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, level)
            todo.extend((v, level + 1) for v in (item.values() if isinstance(item, dict) else item))
    return deepest


def parse(text: str) -> dict:
    """JSON with no duplicated keys, whose top level is an object, nested no deeper than a
    descriptor needs (ValueError otherwise: every later step walks it, some recursively)."""
    try:
        data = json.loads(text, object_pairs_hook=_no_duplicate_keys)
    except RecursionError:
        raise ValueError(f"the JSON is nested too deeply (the limit is {MAX_DEPTH} levels)") from None
    if not isinstance(data, dict):
        raise ValueError("the descriptor must be a JSON object")
    if depth(data) > MAX_DEPTH:
        raise ValueError(f"the JSON is nested more than {MAX_DEPTH} levels deep")
    return data


def lines(text: str) -> dict[tuple, int]:
    """The line on which each value of a JSON text starts, by its path of keys and indexes."""
    starts = [0] + [i + 1 for i, c in enumerate(text) if c == "\n"]
    decoder = json.JSONDecoder()
    found: dict[tuple, int] = {}

    def skip(i: int) -> int:
        while i < len(text) and text[i] in " \t\r\n":
            i += 1
        return i

    def value(i: int, at: tuple) -> int:
        i = skip(i)
        found[at] = bisect.bisect_right(starts, i)
        if text[i] in "{[":
            close, n = "}" if text[i] == "{" else "]", 0
            i = skip(i + 1)
            while text[i] != close:
                if close == "}":
                    key, i = decoder.raw_decode(text, i)
                    i = skip(i) + 1  # the colon
                    i = value(i, at + (key,))
                else:
                    i = value(i, at + (n,))
                    n += 1
                i = skip(i)
                if text[i] == ",":
                    i = skip(i + 1)
            return i + 1
        return decoder.raw_decode(text, i)[1]

    try:
        value(0, ())
    except (ValueError, IndexError, RecursionError):
        pass  # only for line numbers: the parse itself reports malformed JSON
    return found


def pointer(at: tuple) -> str:
    """("resources", 2, "path") → "resources[2].path"."""
    out = ""
    for part in at:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "-"


@cache
def _validator():
    from jsonschema import Draft202012Validator

    return Draft202012Validator(json.loads(SCHEMA_FILE.read_text(encoding="utf-8")))


def _strings(value: object, at: tuple = ()) -> Iterator[tuple[tuple, str]]:
    if isinstance(value, str):
        yield at, value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield at + (k,), k
            yield from _strings(v, at + (k,))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _strings(v, at + (i,))


def _short(text: str, limit: int = 160) -> str:
    text = visible(text)
    return text if len(text) <= limit else text[:limit] + "…"


def check(descriptor: dict, base: Path) -> Iterator[tuple[tuple, str]]:
    """Every reason the descriptor may not be used, as (path of keys, message). Reads no data file."""
    for at, text in _strings(descriptor):
        if bad := invisible(text):
            yield at, f"contains invisible or control characters ({', '.join(bad[:5])}): remove them"
        if text.startswith(FORMULA_PREFIXES):
            yield at, f"starts with {text[0]!r}, which a spreadsheet may run as a formula"
    shape_errors = sorted(_validator().iter_errors(descriptor), key=lambda err: list(map(str, err.absolute_path)))
    for err in shape_errors:
        yield tuple(err.absolute_path), _short(err.message)
    for name in PUBLISHED_FILES:
        if os.path.lexists(Path(base) / name):
            try:
                local_file(base, name)
            except UnsafePath as exc:
                yield (), f"{name} is published with the data: {exc}"
    if shape_errors:
        return  # the checks below rely on the shape
    for i, source in enumerate(descriptor["sources"]):
        path = source["path"]
        if path.startswith("https://"):
            if not is_https(path):
                yield ("sources", i, "path"), f"{_short(path)!r} is not a plain https:// address"
            continue
        try:
            local_file(base, path)
        except UnsafePath as exc:
            yield ("sources", i, "path"), f"{exc} (a source is a file inside the package or an https:// address)"
    names: dict[str, int] = {}
    for i, resource in enumerate(descriptor["resources"]):
        if resource["name"] in names:
            yield (
                ("resources", i, "name"),
                f"{resource['name']!r} is also the name of resources[{names[resource['name']]}]",
            )
        names.setdefault(resource["name"], i)
        if resource["path"] != f"data/{resource['name']}.csv":
            yield ("resources", i, "path"), f"must be data/{resource['name']}.csv, named after the resource"
        try:
            local_file(base, resource["path"])
        except UnsafePath as exc:
            yield ("resources", i, "path"), str(exc)
        schema = resource["schema"]
        fields = [f["name"] for f in schema["fields"]]
        for j, field in enumerate(schema["fields"]):
            cons = field.get("constraints", {})
            values = [c["value"] for c in field.get("categories", [])]
            missing = [v for v in cons.get("enum", []) if v not in values]
            if values and missing:
                yield (
                    ("resources", i, "schema", "fields", j, "categories"),
                    f"{', '.join(map(repr, missing))} of {field['name']!r}'s enum has no label in its categories",
                )
            elif values and values != cons.get("enum"):
                yield (
                    ("resources", i, "schema", "fields", j, "categories"),
                    f"must label exactly the values of {field['name']!r}'s enum, in its order",
                )
            if field["type"] in ("number", "integer") and not {"minimum", "maximum"} <= cons.keys():
                yield (
                    ("resources", i, "schema", "fields", j, "constraints"),
                    f"numeric field {field['name']!r} needs a minimum and a maximum",
                )
            if field["name"] in schema["primaryKey"] and field["type"] == "string" and "maxLength" not in cons:
                yield (
                    ("resources", i, "schema", "fields", j, "constraints"),
                    f"key field {field['name']!r} needs a maxLength (ids become file names)",
                )
        for key in schema["primaryKey"]:
            if key not in fields:
                yield ("resources", i, "schema", "primaryKey"), f"{key!r} is not a field of {resource['name']}"
        yield from _foreign_key_problems(descriptor, i)
        kind = kinds.get(resource["name"])
        for name in kind.fields() if kind else ():
            if name not in fields:
                yield (
                    ("resources", i, "schema", "fields"),
                    f"{resource['name']} needs a field {name!r}: the site reads it (scripts/kinds.py)",
                )


def _foreign_key_problems(descriptor: dict, i: int) -> Iterator[tuple[tuple, str]]:
    """A foreign key joins fields that exist, as many on each side, and all of them text: the
    validator compares ids as the text of their cells (scripts/intake/rules.py, ForeignKeys)."""
    schemas = {r["name"]: r["schema"] for r in descriptor["resources"]}
    resource = descriptor["resources"][i]
    for k, fk in enumerate(resource["schema"].get("foreignKeys", [])):
        at = ("resources", i, "schema", "foreignKeys", k)
        target = fk["reference"]["resource"]
        if target not in schemas:
            yield at + ("reference", "resource"), f"{target!r} is not a resource of this package"
            continue
        for where, name, fields in (
            (at + ("fields",), resource["name"], fk["fields"]),
            (at + ("reference", "fields"), target, fk["reference"]["fields"]),
        ):
            types = {f["name"]: f["type"] for f in schemas[name]["fields"]}
            for field in fields:
                if field not in types:
                    yield where, f"{field!r} is not a field of {name}"
                elif types[field] != "string":
                    yield where, f"{name}'s {field!r} is a {types[field]}: a foreign key joins string fields"
        if len(fk["fields"]) != len(fk["reference"]["fields"]):
            yield at, "names a different number of fields on each side"


def checked(package_dir: Path) -> dict:
    """The package's descriptor, only if `check` finds nothing wrong with it (UnsafePackage otherwise).

    For the stages that read a package without the validator's report: the exporter and the diff.
    """
    path = Path(package_dir) / "datapackage.json"
    try:
        data = parse(read_text(path))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise UnsafePackage(f"{path}: cannot read the descriptor: {exc}") from None
    refused = [f"{path}: {pointer(at)}: {message}" for at, message in check(data, Path(package_dir))]
    if refused:
        raise UnsafePackage("\n".join(refused))
    return data

"""How the data is cited, in one place: the record and site citations on the pages, the BibTeX
entries, and the citation in a version's workbook."""

from __future__ import annotations

import re

from scripts.escape import bibtex_field
from scripts.intake.annex_text import squash
from scripts.model.derive import Site, long_date

# How the data names itself in citations and in a version's own files (scripts/publish/export.py).
DATASET = "Amiens annex open data"


def document_reference(site: Site) -> str:
    doc = site.document
    return f"{doc['event']}, {doc['place']}, {long_date(doc['date'])}"


def record(site: Site, site_url: str, kind: str, record_id: str, pid: str, url: str) -> str:
    """A figure or commitment: the annex paragraph, the record, the version and its address."""
    return (
        f"{document_reference(site)}: {site.document['title']}, paragraph {pid}. "
        f"{kind} “{record_id}” in {DATASET}, {cited_version(site)}. {site_url}{url}"
    )


def record_provenance(site: Site, site_url: str, kind: str, record_id: str, pid: str, url: str, path: str) -> dict:
    """Where one downloaded record comes from, for its JSON (its CSV is the row alone, as the
    table's CSV writes it): its page, the data it is part of, the annex paragraph, licence and citation."""
    licence = site.descriptor.get("licenses", [{}])[0]
    return {
        "page": site_url + url,
        "table": f"{site_url}data/latest/{path}",
        "version": site.released_version or "unreleased",
        "source": f"{document_reference(site)}: {site.document['title']}, paragraph {pid}",
        "licence": f"{licence.get('name', '')}: {licence.get('path', '')}",
        "citation": record(site, site_url, kind, record_id, pid, url),
    }


def dataset(site: Site, site_url: str) -> str:
    return f"{DATASET}, {cited_version(site)}: {document_reference(site)}, {site.document['title']}. {site_url}"


def cited_version(site: Site) -> str:
    """What a citation names: a released version, or unreleased data by build date and commit."""
    state = site.release
    if state and state.released:
        return f"version {state.released}"
    commit = f" from commit {state.commit}" if state and state.commit else ""
    built = f", built {long_date(state.built)}{commit}" if state else ""
    return f"unreleased data{built}"


def bibtex(site: Site, site_url: str, key: str, title: str, url: str, pid: str = "") -> str:
    """A BibTeX @misc entry naming the version and, for a record, the annex paragraph."""

    def b(text: str) -> str:
        return bibtex_field(squash(text))

    doc = site.document
    where = f", paragraph {pid}" if pid else ""
    released = site.release.released if site.release else None
    ident = re.sub(r"[^a-z0-9]+", "_", f"amiens_annex_{key}_{'v' + released if released else 'unreleased'}".lower())
    return (
        f"@misc{{{ident},\n  title = {{{{{b(title)}}}}},\n"
        f"  author = {{{{{DATASET} contributors}}}},\n"
        f"  year = {{{site.descriptor.get('created', '')[:4]}}},\n"
        f"  version = {{{b(released or cited_version(site))}}},\n"
        f"  howpublished = {{\\url{{{site_url}{url}}}}},\n"
        f"  note = {{{b(doc['event'])}, {b(doc['place'])}, {b(long_date(doc['date']))}: "
        f"{b(doc['title'])}{b(where)}}}\n}}"
    )

"""Machine-readable views of the package for other programs: the Atom feed of follow-up evidence and
the schema.org Dataset metadata of the data page. Built with serialisers (ElementTree, and json
with scripts/escape.py's rule for JSON in a script), so every value is escaped by construction."""

from __future__ import annotations

from scripts.escape import json_script
from scripts.intake import status
from scripts.model.derive import Site
from scripts.model.links import commitment_url
from scripts.publish.export import download_names


def atom_feed(site: Site, site_url: str) -> bytes:
    """An Atom feed of the follow-up evidence, newest first (built with ElementTree: always escaped)."""
    import xml.etree.ElementTree as ET

    ns = "http://www.w3.org/2005/Atom"
    ET.register_namespace("", ns)
    rows = sorted(site.rows("followups"), key=lambda f: (f["date"], f["followup_id"]), reverse=True)
    feed = ET.Element(f"{{{ns}}}feed")

    def add(parent, tag, text=None, **attrs):
        el = ET.SubElement(parent, f"{{{ns}}}{tag}", attrs)
        el.text = text
        return el

    add(feed, "title", "Amiens 2016 migration annex: what happened next")
    add(feed, "id", f"{site_url}feed.xml")
    add(feed, "link", rel="self", href=f"{site_url}feed.xml")
    add(feed, "link", href=site_url)
    add(feed, "updated", f"{rows[0]['date'] if rows else site.document['date']}T00:00:00Z")
    add(add(feed, "author"), "name", "Amiens annex open data contributors")
    for f in rows:
        c = site.commitments.get(f["commitment_id"], {})
        entry = add(feed, "entry")
        later = " (after the assessment window)" if c and status.after_window(f, c["window_end"]) else ""
        add(
            entry,
            "title",
            f"{site.status_label(f['status'], f['commitment_id'])}{later}: {c.get('summary', f['commitment_id'])}",
        )
        add(entry, "id", f"{site_url}{commitment_url(f['commitment_id'])}#followup-{f['followup_id']}")
        add(entry, "link", href=f"{site_url}{commitment_url(f['commitment_id'])}#followup-{f['followup_id']}")
        add(entry, "updated", f"{f['date']}T00:00:00Z")
        source = f"Source: {f['source_title']}, {f['source_url']}" if f["source_url"] else f["source_title"]
        add(
            entry,
            "summary",
            f"{f['what_happened']} Who acted: {site.label('followups', 'actor', f['actor'])}. "
            f"{source} ({f['confidence']}).",
        )
    ET.indent(feed)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="utf-8") + b"\n"


def dataset_jsonld(site: Site, site_url: str, modified: str) -> str:
    """schema.org Dataset metadata for search engines: JSON for the script overrides/main.html writes,
    escaped by escape.json_script (< > & as \\u escapes), so it cannot end the script."""
    base = f"{site_url}data/latest/"
    names = download_names(site.released_version)
    dist = [
        {
            "@type": "DataDownload",
            "name": r["name"],
            "encodingFormat": fmt,
            "contentUrl": base + r["path"].rsplit(".", 1)[0] + ext,
        }
        for r in site.descriptor["resources"]
        for fmt, ext in (("text/csv", ".csv"), ("application/json", ".json"))
    ]
    dist += [
        {
            "@type": "DataDownload",
            "name": "Workbook",
            "encodingFormat": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "contentUrl": f"{base}{names['workbook']}",
        },
        {
            "@type": "DataDownload",
            "name": "Evidence pack",
            "encodingFormat": "application/zip",
            "contentUrl": f"{base}{names['pack']}",
        },
        {
            "@type": "DataDownload",
            "name": "Data package descriptor",
            "encodingFormat": "application/json",
            "contentUrl": f"{base}datapackage.json",
        },
    ]
    doc = site.document
    data = {
        "@context": "https://schema.org",
        "@type": "Dataset",
        "name": site.descriptor["title"],
        "description": site.descriptor["description"],
        "url": f"{site_url}data/",
        "license": site.descriptor["licenses"][0]["path"],
        "version": site.released_version or "unreleased",
        "dateModified": modified,
        "keywords": site.descriptor.get("keywords", []),
        "isAccessibleForFree": True,
        "creator": {"@type": "Organization", "name": "Amiens annex open data contributors"},
        "distribution": dist,
        "isBasedOn": {
            "@type": "CreativeWork",
            "name": f"{doc['event']}: {doc['title']}",
            "datePublished": doc["date"],
            "locationCreated": doc["place"],
        },
    }
    return json_script(data)

"""Publish the data: /data/latest/ and every released version, frozen, at /data/vX.Y.Z/."""

from pathlib import Path

from mkdocs.exceptions import PluginError

from scripts import pipeline
from scripts.model import citations
from scripts.model.links import public_url
from scripts.paths import PACKAGE_DIR, ROOT
from scripts.publish import export, versions
from scripts.site.render import RECORD_PAGES


def on_post_build(config, **kwargs):
    if pipeline.kept_problems():
        # The preview shows the last data that passed; the files on disk failed the validator, and
        # the downloads are made from them: none are published until a save makes them valid.
        return
    site = pipeline.site()
    try:
        versions.publish(ROOT, PACKAGE_DIR, Path(config["site_dir"]), site.tree)
    except RuntimeError as exc:
        raise PluginError(str(exc)) from exc
    # One record to take away, linked from each figure and commitment page.
    keys = {table: site.key(table) for table in RECORD_PAGES if table != "terms"}
    paths = {r["name"]: r["path"] for r in site.descriptor["resources"]}

    def provenance(table: str, key: str, row: dict) -> dict:
        url = RECORD_PAGES[table][0](key)
        return citations.record_provenance(
            site,
            public_url(config),
            site.citation_kind(table, key),
            key,
            row["document_id"],
            row["paragraph_id"],
            url,
            paths[table],
        )

    out = Path(config["site_dir"]) / "data" / "latest" / "records"
    export.export_records(out, site.descriptor, site.tables, keys, provenance)

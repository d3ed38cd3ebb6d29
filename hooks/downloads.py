"""Publish the data: /data/latest/ and every released version, frozen, at /data/vX.Y.Z/."""

from pathlib import Path

from mkdocs.exceptions import PluginError

from scripts import export, pipeline, versions
from scripts.paths import PACKAGE_DIR, ROOT
from scripts.render import RECORD_PAGES


def on_post_build(config, **kwargs):
    site = pipeline.site()
    try:
        versions.publish(ROOT, PACKAGE_DIR, Path(config["site_dir"]), site.version)
    except RuntimeError as exc:
        raise PluginError(str(exc)) from exc
    # One record to take away, linked from each figure and commitment page.
    keys = {table: site.key(table) for table in RECORD_PAGES if table != "terms"}
    export.export_records(Path(config["site_dir"]) / "data" / "latest" / "records", site.descriptor, site.tables, keys)

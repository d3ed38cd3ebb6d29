"""Publish the data: /data/latest/ and every released version, frozen, at /data/vX.Y.Z/."""

from pathlib import Path

from mkdocs.exceptions import PluginError

from scripts import pipeline, versions
from scripts.paths import PACKAGE_DIR, ROOT


def on_post_build(config, **kwargs):
    try:
        versions.publish(ROOT, PACKAGE_DIR, Path(config["site_dir"]), pipeline.site().version)
    except RuntimeError as exc:
        raise PluginError(str(exc)) from exc

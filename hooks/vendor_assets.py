"""Serve plotly.js from the site itself (the pinned npm partial bundle), never from a CDN."""

import json
import shutil
from pathlib import Path

import plotly.offline
from mkdocs.exceptions import PluginError

from scripts.paths import PLOTLY_JS


def on_post_build(config, **kwargs):
    package = json.loads((PLOTLY_JS.parent / "package.json").read_text()) if PLOTLY_JS.exists() else {}
    if package.get("version") != plotly.offline.get_plotlyjs_version():
        raise PluginError(
            f"{PLOTLY_JS} must be plotly.js {plotly.offline.get_plotlyjs_version()} "
            "(the version plotly.py builds for); run `make install`"
        )
    target = Path(config["site_dir"]) / "assets" / "javascripts" / "plotly-basic.min.js"
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(PLOTLY_JS, target)

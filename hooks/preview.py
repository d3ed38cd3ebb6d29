"""Charts drawn before any page is rendered, so that a build without Chromium stops with one line
(no traceback from inside a page's macro); and `mkdocs serve` without Chromium previews anyway:
plotly.js draws the charts in the page, a note on each says so, and the log says it once."""

import sys

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

from scripts import pipeline
from scripts.site import draw, render

_warned = [False]


def on_startup(command, **kwargs):
    draw.PREVIEW = command == "serve"


@event_priority(90)  # after the package is loaded and validated (hooks/validate_data.py, 100)
def on_config(config, **kwargs):
    try:
        drawn = render.drawn(pipeline.site())
    except draw.DrawError as exc:
        raise PluginError(str(exc)) from None
    if not _warned[0] and any(svgs is None for _, svgs in drawn.values()):
        _warned[0] = True
        # Printed, not logged: a logged warning would stop `mkdocs serve --strict`.
        print(
            "WARNING -  No Chromium: charts are drawn in the page by plotly.js, as a preview. "
            "`make build` (what is published) needs Chromium to draw them.",
            file=sys.stderr,
        )

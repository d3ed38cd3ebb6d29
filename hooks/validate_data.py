"""Load and validate the package before anything else reads it (scripts/pipeline.py), and fail the
build with the validator's own messages (FILE:LINE: FIELD) when it is invalid.

`on_config` at the highest priority: the macros plugin and the other hooks read the package in
their own `on_config` and `on_files`; they get the result loaded here. `mkdocs serve` runs it again
at every rebuild, and the pipeline reloads when a file of the package changed.

Under `mkdocs serve`, a save that breaks the data does not fail the rebuild: a failed rebuild leaves
the preview server waiting for a good one, and every page request hangs. The site is built from the
last data that passed, with the validator's messages in a banner on every page, until the next save.
"""

import logging

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

from scripts import pipeline
from scripts.publish import versions
from scripts.site import render

log = logging.getLogger("mkdocs.hooks.validate_data")


def on_startup(command, dirty, **kwargs):
    # Set once per process: `mkdocs serve` runs on_startup once, before its first build.
    pipeline.preview = command == "serve"


@event_priority(100)
def on_config(config, **kwargs):
    problems = []
    try:
        if pipeline.preview:
            _, problems = pipeline.site_or_last_good()
        else:
            pipeline.site()
    except (pipeline.InvalidPackage, versions.ReleaseError) as exc:  # a bad release record too: its message
        raise PluginError(str(exc)) from None
    # Shown by overrides/main.html; escaped by scripts/site/render.py's autoescaping, not by the theme.
    config.extra["data_problems"] = render.data_problems(problems) if problems else ""
    if problems:
        # At INFO: a warning would fail this --strict rebuild, and the preview would hang again.
        log.info(
            "The data is invalid; the preview shows the last data that passed until the next save:\n%s",
            "\n".join(problems),
        )
    return config

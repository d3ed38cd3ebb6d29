"""Load and validate the package before anything else reads it (scripts/pipeline.py), and fail the
build with the validator's own messages (FILE:LINE: FIELD) when it is invalid.

`on_config` at the highest priority: the macros plugin and the other hooks read the package in
their own `on_config` and `on_files`; they get the result loaded here. `mkdocs serve` runs it again
at every rebuild, and the pipeline reloads when a file of the package changed.
"""

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

from scripts import pipeline, versions


@event_priority(100)
def on_config(config, **kwargs):
    try:
        pipeline.site()
    except (pipeline.InvalidPackage, versions.ReleaseError) as exc:  # a bad release record too: its message
        raise PluginError(str(exc)) from None
    return config

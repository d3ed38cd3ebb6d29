"""Validate the data package before anything reads it, and fail the build with the validator's own
messages (FILE:LINE: FIELD) when it is invalid.

`on_config` at the highest priority: the macros plugin and the other hooks read the package in
their own `on_config` and `on_files`, and must never see data (or a descriptor path) that has not
passed the checks. `mkdocs serve` runs it again at every rebuild.
"""
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

from scripts.validate import validate


@event_priority(100)
def on_config(config, **kwargs):
    report = validate()
    if not report.valid:
        raise PluginError("the data package is invalid:\n" + "\n".join(map(str, report.problems)))
    return config

"""Fail the build, with the validator's own messages, when the data package is invalid."""
from mkdocs.exceptions import PluginError

from scripts.validate import validate


def on_pre_build(config, **kwargs):
    report = validate()
    if not report.valid:
        raise PluginError("the data package is invalid:\n" + "\n".join(map(str, report.problems)))

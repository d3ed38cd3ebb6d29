"""Console output a maintainer reads: one line per build (pages and seconds), warnings, and the
validator's messages; the routine chatter of plugins and the preview server is dropped."""

import logging
import time

from mkdocs.plugins import event_priority

ROUTINE = (
    "[macros] - ",  # mkdocs-macros lists its modules, variables and macros at every start
    "Cleaning site directory",
    "Building documentation to directory",
    "Browser connected",  # the preview server, at every page view
    "Documentation built in",  # replaced by the line below, which also counts pages
)


class DropRoutine(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno >= logging.WARNING or not str(record.getMessage()).startswith(ROUTINE)


for name in ("mkdocs", "mkdocs.plugins.macros", "mkdocs.commands.build", "mkdocs.livereload"):
    logger = logging.getLogger(name)
    if not any(isinstance(f, DropRoutine) for f in logger.filters):
        logger.addFilter(DropRoutine())
for handler in logging.getLogger("mkdocs").handlers:  # records from child loggers reach these
    if not any(isinstance(f, DropRoutine) for f in handler.filters):
        handler.addFilter(DropRoutine())

_started = [0.0]


@event_priority(200)  # before the data is loaded and validated (hooks/build.py, 100)
def on_config(config, **kwargs):
    _started[0] = time.perf_counter()


_pages = [0]


@event_priority(-100)  # after the hooks that add the generated record and embed pages
def on_files(files, config, **kwargs):
    _pages[0] = len(files.documentation_pages())
    return files


def on_post_build(config, **kwargs):
    logging.getLogger("mkdocs.hooks.quiet_log").info(
        "Built %d pages in %.1f s into %s", _pages[0], time.perf_counter() - _started[0], config["site_dir"]
    )

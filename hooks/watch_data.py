"""`mkdocs serve` rebuilds when a CSV, the descriptor or the build code changes, soon after the save,
and reuses what an edit does not change: the theme's compiled templates, keyed by their source."""

import jinja2

from scripts.paths import PACKAGE_DIR, ROOT

# How often the files are polled for a change (mkdocs' default is every 0.5 s): a save is seen
# sooner, at the cost of a stat of each watched file ten times a second.
POLL_SECONDS = 0.1


class TemplateCache(jinja2.BytecodeCache):
    """Compiled templates kept in memory across rebuilds (each rebuild makes a new environment).
    Jinja checks each entry against its template's source, so an edited template compiles again."""

    def __init__(self):
        self.store: dict[str, bytes] = {}

    def load_bytecode(self, bucket):
        if bucket.key in self.store:
            bucket.bytecode_from_string(self.store[bucket.key])

    def dump_bytecode(self, bucket):
        self.store[bucket.key] = bucket.bytecode_to_string()


_templates = TemplateCache()


def on_env(env, config, files, **kwargs):
    env.bytecode_cache = _templates
    return env


def on_serve(server, config, builder, **kwargs):
    for path in (PACKAGE_DIR, ROOT / "scripts", ROOT / "hooks", ROOT / "overrides"):
        server.watch(str(path))
    # mkdocs' observer has no public setting for this; its emitters read it at every poll.
    for poller in (server.observer, *server.observer.emitters):
        poller._timeout = POLL_SECONDS
    return server

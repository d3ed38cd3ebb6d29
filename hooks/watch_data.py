"""`mkdocs serve` rebuilds when a CSV, the descriptor or the build code changes."""

from scripts.paths import PACKAGE_DIR, ROOT


def on_serve(server, config, builder, **kwargs):
    for path in (PACKAGE_DIR, ROOT / "scripts", ROOT / "hooks", ROOT / "overrides"):
        server.watch(str(path))
    return server

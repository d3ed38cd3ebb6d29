"""Publish the package under /data/latest/ with the same layout as datapackage/, byte for byte."""
import shutil
from pathlib import Path

from scripts.paths import DESCRIPTOR, PACKAGE_DIR


def on_post_build(config, **kwargs):
    target = Path(config["site_dir"]) / "data" / "latest"
    for sub in ("data", "source"):
        (target / sub).mkdir(parents=True, exist_ok=True)
        for path in sorted((PACKAGE_DIR / sub).glob("*.*")):
            shutil.copyfile(path, target / sub / path.name)
    shutil.copyfile(DESCRIPTOR, target / "datapackage.json")
    shutil.copyfile(PACKAGE_DIR / "README.md", target / "README.md")

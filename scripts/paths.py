"""Where things live. Every stage takes its inputs from here, so a step can't read a stray copy."""
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE_DIR = ROOT / "datapackage"
DESCRIPTOR = PACKAGE_DIR / "datapackage.json"
NUMBER_ALLOWLIST = PACKAGE_DIR / "checks" / "number-allowlist.csv"
PLOTLY_JS = ROOT / "node_modules" / "plotly.js-basic-dist-min" / "plotly-basic.min.js"

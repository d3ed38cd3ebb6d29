"""Where things live. Every stage takes its inputs from here, so a step can't read a stray copy."""

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# ANNEX_DATAPACKAGE points a build at another copy of the package (tests build hostile copies).
PACKAGE_DIR = Path(os.environ.get("ANNEX_DATAPACKAGE") or ROOT / "datapackage").resolve()
DESCRIPTOR = PACKAGE_DIR / "datapackage.json"
PLOTLY_JS = ROOT / "node_modules" / "plotly.js-basic-dist-min" / "plotly-basic.min.js"

"""Site-wide term tooltips: material's abbreviations, with definitions from terms.csv.

They go to the abbr extension as its glossary: appending definitions to every page made
Markdown re-scan each page once per term, which grew the build quadratically with the data.
"""

from scripts import pipeline


def on_config(config, **kwargs):
    glossary = {}
    for t in pipeline.site().rows("terms"):
        title = f"{t['expansion']}: {t['definition']}" if t["expansion"] else t["definition"]
        glossary[t["term"]] = " ".join(title.split())
    config.mdx_configs.setdefault("abbr", {})["glossary"] = glossary
    return config

"""Site-wide term tooltips: append material's abbreviation definitions from terms.csv to each page."""
from scripts.derive import Site

_definitions = ""


def on_pre_build(config, **kwargs):
    global _definitions
    lines = []
    for t in Site.load().rows("terms"):
        if "]" in t["term"]:
            continue  # cannot be written as an abbreviation
        title = f"{t['expansion']}: {t['definition']}" if t["expansion"] else t["definition"]
        lines.append(f"*[{t['term']}]: {' '.join(title.split())}")
    _definitions = "\n".join(lines)


def on_page_markdown(markdown, page, **kwargs):
    return f"{markdown}\n\n{_definitions}\n" if _definitions else markdown

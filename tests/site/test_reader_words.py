"""Plain words: no internal code (snake_case such as `police_officers`, `partly_delivered`) in the
text a reader sees on any page. Code, file names and addresses are shown as such and are fine.

The rule is the validator's (scripts/intake/rules.py, PlainWords): a code typed into a CSV is reported there
as FILE:LINE: FIELD. This test finds what the site's own templates and labels would show."""

from __future__ import annotations

from html.parser import HTMLParser

from conftest import site_pages

from scripts.intake.rules import snake_case_words as codes_in

SHOWN_AS_CODE = {"code", "pre", "script", "style", "kbd", "samp", "template", "svg"}


class VisibleText(HTMLParser):
    def __init__(self):
        super().__init__()
        self.inside_code = 0
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.inside_code += tag in SHOWN_AS_CODE

    def handle_endtag(self, tag):
        self.inside_code -= tag in SHOWN_AS_CODE and self.inside_code > 0

    def handle_data(self, data):
        if not self.inside_code:
            self.text.append(data)


def snake_case_words(html: str) -> list[str]:
    parser = VisibleText()
    parser.feed(html)
    return codes_in(" ".join(parser.text))


def test_the_finder_finds_codes_and_spares_code():
    assert snake_case_words("<p>1,300 police_officers</p>") == ["police_officers"]
    assert snake_case_words("<p>Set <code>part_of</code> in commitments.csv or data/exchange_rates.csv</p>") == []
    assert snake_case_words("<p>See https://example.org/?utm_hp_ref=x</p>") == []


def test_no_internal_code_in_visible_text(site_dir):
    found = {}
    for path in site_pages(site_dir) + ["404.html"]:
        file = site_dir / path / "index.html" if not path.endswith(".html") else site_dir / path
        for word in snake_case_words(file.read_text(encoding="utf-8")):
            found.setdefault(word, []).append("/" + path)
    assert not found, "\n".join(f"{w}: {', '.join(p[:5])}" for w, p in sorted(found.items()))

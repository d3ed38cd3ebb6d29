"""Read numbers and dates the way the annex writes them ("£63m", "more than 1300", "3rd March 2016")."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache

NUMBER_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "hundred": 100,
    "thousand": 1000,
    "million": 1_000_000,
    "billion": 1_000_000_000,
}
ORDINAL_WORDS = [
    "first",
    "second",
    "third",
    "fourth",
    "fifth",
    "sixth",
    "seventh",
    "eighth",
    "ninth",
    "tenth",
    "once",
    "twice",
    "dozen",
    "half",
    "double",
    "triple",
]
CURRENCIES = {"£": "GBP", "€": "EUR", "$": "USD"}
MULTIPLIERS = {
    "m": 1_000_000,
    "million": 1_000_000,
    "bn": 1_000_000_000,
    "billion": 1_000_000_000,
    "k": 1_000,
    "thousand": 1_000,
}
QUALIFIERS = {
    "more than": "more_than",
    "over": "more_than",
    "at least": "at_least",
    "about": "approximately",
    "around": "approximately",
    "approximately": "approximately",
    "nearly": "approximately",
    "almost": "approximately",
    "up to": "up_to",
}
MONTHS = {
    m: i
    for i, m in enumerate(
        [
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ],
        start=1,
    )
}

_WORDS = "|".join(NUMBER_WORDS)
AS_STATED = re.compile(
    rf"(?:(?P<qual>{'|'.join(QUALIFIERS)})\s+)?(?P<cur>[£€$])?\s*"
    rf"(?P<num>\d[\d,]*(?:\.\d+)?|\b(?:{_WORDS})\b)"
    rf"\s*(?P<mult>(?:m|bn|k)\b|(?:million|billion|thousand)\b)?",
    re.IGNORECASE,
)
# Every number written in the text: digit runs (63 in "£63m", 3 in "3rd") and number words.
NUMBER_TOKEN = re.compile(rf"(?<![\w.,])\d+(?:[.,]\d+)*|\b(?:{_WORDS}|{'|'.join(ORDINAL_WORDS)})\b", re.IGNORECASE)
DATE = re.compile(r"^(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+(?P<month>[A-Za-z]+)\s+(?P<year>\d{4})$")


@dataclass
class Quantity:
    value: float
    qualifier: str
    currency: str | None


def parse_quantity(text: str) -> Quantity | None:
    """The first quantity in `text`, in base units; None when there is no number."""
    m = AS_STATED.search(text)
    if not m:
        return None
    raw = m.group("num")
    number = float(NUMBER_WORDS[raw.lower()]) if raw.lower() in NUMBER_WORDS else float(raw.replace(",", ""))
    mult = (m.group("mult") or "").lower()
    if mult:
        number *= MULTIPLIERS[mult]
    qualifier = QUALIFIERS[" ".join(m.group("qual").lower().split())] if m.group("qual") else "exact"
    return Quantity(number, qualifier, CURRENCIES.get(m.group("cur") or ""))


def parse_date(text: str, today: dt.date | None = None) -> dt.date | None:
    """A date written as "20 September 2014" or "3rd March 2016"; "today" is the document's date."""
    text = " ".join(text.split())
    if text.lower() == "today":
        return today
    m = DATE.match(text)
    if not m or m.group("month").lower() not in MONTHS:
        return None
    try:
        return dt.date(int(m.group("year")), MONTHS[m.group("month").lower()], int(m.group("day")))
    except ValueError:
        return None


@lru_cache(maxsize=16384)
def _phrase(needle: str) -> re.Pattern:
    # Cached: re's own cache holds 512 patterns, fewer than the terms and quotes of a large package.
    left = r"(?<!\w)" if needle[0].isalnum() else ""
    right = r"(?!\w)" if needle[-1].isalnum() else ""
    return re.compile(left + re.escape(needle) + right)


def find_phrase(haystack: str, needle: str, start: int = 0) -> int:
    """Position of `needle` as whole words (so "14" is not found inside "2014"); -1 if absent."""
    if not needle:
        return -1
    m = _phrase(needle).search(haystack, start)
    return m.start() if m else -1


def number_tokens(text: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.group()) for m in NUMBER_TOKEN.finditer(text)]


# Numbers as a later source writes them in digits: "1,300", "1 300" and "1 300" (French, with a
# no-break or narrow space before each group of three), "3.6", "3,6", "05" in "05/10/2016".
DIGITS = re.compile(r"(?<![\w.,])\d+(?:(?:[,.]|[ \u00a0\u202f](?=\d{3}(?!\d)))\d+)*")
THOUSANDS = re.compile(r"\d{1,3}(?:([, \u00a0\u202f])\d{3})(?:\1\d{3})*")
# Number words a source may write instead of digits (English and French), two to twenty.
SPELLED = {
    **{w: n for w, n in NUMBER_WORDS.items() if 2 <= n <= 20},
    **{w: n for n, w in enumerate("deux trois quatre cinq six sept huit neuf dix onze douze".split(), start=2)},
    "thirteen": 13,
    "fifteen": 15,
    "treize": 13,
    "quinze": 15,
    "vingt": 20,
}
SPELLED_WORD = re.compile(rf"\b(?:{'|'.join(SPELLED)})\b", re.IGNORECASE)


def canonical_number(raw: str) -> str:
    """One spelling per number: "1,300" and "1 300" are "1300"; "3,6" and "3.60" are "3.6"; "05" is "5"."""
    if THOUSANDS.fullmatch(raw):
        raw = re.sub(r"[, \u00a0\u202f]", "", raw)
    elif raw.count(",") == 1 and "." not in raw:
        raw = raw.replace(",", ".")  # a decimal comma
    whole, _, decimals = raw.partition(".") if raw.count(".") == 1 else (raw.replace(".", ""), "", "")
    whole = whole.lstrip("0") or "0"
    decimals = decimals.rstrip("0")
    return f"{whole}.{decimals}" if decimals else whole


def digit_numbers(text: str) -> set[str]:
    """Every number written in digits in `text`, in canonical form."""
    return {canonical_number(m.group()) for m in DIGITS.finditer(text)}


def stated_numbers(text: str) -> set[str]:
    """Every number `text` states, in digits or as a word from two to twenty."""
    return digit_numbers(text) | {str(SPELLED[m.group().lower()]) for m in SPELLED_WORD.finditer(text)}

"""Contact details in page text and file names: found, so that no export carries them.

Detection runs on the *normalised* text (kg.normalise: NFKC, so full-width
digits and ＠ are ASCII; column-cut lines re-joined), and the spans are mapped
back to the original text through the offset map. The forms covered:

- mobile numbers, 3-4-4 or 4-3-4 digits, joined or split by spaces, dots or
  dashes, with or without +86 / 0086 / (+86), right after letters (Tel138…);
- landlines with an area code: 0351-5678901, 0351 5678901, (0351)5678901,
  （0351）5678901, +86 351 5678901;
- an extension after either (-123, 转123, ext 123, x123, 分机123);
- resident ID numbers, 18 digits (last may be X) or 15, joined or in 6-8-4 /
  6-6-3 groups split by spaces or dashes, after letters (ID1401…);
- e-mail addresses, including non-ASCII local parts (王五@example.cn).

Ordinary numbers of news text (2022年4月15日, 新增本土确诊病例12例, 140100,
“8·17”, 第N次 meetings) are none of these and stay.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from functools import cache

from kg.lexicon import entries
from kg.textscan import matches_near

_SEP = r"[ .\-\u2010-\u2015]"  # between digit groups
_CC = r"(?:\+\s?86|\(\+?86\)|（\+?86）|0086)[ \-]?"  # country code
_PHONE = (  # then an extension (-123, 转123, ext 123, x123, 分机123): see _patterns
    rf"(?:(?:{_CC}|86[ \-]?)?1[3-9]\d(?:{_SEP}?\d{{4}}){{2}}"  # mobile 3-4-4
    rf"|(?:{_CC}|86[ \-]?)?1[3-9]\d\d{_SEP}?\d{{3}}{_SEP}?\d{{4}}"  # mobile 4-3-4
    rf"|(?:(?:{_CC})?\(0?\d{{2,3}}\)|(?:{_CC})?（0?\d{{2,3}}）|0\d{{2,3}}{_SEP}?|{_CC}0?\d{{2,3}}{_SEP}?)"
    rf"\s?\d{{3,4}}{_SEP}?\d{{4}}"  # landline with area code
    r")(?!\d)"
)
_ID = r"\d{6}[ \-]?\d{8}[ \-]?\d{3}[\dXx]|\d{6}[ \-]?\d{6}[ \-]?\d{3}"
_EMAIL = r"[\w.%+\-]{1,80}@(?:[\w\-]{1,63}\.){1,8}[A-Za-z]{2,24}(?![A-Za-z0-9])"


@cache
def _patterns() -> tuple[re.Pattern, re.Pattern]:
    """(CONTACTS, NUMBERS), compiled on first use.

    Bounded repetitions only: one pass over the text, linear in its length. NUMBERS is the same
    without e-mail addresses, for a text with no @ (the e-mail part is tried at every word
    character, and most pages hold none): the same matches, several times faster."""
    phone = _PHONE + rf"(?:\s?(?:{entries('text')['phone_extension']})\s?\d{{1,6}}(?!\d))?"
    contacts = re.compile(rf"(?<!\d)(?:(?:{_ID})(?![\dXx])|{phone}|{_EMAIL})")
    numbers = re.compile(rf"(?<!\d)(?:(?:{_ID})(?![\dXx])|{phone})")
    return contacts, numbers


def __getattr__(name: str) -> re.Pattern:
    """``CONTACTS`` and ``NUMBERS``, compiled when first asked for."""
    if name in ("CONTACTS", "NUMBERS"):
        return _patterns()[name == "NUMBERS"]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


DIGITS = re.compile(r"\d{3}")


def _pattern(text: str) -> re.Pattern:
    contacts, numbers = _patterns()
    return contacts if "@" in text else numbers


def _numbers(text: str) -> list[re.Match]:
    """``NUMBERS.finditer(text)``, tried only up to 8 characters before a run of three digits (every
    number it finds holds one that close to its start: +86 138…, （0351）…), not at every character."""
    return matches_near(_patterns()[1], text, (m.start() for m in DIGITS.finditer(text)), 8, 0)


def contact_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of phone numbers, ID-card numbers and e-mail addresses in ``text``."""
    found = _patterns()[0].finditer(text) if "@" in text else _numbers(text)
    return [m.span() for m in found]


def _hide(s: str) -> str:
    if "@" in s:
        user, _, host = s.partition("@")
        return user[:1] + "*" * (len(user) - 1) + "@" + host
    digits = [i for i, c in enumerate(s) if c.isdigit()]
    keep = set(digits[:3] + digits[-4:])
    return "".join(c if (i in keep or not c.isdigit()) else "*" for i, c in enumerate(s))


def mask(text: str) -> str:
    """``text`` with contact details masked (159****7869, w*****@example.cn), keeping its length."""
    return _pattern(text).sub(lambda m: _hide(m.group()), text)


def mask_spans(text: str, spans: list[tuple[int, int]]) -> str:
    """``text`` with the contact details at ``spans`` masked, keeping its length (and so every offset)."""
    if not spans:
        return text
    parts = []
    pos = 0
    for s, e in spans:
        parts.append(text[pos:s])
        parts.append(_hide(text[s:e]))
        pos = e
    parts.append(text[pos:])
    return "".join(parts)


def mask_name(name: str, text: str = "") -> str:
    """A file name (relative path) fit to print and export: contact details in it masked.

    A name that held one gets ``~`` and 12 hex digits of a hash of the whole
    name and the page's text, so that two files whose masked names agree stay
    apart, the name is the same on every run, and the hidden digits cannot be
    recovered by hashing the few thousand candidates. Other names are returned
    unchanged.
    """
    norm = unicodedata.normalize("NFKC", name)
    contacts = _patterns()[0]
    if not contacts.search(norm):
        return name
    tag = hashlib.sha256(name.encode("utf-8", "surrogatepass") + b"\x00" +
                         text.encode("utf-8", "surrogatepass")).hexdigest()[:12]
    head, dot, suffix = norm.rpartition(".")
    if dot and "/" not in suffix and not contacts.search(suffix):
        return f"{mask(head)}~{tag}.{suffix}"
    return f"{mask(norm)}~{tag}"

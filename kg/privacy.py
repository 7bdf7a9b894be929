"""Contact details in page text: found, so that no export carries them."""

from __future__ import annotations

import re

CONTACTS = re.compile(
    r"(?<![0-9A-Za-z])(?:"
    r"1[3-9]\d(?:[ -]?\d{4}){2}"  # mobile numbers
    r"|\d{17}[\dXx]"  # resident ID-card numbers
    r"|(?:\(0\d{2,3}\)|（0\d{2,3}）|0\d{2,3}-?)\d{7,8}(?:-\d{1,5})?"  # landlines with area code
    r"|[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}"  # e-mail
    r")(?![0-9A-Za-z])"
)


def contact_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of phone numbers, ID-card numbers and e-mail addresses in ``text``."""
    return [m.span() for m in CONTACTS.finditer(text)]


def mask(text: str) -> str:
    """``text`` with contact details masked (159****7869), keeping its length."""
    def hide(m: re.Match) -> str:
        s = m.group()
        if "@" in s:
            user, _, host = s.partition("@")
            return user[:1] + "*" * (len(user) - 1) + "@" + host
        digits = [i for i, c in enumerate(s) if c.isdigit()]
        keep = set(digits[:3] + digits[-4:])
        return "".join(c if (i in keep or not c.isdigit()) else "*" for i, c in enumerate(s))
    return CONTACTS.sub(hide, text)

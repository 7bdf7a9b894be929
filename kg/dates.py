"""Dates in the text resolved against the page's publication date; never an invented year."""

from __future__ import annotations

import datetime as _dt
from functools import cache

from kg.lexicon import entries, pattern
from kg.model import Document

# the days from the base date that each entry of lex/text.tsv names (今天 0, 昨天 -1 …)
SHIFTS = (("same_day", 0), ("day_before", -1), ("two_days_before", -2), ("day_after", 1))


@cache
def _relative() -> dict[str, int]:
    """Word -> days from the base date: 今天 0, 昨天 -1, 前天 -2, 明天 1."""
    lex = entries("text")
    return {word: shift for key, shift in SHIFTS for word in lex[key].split("|")}


def resolve(month: int, day: int, doc: Document | None, year: int | None = None) -> _dt.date | None:
    """M月D日 on a page: the page's year, or the year before when the date would follow publication."""
    if year is None:
        if doc is None:
            return None
        if doc.published is not None:
            year = doc.published.year
            try:
                if _dt.date(year, month, day) > doc.published + _dt.timedelta(days=1):
                    year -= 1
            except ValueError:
                return None
        elif doc.year is not None:
            year = doc.year
        else:
            return None
    try:
        return _dt.date(year, month, day)
    except ValueError:
        return None


def relative(word: str, base: _dt.date | None) -> _dt.date | None:
    """今天 / 昨天 / 当日 against a base date (当日 is the base itself)."""
    shifts = _relative()
    if base is None or word not in shifts:
        return None
    return base + _dt.timedelta(days=shifts[word])


def dates_in(text: str, doc: Document | None) -> list[tuple[int, int, _dt.date]]:
    """(start, end, date) for every full date in ``text`` (4月13日、14日 gives two)."""
    out = []
    more_days, day = pattern("text", "more_days"), pattern("text", "day")
    for m in pattern("text", "date").finditer(text):
        date = resolve(int(m.group("m")), int(m.group("d")), doc, int(m.group("y")) if m.group("y") else None)
        if date:
            out.append((m.start(), m.end(), date))
        tail = more_days.match(text, m.end())
        if tail and date:
            for d in day.findall(tail.group()):
                other = resolve(date.month, int(d), None, date.year)
                if other:
                    out.append((m.start(), m.end() + tail.end(), other))
    return out


def day_of_month(text: str, base: _dt.date | None) -> _dt.date | None:
    """20日 in a text about the days around ``base``: the same month, else the month before."""
    m = pattern("text", "day").fullmatch(text)
    if not m or base is None:
        return None
    day = int(m.group(1))
    for month_shift in (0, -1):
        year, month = base.year, base.month + month_shift
        if month == 0:
            year, month = year - 1, 12
        try:
            date = _dt.date(year, month, day)
        except ValueError:
            continue
        if date <= base + _dt.timedelta(days=1):
            return date
    return None

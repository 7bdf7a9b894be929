"""Chinese and Arabic numerals: ordinals (第三十五次), lists (第21次、22次) and counts (1600余名)."""

from __future__ import annotations

import re

import cn2an

NUM = r"[0-9零〇一二三四五六七八九十百千两]+"
ORDINALS = re.compile(rf"第({NUM})[次场届](?:[、和及]({NUM})[次场届])*")


def to_int(text: str) -> int | None:
    """``35`` for 三十五 / 35 / ３５; None when it is not a number."""
    text = text.strip()
    if not text:
        return None
    if text.isdigit():
        return int(text)
    try:
        value = cn2an.cn2an(text.replace("两", "二").replace("〇", "零"), "smart")
    except (ValueError, KeyError, IndexError):
        return None
    return int(value) if float(value).is_integer() else None


def ordinals(text: str) -> list[int]:
    """All ordinals of a 第…次 expression: 第21次、22次 -> [21, 22]."""
    m = ORDINALS.search(text)
    if not m:
        return []
    parts = re.findall(rf"({NUM})[次场届]", m.group())
    return [n for n in (to_int(p) for p in parts) if n is not None]


def count(text: str) -> tuple[int, bool] | None:
    """(number, is_lower_bound) for a count such as 34人 / 1600余名 / 三十多例."""
    m = re.match(rf"({NUM})\s*(余|多)?", text)
    if not m:
        return None
    n = to_int(m.group(1))
    return (n, bool(m.group(2))) if n is not None else None

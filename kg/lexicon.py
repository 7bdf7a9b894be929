"""Vocabulary built from the data files for patterns that several components share.

Word lists live in ``kg/data``; this module turns the place short forms
(``place_short.tsv``) into the genre's travel cues (返京, 入川, 来蓉, 抵穗) so that
a page from any province reads them the same way, instead of each component
hard-coding its own province's.
"""

from __future__ import annotations

import re
from functools import cache

from kg.gazetteer import data_rows

# verbs of travel before a place's short form: 返京 (back to Beijing), 入川, 来蓉, 抵穗, 离京
TRAVEL = ("返", "入", "来", "抵", "回", "离", "出", "赴")


@cache
def short_forms() -> dict[str, str]:
    """One-character short form -> national code (first listed wins)."""
    out: dict[str, str] = {}
    for row in data_rows("place_short.tsv"):
        out.setdefault(row[0], row[1])
    return out


@cache
def travel_cue() -> str:
    """A regex alternation of travel cues: 返京|入川|…, and the travel words that need no place."""
    shorts = "".join(sorted(short_forms()))
    return rf"(?:{'|'.join(TRAVEL)})[{re.escape(shorts)}](?![\u4e00-\u9fff]{{0,1}}(?:省|市))|返程|返回|输入|旅居"


@cache
def short_form_pattern(special: frozenset[str] = frozenset()) -> tuple[re.Pattern, dict[str, str]]:
    """One pattern for every short form (but ``special``) after a verb of travel, followed by what
    such a cue is followed by (入川即检, 返京人员, 来蓉的, 抵穗后), its group ``p`` on the short form;
    and short form -> code."""
    codes = {s: c for s, c in short_forms().items() if s not in special}
    chars = "".join(sorted(codes))
    rx = re.compile(rf"(?:{'|'.join(TRAVEL)})(?:（抵）|\(抵\)|返)?(?P<p>[{re.escape(chars)}])"
                    r"(?=[人车交卡的，。、即后前途返时员旅者])")
    return rx, codes

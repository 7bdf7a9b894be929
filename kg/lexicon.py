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


# ---------------------------------------------------------------------------------------------
# Generic loaders: every component reads its vocabulary through these, never from literals.
#
# kg/data/lex/<name>.txt   one word per line ('#' starts a comment line); file order kept.
# kg/data/lex/<name>.tsv   two columns, ``name<TAB>value``: named regex fragments, cue sets and
#                          patterns. A value may use another entry of the same file as ``{other}``
#                          (a name in braces: letters, digits, underscores, starting with a
#                          letter; regex repeats such as {0,6} are never names), expanded in place
#                          as a non-capturing group; ``{:other}`` inserts it as it stands (for a
#                          set of characters used inside ``[...]``). ``{common.other}`` refers
#                          to an entry of another file (here ``lex/common.tsv``): shared sets,
#                          such as the characters that bound a name, are written once there.
# ---------------------------------------------------------------------------------------------

_REF = re.compile(r"\{(:?)([A-Za-z][A-Za-z0-9_]*(?:\.[A-Za-z][A-Za-z0-9_]*)?)\}")


def _lex_lines(name: str) -> list[str]:
    from kg.gazetteer import data_text

    return [line for line in data_text(f"lex/{name}").splitlines() if line.strip() and not line.startswith("#")]


@cache
def words(name: str) -> tuple[str, ...]:
    """The words of ``kg/data/lex/<name>.txt``, in file order, without blanks and comments."""
    return tuple(line.strip() for line in _lex_lines(f"{name}.txt"))


def alternation(items: tuple[str, ...] | list[str] | frozenset[str]) -> str:
    """A regex alternation of literal words, longest first (so 常务会议 wins over 常务会)."""
    return "|".join(re.escape(w) for w in sorted(set(items), key=lambda w: (-len(w), w)))


@cache
def entries(name: str) -> dict[str, str]:
    """The ``name<TAB>value`` rows of ``kg/data/lex/<name>.tsv`` with ``{other}`` references expanded."""
    return parse_entries(_lex_lines(f"{name}.tsv"), f"kg/data/lex/{name}.tsv")


def parse_entries(lines: list[str], source: str) -> dict[str, str]:
    """``name<TAB>value`` lines -> {name: value} with references expanded, in file order.

    A row without a tab, a name defined twice, a missing reference or a cycle is a ValueError
    naming ``source`` and the entry."""
    raw: dict[str, str] = {}
    for line in lines:
        key, sep, value = line.partition("\t")
        if not sep:
            raise ValueError(f"{source}: row {key!r} has no tab-separated value")
        if key in raw:
            raise ValueError(f"{source}: {key!r} is defined twice")
        raw[key] = value
    done: dict[str, str] = {}

    def expand(key: str, seen: tuple[str, ...]) -> str:
        if "." in key:
            other, _, entry = key.partition(".")
            table = entries(other)
            if entry not in table:
                raise ValueError(f"{source}: {seen[-1]!r} refers to undefined {{{key}}}")
            return table[entry]
        if key in done:
            return done[key]
        if key in seen:
            raise ValueError(f"{source}: {key!r} refers to itself through {' -> '.join(seen)}")
        if key not in raw:
            raise ValueError(f"{source}: {seen[-1]!r} refers to undefined {{{key}}}")

        def sub(m: re.Match) -> str:
            inner = expand(m.group(2), (*seen, key))
            return inner if m.group(1) else f"(?:{inner})"

        done[key] = _REF.sub(sub, raw[key])
        return done[key]

    for key in raw:
        expand(key, ())
    return {key: done[key] for key in raw}


@cache
def pattern(name: str, key: str) -> re.Pattern:
    """Entry ``key`` of ``kg/data/lex/<name>.tsv``, compiled."""
    return re.compile(entries(name)[key])

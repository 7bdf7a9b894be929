"""Vocabulary built from the data files for patterns that several components share.

Word lists live in ``kg/data``; this module turns the place short forms
(``place_short.tsv``) into the genre's travel cues (返京, 入川, 来蓉, 抵穗) so that
a page from any province reads them the same way, instead of each component
hard-coding its own province's; the verbs and what follows a cue are in ``lex/travel.tsv``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from functools import cache

from kg.gazetteer import data_rows


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
    lex = entries("travel")
    return rf"(?:{lex['travel_verb']})[{re.escape(shorts)}]{lex['not_a_place_name']}|{lex['travel_word']}"


@cache
def short_form_pattern(special: frozenset[str] = frozenset()) -> tuple[re.Pattern, dict[str, str]]:
    """One pattern for every short form (but ``special``) after a verb of travel, followed by what
    such a cue is followed by (入川即检, 返京人员, 来蓉的, 抵穗后), its group ``p`` on the short form;
    and short form -> code."""
    codes = {s: c for s, c in short_forms().items() if s not in special}
    chars = "".join(sorted(codes))
    lex = entries("travel")
    rx = re.compile(rf"(?:{lex['travel_verb']})(?:{lex['travel_via']})?(?P<p>[{re.escape(chars)}])"
                    rf"(?={lex['after_travel_cue']})")
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


@cache
def _replaced_entries(name: str, replaced: tuple[tuple[str, str], ...]) -> dict[str, str]:
    return parse_entries(_lex_lines(f"{name}.tsv"), f"kg/data/lex/{name}.tsv", dict(replaced))


def parse_entries(lines: list[str], source: str, replaced: Mapping[str, str] | None = None) -> dict[str, str]:
    """``name<TAB>value`` lines -> {name: value} with references expanded, in file order.

    ``replaced`` gives other values to some entries (before expansion, so entries that refer to
    them change too). A row without a tab, a name defined twice, a replaced name the file does
    not define, a missing reference or a cycle is a ValueError naming ``source`` and the entry."""
    raw: dict[str, str] = {}
    for line in lines:
        key, sep, value = line.partition("\t")
        if not sep:
            raise ValueError(f"{source}: row {key!r} has no tab-separated value")
        if key in raw:
            raise ValueError(f"{source}: {key!r} is defined twice")
        raw[key] = value
    for key, value in (replaced or {}).items():
        if key not in raw:
            raise ValueError(f"{source}: no entry {key!r} to replace (its entries: {', '.join(raw)})")
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


_ESCAPE = re.compile(r"\\(?:u([0-9a-fA-F]{4})|(.))")
_CONTROL = {"n": "\n", "t": "\t", "r": "\r"}


@cache
def charset(name: str, key: str) -> str:
    """Entry ``key`` of ``kg/data/lex/<name>.tsv``, a set of characters written as the inside of ``[...]``
    (``\\uXXXX``, ``\\n``, ``\\t`` and ``\\-`` escapes; no ranges), as the characters themselves, in order."""
    return _chars(name, key, entries(name)[key])


def _chars(name: str, key: str, value: str) -> str:
    if re.search(r"(?<!\\)-.", value) or value.startswith("^"):
        raise ValueError(f"kg/data/lex/{name}.tsv: {key!r} is not a plain set of characters (a range or ^)")
    chars = _ESCAPE.sub(lambda m: chr(int(m.group(1), 16)) if m.group(1) else _CONTROL.get(m.group(2), m.group(2)),
                        value)
    klass = re.compile(f"[{value}]")
    wrong = [c for c in chars if not klass.fullmatch(c)]
    if wrong:
        raise ValueError(f"kg/data/lex/{name}.tsv: {key!r} does not match its own characters {wrong}")
    return chars


class Lexicon(Mapping[str, str]):
    """One component's vocabulary: the entries of ``kg/data/lex/<name>.tsv``, some replaced by the caller.

    A component takes ``replaced`` from its factory's ``lexicon`` setting, so a pipeline (or a
    test) can hand it other cues without touching the data files::

        nlp.add_pipe("kg_meetings", config={"lexicon": {"relay_verb": "传达|学习"}})
    """

    def __init__(self, name: str, replaced: Mapping[str, str] | None = None) -> None:
        self.name = name
        self._table = _replaced_entries(name, tuple(sorted(replaced.items()))) if replaced else entries(name)

    def __getitem__(self, key: str) -> str:
        return self._table[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._table)

    def __len__(self) -> int:
        return len(self._table)

    def chars(self, key: str) -> str:
        """Entry ``key`` as a set of characters (see :func:`charset`)."""
        return _chars(self.name, key, self._table[key])

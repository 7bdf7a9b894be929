"""kg_sentences: sentence boundaries that respect Chinese punctuation and quotes."""

from __future__ import annotations

import re
from collections import deque
from functools import cache
from itertools import pairwise
from typing import cast

import numpy
from spacy.attrs import IDX, SENT_START
from spacy.language import Language
from spacy.tokens import Doc
from thinc.types import Ints2d

from kg.components.base import mentions, relations, state
from kg.lexicon import charset


@cache
def _marks() -> tuple[frozenset[str], frozenset[str], frozenset[str], re.Pattern]:
    """(terminals, opening quotes, closing quotes, a pattern for any of them or a line break), from
    ``lex/common.tsv``."""
    terminals, opening, closing = (frozenset(charset("common", key))
                                   for key in ("sentence_terminal", "quote_open", "quote_close"))
    special = re.compile("[" + re.escape("".join(sorted(terminals | opening | closing | {"\n"}))) + "]")
    return terminals, opening, closing, special

# A quotation longer than this is treated as running text: its 。 ends sentences.
MAX_QUOTE = 60
# A "sentence" longer than this (a page without 。 or line breaks) is cut after its last ，；、 or
# space in reach, else at this length: work per sentence stays bounded, so a page is linear.
MAX_SENTENCE = 1000
SOFT_BREAK = re.compile(r"[，；、,; \t\u3000]")


def _start_after(text: str, j: int, starts: list[int]) -> int:
    """Record that a sentence starts at ``j`` (after any spaces); return where to go on."""
    n = len(text)
    while j < n and text[j] in " \t\u3000":
        j += 1
    if j < n and text[j] != "\n" and j > starts[-1]:
        starts.append(j)
    return j


def sentence_starts(text: str) -> list[int]:
    """Character offsets where sentences start.

    Breaks after 。！？ (and any closing quotes or brackets that follow them) and at
    line breaks; a terminal inside a short quotation does not break.
    """
    terminals, open_quotes, close_quotes, special_re = _marks()
    starts = [0]
    depth = 0
    opened = 0
    n = len(text)
    i = 0
    while i < n:
        special = special_re.search(text, i)  # other characters change nothing: skip them
        if special is None:
            break
        i = special.start()
        ch = text[i]
        if ch == "\n":
            depth = 0
            j = i
            while j < n and text[j] in "\n \t\u3000":
                j += 1
            if j < n and j > starts[-1]:
                starts.append(j)
            i = j
            continue
        if ch in open_quotes:
            if depth == 0:
                opened = i
            depth += 1
        elif ch in close_quotes and depth:
            depth -= 1
            if depth == 0 and i and text[i - 1] in terminals:
                i = _start_after(text, i + 1, starts)
                continue
        elif ch in terminals and (depth == 0 or i - opened > MAX_QUOTE):
            j = i + 1
            while j < n and (text[j] in terminals or text[j] in close_quotes):
                j += 1
            depth = 0
            i = _start_after(text, j, starts)
            continue
        i += 1
    return _bounded(text, starts)


def _bounded(text: str, starts: list[int]) -> list[int]:
    """``starts`` with a start added wherever a sentence runs over MAX_SENTENCE characters."""
    out = []
    for a, b in pairwise([*starts, len(text)]):
        out.append(a)
        while b - a > MAX_SENTENCE:
            last = deque(SOFT_BREAK.finditer(text, a + MAX_SENTENCE // 2, a + MAX_SENTENCE), maxlen=1)
            a = last[0].end() if last else a + MAX_SENTENCE
            out.append(a)
    return out


@Language.component("kg_sentences", assigns=["token.is_sent_start", "doc._.kg_sents", "doc._.kg_text",
                                            "doc._.kg_mentions", "doc._.kg_relations"])
def kg_sentences(doc: Doc) -> Doc:
    """Set ``is_sent_start`` from :func:`sentence_starts`; reset kg mention lists."""
    st = state(doc)
    mentions(doc).clear()
    relations(doc).clear()
    st.by_class.clear()
    if st.text is None:  # the builder passes the text it made the doc from
        st.text = doc.text
    text = st.text
    if not len(doc):
        st.sents = []
        return doc
    cuts = sentence_starts(text)
    st.sents = [(a, b) for a, b in pairwise([*cuts, len(text)]) if b > a]
    starts = numpy.array(cuts, dtype="int64")
    # one array write: setting token.is_sent_start one by one re-checks the whole doc each time
    offsets = doc.to_array([IDX]).astype("int64")
    values = numpy.where(numpy.isin(offsets, starts), 1, -1).astype("int64")
    values[0] = 1
    doc.from_array([SENT_START], cast(Ints2d, values.astype("uint64").reshape(-1, 1)))
    return doc

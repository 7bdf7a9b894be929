"""The faster stand-ins for library calls give exactly what the calls they replace give."""

import re

import spacy
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.components.base import matches_near
from kg.nlp import CharTokenizer

from .conftest import SEEDS

TEXT = st.text(st.sampled_from(list("太原市 清徐县\n\n  摄影记者王明摄８·１７ “8·17”疫情，。、ab1")), max_size=80)


def _spacy_char():
    return spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "char"}}})


def _tokens(doc):
    return [(t.text, t.whitespace_) for t in doc]


def test_char_tokenizer_gives_spacy_char_tokens():
    nlp = _spacy_char()
    fast = CharTokenizer(nlp.vocab)
    for page in sorted(SEEDS.glob("*.txt")):
        text = page.read_text(encoding="utf-8")
        assert _tokens(fast(text)) == _tokens(nlp.make_doc(text))

    @settings(max_examples=300, deadline=None)
    @given(TEXT)
    def check(text):
        assert _tokens(fast(text)) == _tokens(nlp.make_doc(text))

    check()


def test_matches_near_gives_finditer_matches():
    rx = re.compile(r"[\u4e00-\u9fff]{2,4}摄")

    @settings(max_examples=300, deadline=None)
    @given(TEXT)
    def check(text):
        anchors = [i for i, c in enumerate(text) if c == "摄"]
        got = [m.span() for m in matches_near(rx, text, anchors, 4, 2)]
        assert got == [m.span() for m in rx.finditer(text)]

    check()


def test_contact_numbers_near_digit_runs_are_finditers_matches():
    from kg.privacy import NUMBERS, _numbers

    pieces = st.sampled_from(["138", "1234", "5678", "0351", "-", " ", ".", "+86", "(", ")", "（", "）", "转", "X",
                              "ID", "电话", "，", "2022年", "140102", "19800101", "86", "0086", "ext"])

    @settings(max_examples=400, deadline=None)
    @given(st.lists(pieces, max_size=30).map("".join))
    def check(text):
        assert [m.span() for m in _numbers(text)] == [m.span() for m in NUMBERS.finditer(text)]

    check()

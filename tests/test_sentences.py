from itertools import pairwise

import pytest

from kg.components.sentences import sentence_starts
from kg.nlp import make_pipeline


@pytest.mark.parametrize(
    "text, sentences",
    [
        ("甲说。乙说！丙说？", ["甲说。", "乙说！", "丙说？"]),
        ("他说：“要落实。要坚持。”会议结束。", ["他说：“要落实。要坚持。”", "会议结束。"]),
        ("标题一\n\n本报讯 正文。", ["标题一", "本报讯 正文。"]),
        ("坚持“外防输入、内防反弹”总策略。", ["坚持“外防输入、内防反弹”总策略。"]),
    ],
)
def test_sentence_starts(text, sentences):
    starts = sentence_starts(text) + [len(text)]
    got = [text[a:b].strip() for a, b in pairwise(starts)]
    assert got == sentences


def test_component_sets_sentences():
    nlp = make_pipeline(("kg_sentences",))
    doc = nlp("省委书记主持会议。他强调，要落实。")
    assert [s.text for s in doc.sents] == ["省委书记主持会议。", "他强调，要落实。"]

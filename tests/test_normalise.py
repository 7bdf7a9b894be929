import pytest

from kg.normalise import clean, to_simplified


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("國務院聯防聯控機制", "国务院联防联控机制"),
        ("ＺＤ２２次列車“８·１７”", "ZD22次列车“8·17”"),
        ("省委書記，主持會議：要求！", "省委书记，主持会议：要求！"),  # Chinese punctuation kept wide
        ("（下转第2版）省长", "省长"),
        ("## 小标题\n\n正文。", "小标题\n\n正文。"),
    ],
)
def test_clean_text(raw, expected):
    assert clean(raw).text == expected


def test_cut_paragraph_rejoined():
    raw = "经专家会诊，6人为确诊病例，1人为无症状感染\n\n者。截至20日，全部隔离。"
    assert "无症状感染者。" in clean(raw).text


def test_heading_inside_cut_sentence_dropped():
    raw = "密接者一天三次，古城内一天\n\n## 越战越勇\n\n一次，迅速把风险点找出来。"
    assert "古城内一天一次，迅速" in clean(raw).text


def test_headline_not_joined_to_body():
    raw = "某某主持召开会议\n\n本报讯 4月1日，会议召开。"
    text = clean(raw).text
    assert "会议\n\n本报讯" in text


def test_terminated_paragraphs_stay_apart():
    raw = "第一段，结束了。\n\n第二段开始，"
    assert clean(raw).text == raw


@pytest.mark.parametrize("raw", [
    "經專家會診，1人為無症狀感染\n\n者。（下转第2版）\n\nＡＢＣ省長講話。",
    "abc\n\n\n魏 薇 摄\n＃",
    "",
])
def test_offsets_point_into_original(raw):
    c = clean(raw)
    assert len(c.index) == len(c.text) + 1
    for i, ch in enumerate(c.text):
        orig = raw[c.index[i]]
        assert to_simplified(orig) == ch or orig != ch  # NFKC or t2s may change it, never move it
    for start in range(len(c.text)):
        s, e = c.to_original(start, len(c.text))
        assert 0 <= s <= e <= len(raw)


def test_span_maps_to_original_sentence():
    raw = "前言。\n\n經會診，1人為無症狀感染\n\n者。"
    c = clean(raw)
    i = c.text.index("经会诊")
    j = c.text.index("者。") + 2
    s, e = c.to_original(i, j)
    assert raw[s:e] == "經會診，1人為無症狀感染\n\n者。"


def test_pinyin_glosses_dropped_with_offsets_exact():
    raw = "市委書記王某某主持召開會議，研究部署領(lǐng)導(dǎo)小組工作(BA.2)"
    c = clean(raw)
    assert "领导小组" in c.text and "(lǐng)" not in c.text and "ǎ" not in c.text
    assert "BA.2" in c.text  # a bracketed word without tone marks stays
    s = c.text.index("领导小组")
    start, end = c.to_original(s, s + 4)
    assert raw[start:end] == "領(lǐng)導(dǎo)小組"


def test_half_width_punctuation_is_read_as_full_width():
    c = clean("7月3日,市委召开会议(视频):共1,000人参加;09:30开始")
    assert c.text == "7月3日，市委召开会议（视频）：共1,000人参加；09:30开始"


@pytest.mark.parametrize("text, expected", [
    ("记者於明远、王濛濛报道", "记者於明远、王濛濛报道"),  # Simplified: the surname 於 and 濛 stay
    ("這是一篇關於疫情防控的報道，記者於明遠", "这是一篇关于疫情防控的报道，记者于明远"),  # Traditional: all of it
    ("ＺＤ２２次列車", "ZD22次列车"),  # a short Traditional line
    ("全市开展核酸检测" * 50 + "臺", "全市开展核酸检测" * 50 + "臺"),  # one stray character: still Simplified
])
def test_only_traditional_text_is_made_simplified(text, expected):
    assert clean(text).text == expected


@pytest.mark.parametrize("text, expected", [
    # a photo caption is a line of its own, though it ends without a full stop
    ("图为市疾控中心主任张华、副主任李明在社区检查\n\n会议强调，要压实责任。",
     "图为市疾控中心主任张华、副主任李明在社区检查\n\n会议强调，要压实责任。"),
    ("▲检查组在东风社区、西湖小区检查\n会议指出，要压实责任。",
     "▲检查组在东风社区、西湖小区检查\n会议指出，要压实责任。"),
    # a web page's furniture and a headline with a colon are lines of their own too
    ("发布时间：2021-05-06 10:20 来源：某某网\n本网讯 会议要求，各地要加强防控。",
     "发布时间：2021-05-06 10:20 来源：某某网\n本网讯 会议要求，各地要加强防控。"),
    ("某市召开疫情防控会议：坚决守住防线 筑牢屏障\n5月6日，市委召开会议。",
     "某市召开疫情防控会议：坚决守住防线 筑牢屏障\n5月6日，市委召开会议。"),
    ("会议指出，各地要加强\n2021-05-06 10:20\n防控工作。", "会议指出，各地要加强\n2021-05-06 10:20\n防控工作。"),
    # a body line cut by a column break still joins the rest of its sentence
    ("会议要求，各地要加强\n\n防控工作。", "会议要求，各地要加强防控工作。"),
])
def test_captions_furniture_and_headlines_stay_lines_of_their_own(text, expected):
    assert clean(text).text == expected

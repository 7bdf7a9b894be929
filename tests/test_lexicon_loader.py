"""The generic vocabulary loaders of kg.lexicon: named entries with references, word lists."""

import re

import pytest

from kg import lexicon


def test_entries_expand_references_as_groups_or_as_they_stand():
    lines = ["end\t会|会议", "chars\t\\u4e00-\\u9fff", "# a comment is not an entry",
             "meeting\t[{:chars}]{2,6}(?:{end})", "twice\t{end}{end}"]
    got = lexicon.parse_entries([x for x in lines if not x.startswith("#")], "t.tsv")
    assert got["meeting"] == "[\\u4e00-\\u9fff]{2,6}(?:(?:会|会议))"
    assert got["twice"] == "(?:会|会议)(?:会|会议)"
    assert re.fullmatch(got["meeting"], "常务会议")
    assert list(got) == ["end", "chars", "meeting", "twice"]


@pytest.mark.parametrize("lines, message", [
    (["a\t{b}"], "undefined {b}"),
    (["a\t{b}", "b\t{a}"], "refers to itself"),
    (["a\tx", "a\ty"], "defined twice"),
    (["a"], "no tab-separated value"),
])
def test_entries_errors_name_the_file_and_the_entry(lines, message):
    with pytest.raises(ValueError, match=re.escape(message)) as err:
        lexicon.parse_entries(lines, "kg/data/lex/t.tsv")
    assert "kg/data/lex/t.tsv" in str(err.value)


def test_alternation_is_longest_first_and_escaped():
    alt = lexicon.alternation(["会", "常务会议", "a.b"])
    assert alt.split("|")[0] == "常务会议"
    assert re.fullmatch(alt, "a.b") and not re.fullmatch(alt, "axb")


def test_entries_refer_to_another_file(monkeypatch):
    monkeypatch.setattr(lexicon, "entries", lambda name: {"edge": "，。"} if name == "shared" else {})
    got = lexicon.parse_entries(["name\t[^{:shared.edge}]+"], "t.tsv")
    assert got["name"] == "[^，。]+"
    with pytest.raises(ValueError, match="undefined"):
        lexicon.parse_entries(["name\t{shared.nope}"], "t.tsv")

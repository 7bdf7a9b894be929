"""The generic vocabulary loaders of kg.lexicon: named entries with references, word lists."""

import re
import subprocess
import sys

import pytest

from kg import lexicon

from .conftest import ROOT


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


LEX = ROOT / "kg" / "data" / "lex"


@pytest.mark.parametrize("name", sorted(p.stem for p in LEX.glob("*.tsv")))
def test_every_table_entry_compiles(name):
    """Every entry of every kg/data/lex table expands and compiles as a regex or, for a set of
    characters, inside [...]: a broken row fails here with its file and entry named."""
    lines = (LEX / f"{name}.tsv").read_text(encoding="utf-8").splitlines()
    assert lines and lines[0].startswith("#"), f"kg/data/lex/{name}.tsv: start with comments saying what it holds"
    table = lexicon.entries(name)  # a bad reference is a ValueError naming the file and the entry
    assert table, f"kg/data/lex/{name}.tsv has no entries"
    assert not [k for k in table if not re.fullmatch(r"[a-z][a-z0-9_]*", k)], f"kg/data/lex/{name}.tsv: lowercase names"
    broken = []
    for key, value in table.items():
        try:
            re.compile(value)
        except re.error as err:
            try:  # a set of characters (“‘「『《( ) is used inside [...]; one with groups or | is a regex
                re.compile(f"[{value}]")
                is_set = not re.search(r"\(\?|\||\{\d", value)
            except re.error:
                is_set = False
            if not is_set:
                broken.append(f"kg/data/lex/{name}.tsv: {key}: {err}")
    assert not broken, "\n".join(broken)


@pytest.mark.parametrize("name", sorted(p.stem for p in LEX.glob("*.txt")))
def test_every_word_list_loads(name):
    got = lexicon.words(name)
    assert got and all(w and "\t" not in w for w in got), f"kg/data/lex/{name}.txt"


def test_charset_reads_a_set_of_characters_with_escapes(monkeypatch):
    table = {"marks": "。！\\n\\u3000\\-", "range": "0-9"}
    monkeypatch.setattr(lexicon, "entries", lambda name: table)
    lexicon.charset.cache_clear()
    try:
        assert lexicon.charset("t", "marks") == "。！\n\u3000-"
        with pytest.raises(ValueError, match="range"):
            lexicon.charset("t", "range")
    finally:
        lexicon.charset.cache_clear()


def test_importing_the_components_reads_no_data():
    """Components read their vocabulary in their constructors: importing one reads no data file."""
    code = ("import kg.gazetteer as g\n"
            "read = []\n"
            "text, rows = g.data_text, g.data_rows\n"
            "g.data_text = lambda name, *a: read.append(name) or text(name, *a)\n"
            "g.data_rows = lambda name, *a: read.append(name) or rows(name, *a)\n"
            "import kg.lexicon\n"
            "kg.lexicon.data_rows = g.data_rows\n"
            "import kg.components.chains, kg.components.policies, kg.dates\n"
            "print(read)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_replaced_entries_change_the_entries_that_refer_to_them():
    lines = ["verb\t召开", "held\t{verb}了"]
    assert lexicon.parse_entries(lines, "t.tsv", {"verb": "举行"}) == {"verb": "举行", "held": "(?:举行)了"}
    with pytest.raises(ValueError, match=r"t\.tsv: no entry 'verbs' to replace"):
        lexicon.parse_entries(lines, "t.tsv", {"verbs": "举行"})


def test_a_lexicon_reads_its_file_with_the_entries_replaced():
    default = lexicon.Lexicon("policies")
    mine = lexicon.Lexicon("policies", {"measure_after": "做法", "head_stop": "的，"})
    assert default["measure_after"] != "做法" and mine["measure_after"] == "做法"
    assert mine["notice_end"] == default["notice_end"]  # the others as in the file
    assert mine.chars("head_stop") == "的，" and set(mine) == set(default)
    with pytest.raises(ValueError, match="policies.tsv"):
        lexicon.Lexicon("policies", {"no_such_entry": "x"})


def _policies(nlp, text):
    from kg.model import Document
    from kg.normalise import clean

    doc = nlp.make_doc(clean(text).text)
    doc._.kg_meta = Document("t", "t.txt", text, year=2023)
    return [m.label for m in nlp(doc)._.kg_mentions if m.cls == "Policy"]


def test_a_component_handed_a_small_lexicon_uses_it_and_only_in_its_pipeline():
    from kg.nlp import make_pipeline

    parts = ("kg_sentences", "kg_places", "kg_orgs", "kg_policies")
    text = "某县推广“邻里守望”做法，效果明显。"
    assert _policies(make_pipeline(parts), text) == []
    mine = make_pipeline(parts, config={"kg_policies": {"lexicon": {"measure_after": "做法|措施"}}})
    assert mine.config["components"]["kg_policies"]["lexicon"] == {"measure_after": "做法|措施"}
    assert _policies(mine, text) == ["邻里守望"]
    assert _policies(make_pipeline(parts), text) == []  # other pipelines keep the data files' words

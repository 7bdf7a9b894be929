"""Labels a reader can use: no leading punctuation, 的 or clause verb, balanced quotes, no pinyin gloss."""

import re

import rdflib
from rdflib import RDFS

from .conftest import ROOT

BAD_START = re.compile(r"^(?:[\s，。、；：！？,.;:!?()（）《》]|的|贯彻落实)")
GLOSS = re.compile(r"\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+\)")


def bad_labels(graph: rdflib.Graph) -> list[str]:
    out = []
    for label in map(str, graph.objects(None, RDFS.label)):
        if BAD_START.match(label) or GLOSS.search(label) or label.count("“") != label.count("”"):
            out.append(label)
    return sorted(out)


def test_the_seed_graphs_labels_are_clean():
    g = rdflib.Graph().parse(ROOT / "exports" / "kg.ttl")
    assert bad_labels(g) == []


def test_labels_of_a_traditional_mirror_page_with_glosses(tmp_path):
    from click.testing import CliRunner

    from kg.cli import main

    page = tmp_path / "pages" / "p.txt"
    page.parent.mkdir()
    page.write_text("本報訊 8月3日，市委書記趙某某主持召開市委第十二次疫情防控專題會暨市疫情防控工作領(lǐng)導(dǎo)"
                    "小組會議，傳達學習省委相關會議精神。“8·2”疫情新增確診病例3例。", encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", str(page.parent), "--out", str(out), "--year", "2022", "--jobs", "1"])
    assert result.exit_code == 0, result.output
    g = rdflib.Graph().parse(out / "kg.ttl")
    assert bad_labels(g) == []
    labels = set(map(str, g.objects(None, RDFS.label)))
    assert any("领导小组会议" in label for label in labels)  # the gloss is gone, the name whole

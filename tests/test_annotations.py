"""Components set their findings where spaCy tools look: doc.spans[kind] and doc.ents."""

from kg.components.base import RECORD_ONLY
from kg.nlp import make_pipeline

from .helpers import run


def test_policies_and_chains_are_span_groups_with_class_labels_and_keys():
    text = "会议要求，严格落实“三天两检”。“6·3”疫情累计报告确诊病例3例。"
    doc = run(text, home_province="610000", home_city="610100")
    policies = doc.spans["kg_policies"]
    assert [s.text for s in policies] == ["“三天两检”"]
    assert {s.label_ for s in policies} == {"Policy"} and all(s.id_ for s in policies)
    chains = doc.spans["kg_chains"]
    assert len(chains) == 1 and "6·3" in chains[0].text and chains[0].label_ == "InfectionChain"


def test_people_places_and_organizations_are_the_docs_entities_across_spaces():
    text = "本报讯  4月2日，市委书记张某某在西安市雁塔区检查。\n\n省卫健委主任李某某出席。"
    doc = run(text, home_province="610000", home_city="610100")
    ents = {(e.text, e.label_) for e in doc.ents}
    assert {("张某某", "Official"), ("雁塔区", "County"), ("省卫健委", "Organization")} <= ents
    for kind in ("kg_places", "kg_orgs", "kg_persons", "kg_meetings"):
        assert kind in doc.spans
    for span in doc.spans["kg_places"]:  # token offsets agree with the mentions' character offsets
        assert span.text == text[span.start_char:span.end_char]


def test_a_build_reads_the_page_record_only_and_makes_no_spans():
    nlp = make_pipeline()
    doc = nlp.make_doc("市委书记张某某主持召开会议。")
    doc.user_data[RECORD_ONLY] = True
    doc = nlp(doc)
    assert not doc.spans and not doc.ents
    assert [m.label for m in doc._.kg_mentions if m.cls == "Official"] == ["张某某"]

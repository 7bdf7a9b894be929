"""Components set their findings where spaCy tools look: doc.spans[kind] and doc.ents."""

from .helpers import run


def test_policies_and_chains_are_span_groups_with_class_labels_and_keys():
    text = "会议要求，严格落实“三天两检”。“6·3”疫情累计报告确诊病例3例。"
    doc = run(text, home_province="610000", home_city="610100")
    policies = doc.spans["kg_policies"]
    assert [s.text for s in policies] == ["“三天两检”"]
    assert {s.label_ for s in policies} == {"Policy"} and all(s.id_ for s in policies)
    chains = doc.spans["kg_chains"]
    assert len(chains) == 1 and "6·3" in chains[0].text and chains[0].label_ == "InfectionChain"

import pytest

from .helpers import facts, labels, run

PIPE = ("kg_sentences", "kg_places", "kg_orgs")


def test_party_committee_and_government_of_the_page():
    doc = run("省委、省政府高度重视，市委、市政府迅速部署。", PIPE, home_province="410000", home_city="410100")
    assert labels(doc, "Organization") == ["中共河南省委", "中共郑州市委", "河南省人民政府", "郑州市人民政府"]
    assert ("中共郑州市委", "郑州市") in facts(doc, "jurisdiction")


def test_leading_groups_merge_with_and_without_covid_words():
    a = run("省新冠肺炎疫情防控工作领导小组召开会议。", PIPE, home_province="140000")
    b = run("省疫情防控工作领导小组召开会议。", PIPE, home_province="140000")
    [ma] = [m for m in a._.kg_mentions if m.cls == "Organization"]
    [mb] = [m for m in b._.kg_mentions if m.cls == "Organization"]
    assert ma.key == mb.key


@pytest.mark.parametrize("text, org", [
    ("运城市中心医院报告。", "运城市中心医院"),
    ("，山西清众科技股份有限公司介绍了产品。", "山西清众科技股份有限公司"),
    ("国务院联防联控机制工作组组长到场。", "国务院联防联控机制工作组"),
])
def test_named_organizations(text, org):
    assert org in labels(run(text, PIPE, home_province="140000"), "Organization")

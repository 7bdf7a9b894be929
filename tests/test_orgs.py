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


@pytest.mark.parametrize("text, orgs", [
    ("加快构建新发展格局，积极谋篇布局。", []),  # 格局 / 布局 end in 局 but name no body
    ("，北京大学化学研究院介绍了成果。", ["北京大学化学研究院"]),  # a university's institute is one name
    ("，山西省太行经济一体化发展促进会主办。", ["山西省太行经济一体化发展促进会"]),  # 经济 is no break
    ("国网石家庄供电公司向一线送去物资。", ["国网石家庄供电公司"]),
    ("國網太原供電公司送去物資。", ["国网太原供电公司"]),  # Traditional text after normalisation
    ("省科协将举办年会。市疫情防控办发布消息。", ["山西省科学技术协会", "太原市疫情防控领导小组办公室"]),
    ("市委中心组开展学习。", ["中共太原市委理论学习中心组"]),
    ("，迎泽区桥东街道办事处新建社区党支部书记说，", ["新建社区党支部", "迎泽区桥东街道办事处"]),
])
def test_organization_edges_and_short_forms(text, orgs):
    assert labels(run(text, PIPE, home_province="140000", home_city="140100"), "Organization") == sorted(orgs)


def test_short_name_takes_the_fuller_name_on_the_page():
    doc = run("，平定恒泰村镇银行成立于2012年。在活动中，恒泰村镇银行荣获“全国百强村镇银行”称号。", PIPE,
              home_province="140000")
    found = [m for m in doc._.kg_mentions if m.cls == "Organization" and m.end > m.start]
    assert {m.label for m in found} == {"平定恒泰村镇银行"} and len(found) == 2


@pytest.mark.parametrize("text, org", [
    ("市卫健委主任赵某某介绍，", "南宁市卫生健康委员会"),  # a short form, resolved against the page's city
    ("市疾控中心副主任钱某某说，", "南宁市疾病预防控制中心"),
    ("市政府新闻办举行发布会。", "南宁市人民政府新闻办公室"),
    ("市市场监管局、市文旅局负责同志参加。", "南宁市市场监督管理局"),
    ("区政府召开会议，青秀区相关部门参加。", "南宁市青秀区人民政府"),  # one district on the page
    ("省应对新冠肺炎疫情应急指挥部召开会议。", "广西壮族自治区应对新冠肺炎疫情应急指挥部"),
    ("来源：中新网", "中国新闻网"),
    ("青秀区融媒体中心报道。", "南宁市青秀区融媒体中心"),
    ("广西壮族自治区应对新型冠状病毒肺炎疫情工作领导小组办公室发布通知。",
     "广西壮族自治区应对新型冠状病毒肺炎疫情工作领导小组办公室"),  # a long leading group's office
    ("市委常委会听取市委全面深化改革领导小组工作汇报。", "中共南宁市委全面深化改革领导小组"),  # not from 听取
])
def test_departments_media_and_task_forces_of_other_provinces(text, org):
    doc = run(text, PIPE, home_province="450000", home_city="450100")
    assert org in labels(doc, "Organization")


def test_a_county_body_keeps_its_short_name_as_an_alias():
    doc = run("县委书记孙某某主持会议，横州市、宾阳县各部门参加。宾阳县", PIPE,
              home_province="450000", home_city="450100")
    [org] = [m for m in doc._.kg_mentions if m.cls == "Organization" and m.label.endswith("县委")]
    assert org.label == "中共南宁市宾阳县委" and "中共宾阳县委" in org.alt_labels


@pytest.mark.parametrize("text", ["各市州党委政府要落实责任。", "充实专班力量，做好保供。"])
def test_collective_and_generic_words_are_no_organizations(text):
    assert labels(run(text, PIPE, home_province="510000"), "Organization") == []


@pytest.mark.parametrize("text, org, alias", [
    # a place name is not cut at 和/木
    ("乌鲁木齐疾控中心副主任何某介绍，", "乌鲁木齐市疾病预防控制中心", "乌鲁木齐疾控中心"),
    ("海珠区新型冠状病毒肺炎疫情防控指挥部办公室发布通告。", "广州市海珠区新型冠状病毒肺炎疫情防控指挥部办公室",
     "海珠区新型冠状病毒肺炎疫情防控指挥部办公室"),
])
def test_long_and_short_written_bodies(text, org, alias):
    doc = run(text, PIPE, home_province="440000", home_city="440100")
    [m] = [m for m in doc._.kg_mentions if m.cls == "Organization"]
    assert m.label == org and alias in m.alt_labels


def test_a_deputy_directors_title_is_no_body():
    doc = run("县卫健局副局长冯某某通报，", PIPE, home_province="440000", home_city="440100")
    assert not any(label.endswith("副局") for label in labels(doc, "Organization"))


@pytest.mark.parametrize("text", ["要优化工作组力量配置。", "要加紧建设方舱医院。",
                                  "充分发挥现场处置指挥部统筹全局作用。"])
def test_a_clause_verb_never_starts_an_organization(text):
    assert not any(o.startswith(("要", "加紧", "充分", "发挥")) for o in labels(run(text, PIPE, home_province="520000"),
                                                                       "Organization"))


@pytest.mark.parametrize("text, medium", [
    ("2021-03-16 08:05 来源:晋南传媒网\n本网讯 今天", "晋南传媒网"),
    ("来源： 东岭日报\n分享到：微信", "东岭日报"),
    ("來源：東方日報 日期 2021-11-03", "东方日报"),
    ("稿源：某某晚报记者 王五", "某某晚报"),
    ("《经济参考报》记者获悉，", "经济参考报"),  # a medium in 《》 named by its reporter
    ("据《健康时报》报道，", "健康时报"),
])
def test_the_source_line_names_a_medium(text, medium):
    assert labels(run(text, PIPE), "Organization") == [medium]


@pytest.mark.parametrize("text", ["病例来源：外地输入人员。", "来源：网络转载", "数据来源于监测点。"])
def test_no_medium_from_a_word_or_a_generic_source(text):
    assert labels(run(text, PIPE), "Organization") == []


@pytest.mark.parametrize("text, home, orgs", [
    ("会议要求，市教育、商务、应急管理、发改等部门各司其职。", ("140500", "140000"),
     ["晋城市发展和改革委员会", "晋城市商务局", "晋城市应急管理局", "晋城市教育局"]),
    ("省民政、工信、公安等有关部门负责同志参加。", ("140100", "140000"),
     ["山西省公安厅", "山西省工业和信息化厅", "山西省民政厅"]),
])
def test_departments_listed_after_one_scope(text, home, orgs):
    assert labels(run(text, PIPE, home_city=home[0], home_province=home[1]), "Organization") == orgs


@pytest.mark.parametrize("text", ["市张三、李四等单位", "县教育、民政等单位要落实责任。"])
def test_a_list_of_no_known_departments_or_of_an_unknown_scope_names_none(text):
    assert labels(run(text, PIPE, home_city="140500", home_province="140000"), "Organization") == []


def test_a_government_press_office_written_short():
    doc = run("晋中市人民政府新闻办召开发布会，通报近期情况。", PIPE, home_city="140700", home_province="140000")
    assert labels(doc, "Organization") == ["晋中市人民政府新闻办公室"]


def test_the_party_committee_of_a_county_level_city_written_with_its_市():
    doc = run("横州市委召开疫情防控专题会议。", PIPE, home_province="450000")
    [org] = [m for m in doc._.kg_mentions if m.cls == "Organization"]
    assert org.label == "中共南宁市横州市委" and "中共横州市委" in org.alt_labels


@pytest.mark.parametrize("text, org", [
    ("四川大学华西医院派出医疗队。", "四川大学华西医院"),  # a place whose name starts with a numeral
    ("三台县公安分局大数据流调组连夜排查。", "绵阳市三台县公安分局"),
])
def test_a_name_that_starts_with_a_numeral_place(text, org):
    assert org in labels(run(text, PIPE, home_province="510000", home_city="510100"), "Organization")


def test_a_count_of_bodies_is_no_name():
    assert labels(run("四家医院派出医疗队。", PIPE, home_province="510000"), "Organization") == []


@pytest.mark.parametrize("text, org", [
    ("横州市卫健体局负责同志参加。", "横州市卫生健康和体育局"),
    ("横州市教体局发布通知。", "横州市教育和体育局"),
    ("市医保局、市住建局、市应急局负责同志参加。", "南宁市医疗保障局"),
])
def test_merged_and_short_bureau_names_written_out(text, org):
    doc = run(text, PIPE, home_province="450000", home_city="450100")
    names = {m.label for m in doc._.kg_mentions if m.cls == "Organization"} | {
        a for m in doc._.kg_mentions if m.cls == "Organization" for a in m.alt_labels}
    assert org in names or any(n.endswith(org) for n in names)


def test_a_street_office_in_an_address_is_no_organization_but_one_that_acts_is():
    doc = run("小店区坞城街道办事处明月小区调整为中风险区。", PIPE, home_province="140000", home_city="140100")
    assert labels(doc, "Organization") == []
    doc = run("坞城街道办事处召开会议，坞城街道办事处青松社区党支部书记刘某参加。", PIPE,
              home_province="140000", home_city="140100")
    assert any(name.endswith("坞城街道办事处") for name in labels(doc, "Organization"))


@pytest.mark.parametrize("text, org", [
    ("自治区党委常委、宣传部部长王某出席。", "中共西藏自治区委员会"),
    ("主持人：区党委宣传部副部长王某。", "中共西藏自治区委员会宣传部"),  # 区 on a region's page is the region
    ("城关区党委召开会议。", "拉萨市城关区党委"),  # a district's own
    ("吉庆社区党委召开会议。", "吉庆社区党委"),  # a community's
])
def test_an_autonomous_regions_party_committee(text, org):
    assert org in labels(run(text, PIPE, home_province="540000", home_city="540100"), "Organization")

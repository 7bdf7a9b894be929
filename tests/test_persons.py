import pytest

from .helpers import facts, labels, mentions, run

PIPE = ("kg_sentences", "kg_places", "kg_orgs", "kg_persons")


@pytest.mark.parametrize("text, officials", [
    ("河北省委书记王东峰主持会议。", ["王东峰"]),
    ("省委副书记、省长、省疫情防控工作领导小组组长周建华提出具体要求。", ["周建华"]),
    ("省委常委、市委书记欧阳明主持召开会议。", ["欧阳明"]),
    ("省领导张三丰、李四海、王五湖出席会议。", ["张三丰", "李四海", "王五湖"]),
    ("副省长孙红梅汇报有关情况。", ["孙红梅"]),
])
def test_titled_officials(text, officials):
    doc = run(text, PIPE, home_province="130000", home_city="130100")
    assert labels(doc, "Official") == officials


def test_posts_with_titles_and_organizations():
    doc = run("省委副书记、省长周建华讲话。", PIPE, home_province="130000")
    assert facts(doc, "title") >= {("省委副书记", "省委副书记"), ("省长", "省长")}
    assert ("省委副书记", "中共河北省委") in facts(doc, "postIn")
    assert ("省长", "河北省人民政府") in facts(doc, "postIn")


@pytest.mark.parametrize("text, persons", [
    ("本报讯（记者 刘 洋、陈思）5月6日，会议召开。", ["刘洋", "陈思"]),
    ("本报讯（广州日报记者 黄明）近日", ["黄明"]),
    ("全力保障运输安全。赵小军 摄", ["赵小军"]),
    ("为民服务办实事。\n（吴小莉）\n", ["吴小莉"]),
])
def test_bylines_and_photo_credits(text, persons):
    assert labels(run(text, PIPE), "Person", "Official") == persons


def test_spaced_byline_keeps_surface_as_alias():
    doc = run("（记者 刘 洋）", PIPE)
    [p] = mentions(doc, "Person")
    assert p.label == "刘洋" and "刘 洋" in p.alt_labels and doc.text[p.start:p.end] == "刘 洋"


def test_headline_cues():
    doc = run("李强讲话 王芳主持\n", PIPE)
    assert labels(doc, "Person", "Official") == ["李强", "王芳"]


def test_traditional_text_after_normalisation():
    doc = run("廣東省委書記黃坤明主持召開省委常委會會議。", PIPE)
    assert labels(doc, "Official") == ["黄坤明"]


@pytest.mark.parametrize("text", ["书记处要求各地落实。", "要求全面落实。", "王者荣耀"])
def test_no_person_without_a_pattern(text):
    assert labels(run(text, PIPE), "Person", "Official") == []


@pytest.mark.parametrize("text, title", [
    ("幸福村党总支书记王建军带领村民致富。", "党总支书记"),
    ("，石家庄恒信科技有限公司董事长李明介绍。", "董事长"),
    ("他是河北广播电视台新闻中心的制作人员周平，", "制作人员"),
])
def test_titles_in_named_bodies_drop_the_name(text, title):
    doc = run(text, PIPE, home_province="130000")
    assert title in {t for _, t in facts(doc, "title")}


def test_scoped_titles_keep_their_scope():
    doc = run("省委书记王东峰、省疫情防控工作领导小组组长许勤出席。", PIPE, home_province="130000")
    titles = {t for _, t in facts(doc, "title")}
    assert {"省委书记", "省疫情防控工作领导小组组长"} <= titles


@pytest.mark.parametrize("text, persons", [
    ("他是“90后”小伙子刘建明，今年24岁。", ["刘建明"]),  # a noun for a person before the name
    ("参观了王明远故居、烈士陵园等地。", ["王明远"]),  # 某某故居
    ("项目进展顺利。（禚 芸）\n", ["禚芸"]),  # a spaced closing byline, rare surname
    ("作为美佳超市华北区食品安全负责人，周晓仍在忙碌。周晓说，货源充足。", ["周晓"]),  # confirmed by a second mention
    ("“货源充足。”该超市经理周文说。", ["周文"]),  # 说 ends the name
])
def test_more_person_patterns(text, persons):
    assert labels(run(text, PIPE, home_province="140000"), "Person", "Official") == persons


@pytest.mark.parametrize("text", ["及时回应群众关切。", "加快构建新发展格局。", "大数据显示，客流回升。"])
def test_no_person_in_common_phrases(text):
    assert labels(run(text, PIPE), "Person", "Official") == []


def test_team_leader_of_a_police_bureau_is_an_official():
    doc = run("阳曲县公安局刑侦大队负责人王建国介绍，", PIPE, home_province="140000")
    assert labels(doc, "Official") == ["王建国"]
    assert ("刑侦大队负责人", "太原市阳曲县公安局") in facts(doc, "postIn")  # a county named with its city


@pytest.mark.parametrize("text, title", [
    ("“货源充足。”该超市经理周文说。", "经理"),  # 该超市: the body named elsewhere
    ("作为美佳超市华北区食品安全负责人，周晓仍在忙碌。周晓说，货源充足。", "食品安全负责人"),  # the chain's region
    ("，迎泽区桥东街道办事处新建社区党支部书记李红梅说，", "党支部书记"),
    ("“我们很忙。”河北恒信科技股份有限公司副总经理何丽说。", "副总经理"),
])
def test_titles_drop_bodies_and_regions(text, title):
    doc = run(text, PIPE, home_province="140000", home_city="140100")
    assert {t for _, t in facts(doc, "title")} == {title}


def test_company_short_form_is_the_company():
    doc = run("，河北恒信科技股份有限公司展区人头攒动。“我们很忙。”恒信科技副总经理何丽说。", PIPE,
              home_province="130000")
    assert labels(doc, "Organization") == ["河北恒信科技股份有限公司"]
    assert facts(doc, "title") == {("副总经理", "副总经理")}
    assert ("副总经理", "河北恒信科技股份有限公司") in facts(doc, "postIn")


@pytest.mark.parametrize("text, name", [
    ("【编辑：丁某某】", "丁某某"),
    ("（责任编辑：邹某）", "邹某"),
    ("新华社南宁5月3日电（龚某某 谭某）记者从发布会获悉，", "龚某某"),
    ("杭州市卫生健康委党委委员、二级巡视员吕某某介绍，", "吕某某"),
    ("市委书记钟某某昨天在江北区检查疫情防控工作。", "钟某某"),
    ("副市长严某某称，本轮疫情可控。", "严某某"),
])
def test_editors_datelines_and_more_titles(text, name):
    assert name in labels(run(text, PIPE, home_province="330000", home_city="330100"), "Person", "Official")


def test_a_name_before_deng_in_a_list():
    doc = run("市领导周某某、吴某某、王强等出席会议。", PIPE, home_province="140000")
    assert "王强等" not in labels(doc, "Person", "Official")


def test_a_chain_of_titles_through_an_应对_body_and_a_vice_premier_after_her_name():
    text = "省委常委、市委书记、市应对新冠肺炎疫情防控领导小组组长、现场处置指挥部指挥长杜某某在会上讲话。"
    doc = run(text, PIPE, home_province="520000", home_city="520500")
    titles = {t for p, t in facts(doc, "holds") if p == "杜某某"}
    assert {"省委常委", "市委书记"} <= titles
    doc = run("按照陈晓红副总理部署要求，坚决落实。", PIPE, home_province="520000")
    assert "陈晓红" in labels(doc, "Official")


@pytest.mark.parametrize("text, absent", [
    ("官方通报，本轮疫情总体可控。", "官方"),
    ("网络编辑 咸阳 2022-07-08", "咸阳"),
    ("编辑：的确如此。", "的确"),
    ("对密接人员王某萍进行流调。", "王某"),
])
def test_words_and_places_that_only_look_like_names(text, absent):
    assert absent not in labels(run(text, PIPE, home_province="610000"), "Person", "Official")


@pytest.mark.parametrize("text, names", [
    ("【编辑：顾某某】", {"顾某某"}),
    ("来源：某某日报编辑：宋佳怡责编：钱立群", {"宋佳怡", "钱立群"}),
    ("（责任编辑：晓岚）", {"晓岚"}),  # a pen name: no known surname needed in an editor's line
    ("责编：李华 若溪）", {"李华", "若溪"}),
])
def test_editors_in_brackets_and_credits_run_together(text, names):
    assert names <= set(labels(run(text, PIPE, home_province="320000"), "Person", "Official"))


def test_a_name_of_no_known_surname_after_a_title_ends_at_a_list_or_a_cue():
    text = "自治区商务厅副厅长扎西顿珠、自治区卫健委主任 阿依古丽介绍情况。"
    doc = run(text, home_province="540000")
    names = {m.label for m in doc._.kg_mentions if m.cls in ("Person", "Official")}
    assert {"扎西顿珠", "阿依古丽"} <= names
    doc = run("市委书记出席会议。社区书记穿梭其间。", home_province="540000")
    assert not [m for m in doc._.kg_mentions if m.cls in ("Person", "Official")]


def test_a_byline_gives_a_post_only_where_it_names_the_paper():
    doc = run("本报讯（广州日报记者 黄明）近日，（记者 陈思）", PIPE)
    holds = facts(doc, "holds")
    assert {p for p, _ in holds} == {"黄明"}
    assert {m.label for m in doc._.kg_mentions if m.cls == "Person"} >= {"黄明", "陈思"}


def test_transliterated_names_with_a_middle_dot_after_a_title():
    doc = run("市委书记买买提·艾力主持召开市委常委会会议。副县长古丽娜尔·吐尔逊、县委常委王刚出席会议。",
              home_city="650100", home_province="650000")
    assert labels(doc, "Official") == ["买买提·艾力", "古丽娜尔·吐尔逊", "王刚"]
    assert facts(doc, "chair") == {("乌鲁木齐市委常委会会议", "买买提·艾力")}
    doc = run("自治区卫健委主任阿不都·热合曼·买买提介绍，全区新增病例3例。")
    assert labels(doc, "Official") == ["阿不都·热合曼·买买提"]
    assert labels(run("“8·17”疫情新增病例。"), "Official", "Person") == []  # a chain's code is no name


@pytest.mark.parametrize("text, title, org", [
    ("宾阳县委书记孙某某主持会议。", "宾阳县委书记", "中共南宁市宾阳县委"),
    ("横州市委书记孙某某主持会议。", "横州市委书记", "中共南宁市横州市委"),  # a county-level city
])
def test_a_county_party_secretary_keeps_the_county_in_the_title(text, title, org):
    doc = run(text, PIPE, home_province="450000", home_city="450100")
    assert (title, title) in facts(doc, "title")
    assert (title, org) in facts(doc, "postIn")


def test_an_anonymised_case_in_a_case_record_is_no_person():
    text = "阳性感染者5：王某，女，45岁，为外省返回人员。阳性感染者6：赵某某（男，12岁）。确诊病例李某某从省外返回。"
    doc = run(text, PIPE, home_province="140000", home_city="140200")
    assert labels(doc, "Person") == ["李某某"]  # the case told as a story stands, as any anonymised name

import pytest

from kg.components.policies import PolicyRecognizer

from .helpers import facts, labels, mentions, run


@pytest.mark.parametrize("a, b", [("三天三检", "3天3检"), ("3日3检", "3天3检"), ("“14+7”", "14+7")])
def test_variants_share_a_key(a, b):
    key = PolicyRecognizer(None, "kg_policies").key
    assert key(a) == key(b)


def test_quoted_measures_and_strategies():
    doc = run("坚持“外防输入、内防反弹”总策略，严格落实“落地核酸+三天三检”和“5天集中隔离+3次核酸”。",
              home_city="130100")
    got = labels(doc, "Policy")
    assert "外防输入、内防反弹" in got and "落地核酸+三天三检" in got and "5天集中隔离+3次核酸" in got
    kinds = dict(facts(doc, "policyKind"))
    assert kinds["外防输入、内防反弹"] == "strategy" and kinds["落地核酸+三天三检"] == "measure"


def test_plans_lexicon_and_places():
    doc = run("正定县实行静态管理，全面落实第十版防控方案和二十条优化措施。", home_province="130000")
    got = labels(doc, "Policy")
    assert {"静态管理", "第十版防控方案", "二十条优化措施"} <= set(got)
    assert ("静态管理", "正定县") in facts(doc, "appliesTo")


@pytest.mark.parametrize("text", ["荣获“全国百强企业”称号。", "她是“00后”女孩。", "“您好，请下车！”他说。",
                                  "观看《又见平遥》演出。"])
def test_quotes_that_are_not_policies(text):
    assert mentions(run(text), "Policy") == []


def test_issued_by_where_the_text_says_so():
    doc = run("近日，市卫健委印发《关于做好重点人群健康监测工作的通知》，要求各区落实。", home_city="130100")
    # the short form written out
    assert ("关于做好重点人群健康监测工作的通知", "石家庄市卫生健康委员会") in facts(doc, "issuedBy")


def test_a_measure_without_a_place_applies_where_its_speaker_governs():
    province = ("省委书记王东主持召开省委常委会会议。会议要求，开展“三天两检”，坚决守住不发生规模性疫情的底线。")
    doc = run(province, home_city="130100", home_province="130000")
    assert ("三天两检", "河北省") in facts(doc, "appliesTo")
    city = ("市委书记张华主持召开市委常委会会议。会议要求，认真落实省委工作部署，开展“三天两检”。")
    doc = run(city, home_city="130100", home_province="130000")
    assert ("三天两检", "石家庄市") in facts(doc, "appliesTo") and ("三天两检", "河北省") not in facts(doc, "appliesTo")


def test_a_strategy_applies_to_no_place_not_even_those_named_beside_it():
    text = "市委常委会会议强调，坚持“外防输入、内防反弹”总策略，高效处置辛集市疫情。"
    doc = run(text, home_city="130100", home_province="130000")
    assert "外防输入、内防反弹" in labels(doc, "Policy")
    assert not [place for policy, place in facts(doc, "appliesTo") if policy == "外防输入、内防反弹"]


def test_a_counted_quote_takes_the_list_it_counts():
    doc = run("各商超要严格落实验码、测温、佩戴口罩“三要素”，做好通风消毒。", home_city="130100")
    assert labels(doc, "Policy") == ["验码、测温、佩戴口罩“三要素”"]
    doc = run("各基层单位负责人员登记、测温、戴口罩“三要素”。", home_city="130100")
    assert labels(doc, "Policy") == ["三要素"]  # no verb to cut the first item at: the quote alone
    doc = run("通过场所码、手机、车辆、人员“四轨合一”追踪。", home_city="130100")
    assert labels(doc, "Policy") == ["四轨合一"]  # not a count of elements


def test_unquoted_parallel_slogans_are_measures_and_rhetoric_is_not():
    doc = run("各小区实行不出门、不聚集、不串门，推进快检、快采、快报。", home_city="130100")
    got = labels(doc, "Policy")
    assert "不出门、不聚集、不串门" in got and "快检、快采、快报" in got
    assert dict(facts(doc, "policyKind"))["不出门、不聚集、不串门"] == "measure"
    for text in ("展现了无私、无畏、无悔的精神。", "太原市、大同市、阳泉市相继报告。",
                 "充分认识其政治性、指导性、针对性。", "增强群众的获得感、幸福感、安全感。"):
        assert labels(run(text, home_city="130100"), "Policy") == [], text


def test_a_measure_applies_to_the_most_specific_places_of_its_clause():
    doc = run("宁波市海曙区、江北区实施全域静默管理，其他区开展区域核酸检测。",
              home_city="330200", home_province="330000")
    applies = {p for m, p in facts(doc, "appliesTo") if m == "全域静默管理"}
    assert applies == {"海曙区", "江北区"}  # not 宁波市, their city


def test_risk_areas_apply_to_the_places_listed_after_the_colon():
    doc = run("新增高风险区2个：鄞州区东风村、海曙区西门街道；新增中风险区1个：江北区北门社区。",
              home_city="330200", home_province="330000")
    assert {p for m, p in facts(doc, "appliesTo") if m == "高风险区"} == {"东风村", "西门街道"}
    assert {p for m, p in facts(doc, "appliesTo") if m == "中风险区"} == {"北门社区"}


@pytest.mark.parametrize("text, policy", [
    ("各县区要实施分层分类防控措施，守牢底线。", "分层分类防控措施"),
    ("宝鸡市、咸阳市实施常态化防控措施。", "常态化防控措施"),
    ("明日起开展第三轮全员核酸检测。", "第三轮全员核酸检测"),
])
def test_measures_named_by_their_manner_before_a_head_word(text, policy):
    assert policy in labels(run(text, home_city="610100", home_province="610000"), "Policy")


@pytest.mark.parametrize("text", ["督促落实各项疫情防控措施。", "对密接人员采取测温等防控措施。",
                                  "市场人员管控措施到位。"])
def test_no_measure_from_a_generic_modifier(text):
    assert not any(p.endswith("措施") for p in labels(run(text, home_city="610100", home_province="610000"), "Policy"))


@pytest.mark.parametrize("text, slogan", [
    ("要保持“宁可十防九空”的警觉，压实责任。", "宁可十防九空"),
    ("各地要将感染者“应收尽收”、扎实做好收尾工作。", "应收尽收"),
])
def test_quoted_watchwords_are_guidelines_or_measures(text, slogan):
    assert slogan in labels(run(text, home_city="610100", home_province="610000"), "Policy")


@pytest.mark.parametrize("text", ["下载“我的西安”小程序。", "研发“新型节能保温材料”，产值过亿。",
                                  "扫描“咸阳报备”二维码，"])
def test_quoted_names_of_things_are_no_watchwords(text):
    assert labels(run(text, home_city="610100", home_province="610000"), "Policy") == []


@pytest.mark.parametrize("text, notice", [
    ("市疫情防控指挥部发布《鼓楼区关于调整风险区域的通告》。", "鼓楼区关于调整风险区域的通告"),
    ("根据南京市疫情防控2022年第12号通告，全市暂停堂食。", "南京市疫情防控2022年第12号通告"),
])
def test_notices_bracketed_or_numbered(text, notice):
    assert notice in labels(run(text, home_city="320100", home_province="320000"), "Policy")


@pytest.mark.parametrize("text, notice, kind", [
    ("东湖区关于进一步做好冬季疫情防控的通告\n根据当前形势，决定调整措施。",
     "东湖区关于进一步做好冬季疫情防控的通告", "measure"),
    ("某市疫情防控指挥部\n关于调整部分区域\n出行管理安排的通告\n自即日起执行。",
     "关于调整部分区域出行管理安排的通告", "measure"),
    ("市卫健委关于做好冬季防疫工作的通知\n各县区：现将有关事项通知如下。",
     "市卫健委关于做好冬季防疫工作的通知", "guideline"),
    ("按照《某省疫情防控方案（第三版）》要求落实。", "某省疫情防控方案（第三版）", "plan"),
    ("执行《某市隔离场所管理办法(试行)》。", "某市隔离场所管理办法（试行）", "guideline"),
])
def test_notices_printed_as_headings_and_titles_with_an_edition(text, notice, kind):
    doc = run(text, home_city="320100", home_province="320000")
    assert notice in labels(doc, "Policy")
    assert (notice, kind) in facts(doc, "policyKind")


def test_a_heading_notice_applies_where_its_issuer_signs_above_it():
    text = ("南京市江宁区新冠肺炎疫情\n防控指挥部办公室\n关于调整部分区域防控措施的通告\n"
            "根据疫情形势，现将有关事项通告如下。\n")
    doc = run(text, home_city="320100", home_province="320000")
    assert facts(doc, "appliesTo") == {("关于调整部分区域防控措施的通告", "江宁区")}


@pytest.mark.parametrize("text", ["会议传达了省委关于做好疫情防控工作的通知精神。",
                                  "他说关于调整措施的通知\n已经发出。"])
def test_a_sentence_that_names_a_notice_in_passing_is_no_heading(text):
    assert not [p for p in labels(run(text), "Policy") if p.endswith("通知")]


def test_a_paragraphs_subject_places_hold_for_its_later_measures():
    text = ("某市指挥部决定分类实施防控措施。\n"
            "无疫情的仁和区、米易县2个县区，实施常态化防控措施。区域核酸检测每三天一次。\n"
            "盐边县继续保持静默状态。解除后实施分类社区防控措施。")
    doc = run(text, home_province="510000", home_city="510400")
    applies = facts(doc, "appliesTo")
    assert {("区域核酸检测", "仁和区"), ("区域核酸检测", "米易县")} <= applies
    assert ("分类社区防控措施", "盐边县") in applies
    assert ("区域核酸检测", "盐边县") not in applies
    assert "分类实施防控措施" in labels(doc, "Policy")  # not the body that decided it


def test_a_risk_area_applies_only_to_the_places_listed_after_it():
    doc = run("新增高风险区2个：龙岗村、石门村。", home_province="360000", home_city="360100")
    assert {p for m, p in facts(doc, "appliesTo") if m == "高风险区"} == {"龙岗村", "石门村"}
    doc = run("他先后来到南昌县、新建区，检查高风险区管控工作。", home_province="360000", home_city="360100")
    assert "高风险区" in labels(doc, "Policy")
    assert not [p for m, p in facts(doc, "appliesTo") if m == "高风险区"]


def test_a_notice_applies_to_the_place_it_is_named_by_and_a_notification_to_none():
    text = "西湖区发布《西湖区关于调整临时管控区域的通告》，并转发《关于做好冬季防疫工作的通知》。"
    doc = run(text, home_province="330000", home_city="330100")
    applies = facts(doc, "appliesTo")
    assert ("西湖区关于调整临时管控区域的通告", "西湖区") in applies
    assert not [p for m, p in applies if m == "关于做好冬季防疫工作的通知"]
    kinds = dict(facts(doc, "policyKind"))
    assert kinds["西湖区关于调整临时管控区域的通告"] == "measure"
    assert kinds["关于做好冬季防疫工作的通知"] == "guideline"


def test_risk_areas_listed_as_estates_apply_to_the_estates_not_their_street():
    doc = run("调整后，小店区中风险区2个：坞城街道办事处明月小区、营盘街道办事处丽景二期小区。",
              home_city="140100", home_province="140000")
    assert {p for m, p in facts(doc, "appliesTo") if m == "中风险区"} == {"明月小区", "丽景二期小区"}


def test_a_measure_without_a_place_goes_to_a_guessed_home_only_where_its_sentence_speaks_for_it():
    text = ("石家庄市长安区、新华区报告病例。石家庄市、长安区开展流调。要求落实“应检尽检”，"
            "全市实行“三天两检”。")
    guessed = facts(run(text), "appliesTo")  # no manifest: the home city is worked out from the places
    assert not [p for m, p in guessed if m == "应检尽检"]
    assert ("三天两检", "石家庄市") in guessed  # 全市 in its own sentence
    given = facts(run(text, home_city="130100", home_province="130000"), "appliesTo")
    assert ("应检尽检", "石家庄市") in given  # the manifest says whose paper it is


def test_a_place_inside_a_title_is_the_titles_not_the_measures_beside_it():
    doc = run("严格执行《鄞州区风险区域划定公告》中青松街道、柳岸街道的临时管控。",
              home_city="330200", home_province="330000")
    applies = facts(doc, "appliesTo")
    assert {p for m, p in applies if m == "临时管控"} == {"青松街道", "柳岸街道"}
    assert ("鄞州区风险区域划定公告", "鄞州区") in applies


def test_a_risk_area_applies_to_the_places_its_clause_designates():
    doc = run("经研判，将鄞州区青松街道明月社区、海曙区柳岸街道划为高风险区，其余地区为低风险区。",
              home_city="330200", home_province="330000")
    applies = facts(doc, "appliesTo")
    assert {p for m, p in applies if m == "高风险区"} == {"明月社区", "柳岸街道"}
    assert not [p for m, p in applies if m == "低风险区"]  # 其余地区: no place named


def test_unquoted_restrictions_written_as_非必要不():
    doc = run("倡导广大市民非必要不前往中高风险地区，非必要不聚集、不聚餐，非必要不离开本市。",
              home_city="320500", home_province="320000")
    got = labels(doc, "Policy")
    assert {"非必要不前往中高风险地区", "非必要不聚集、不聚餐"} <= set(got)
    assert "非必要不外出" in got  # 非必要不离开 is the lexicon's 非必要不外出, once
    assert not [g for g in got if g.startswith("非必要不离开")]


def test_a_measure_in_one_part_of_a_sentence_applies_to_that_parts_places():
    text = ("自11月20日0时起，将天心区坡子街街道调整为高风险区，实行“足不出户、上门服务”；"
            "将岳麓区望月湖街道调整为中风险区，实行“人不出区、错峰取物”。")
    applies = facts(run(text, home_city="430100", home_province="430000"), "appliesTo")
    assert {p for m, p in applies if m == "人不出区、错峰取物"} == {"望月湖街道"}
    assert {p for m, p in applies if m == "足不出户、上门服务"} == {"坡子街街道"}


def test_a_part_without_places_takes_the_subject_of_an_earlier_part_without_a_measure():
    text = "市指挥部表示，岳麓区从明日起有序恢复商超营业；公园景区暂不开放；餐饮门店暂停堂食。"
    applies = facts(run(text, home_city="430100", home_province="430000"), "appliesTo")
    assert ("暂停堂食", "岳麓区") in applies


def test_a_printed_notice_is_issued_by_the_body_that_signs_it():
    text = ("关于调整部分区域风险等级的通告\n"
            "经研判，自11月20日0时起，将岳麓区望月湖街道调整为中风险区。\n"
            "长沙市新冠肺炎疫情防控指挥部\n"
            "2022年11月19日\n")
    doc = run(text, home_city="430100", home_province="430000")
    assert ("关于调整部分区域风险等级的通告", "长沙市新冠肺炎疫情防控指挥部") in facts(doc, "issuedBy")


def test_places_someone_went_to_are_no_paragraphs_subject():
    text = ("导语。\n"
            "市长周某先后来到岳麓区、天心区，检查社区防控工作。他要求，做到应转尽转、应隔尽隔。\n"
            "岳麓区继续保持静默状态。区里要求，做到应检尽检。")
    applies = facts(run(text, home_city="430100", home_province="430000"), "appliesTo")
    assert not [p for m, p in applies if m == "应隔尽隔" and p in ("岳麓区", "天心区")]
    assert ("应检尽检", "岳麓区") in applies  # a paragraph that opens with its subject


def test_an_edition_of_the_national_plan_is_one_policy_however_it_is_written():
    text = "严格按照《新型冠状病毒肺炎防控方案（第九版）》要求，落实第九版防控方案各项措施，不执行第八版防控方案。"
    doc = run(text, home_city="650100", home_province="650000")
    plans = [m for m in doc._.kg_mentions if m.cls == "Policy" and "方案" in m.label]
    assert len({m.key for m in plans if "九版" in m.label}) == 1
    assert len({m.key for m in plans}) == 2  # the eighth edition is another

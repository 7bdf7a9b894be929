import datetime as dt

import pytest

from .helpers import facts, labels, mentions, run

PUB = dt.date(2022, 10, 5)


@pytest.mark.parametrize("code", ["“10·3”", "“10•3”", "“10.3”", "“１０·３”", "\"10・3\""])
def test_code_variants(code):
    doc = run(f"第一条为{code}石家庄新华区输入疫情。10月3日，新华区报告2例。", home_province="130000", published=PUB)
    [chain] = labels(doc, "InfectionChain")
    assert "10" in chain and "3" in chain
    assert facts(doc, "firstReported") == {(chain, dt.date(2022, 10, 3))}


def test_counts_origin_and_places():
    text = ("“10·3”石家庄新华区输入疫情。10月3日，新华区报告从西安返回人员中发现阳性。"
            "5名阳性病例现有密接34人。其中3人为确诊病例，2人为无症状感染者。")
    doc = run(text, home_province="130000", published=PUB)
    [chain] = labels(doc, "InfectionChain")
    assert (chain, 5) in facts(doc, "positiveCount")
    assert (chain, 34) in facts(doc, "closeContactCount")
    assert (chain, 3) in facts(doc, "confirmedCount") and (chain, 2) in facts(doc, "asymptomaticCount")
    assert (chain, "西安市") in facts(doc, "origin")
    assert (chain, "新华区") in facts(doc, "reportedIn")


def test_lower_bound_counts():
    doc = run("“10·3”某县输入疫情。10月3日，密接300余人。", published=PUB)
    [rel] = [r for r in doc._.kg_relations if r.pred == "closeContactCount"]
    assert rel.obj == 300 and rel.lower_bound


def test_place_named_outbreaks_and_non_chains():
    doc = run("坚决阻断正定县物流园聚集性疫情传播。", home_province="130000", published=PUB)
    assert labels(doc, "InfectionChain") == ["正定县物流园聚集性疫情"]
    assert labels(run("我市疫情防控形势严峻。", home_city="130100", published=PUB), "InfectionChain") == []


def test_cumulative_positive_count_and_relay_org():
    doc = run("“9·1”疫情累计报告阳性感染者26例。", published=dt.date(2022, 9, 4))
    [chain] = labels(doc, "InfectionChain")
    assert (chain, 26) in facts(doc, "positiveCount")
    assert facts(doc, "firstReported") == {(chain, dt.date(2022, 9, 1))}


def test_counts_in_a_later_article_about_the_place_a_chain_is_named_after():
    filler = "各地要压实责任，严格落实各项防控措施，确保群众生活物资供应充足。" * 30
    text = ("藁城区输入性疫情发生后，全市迅速启动应急响应。\n\n" + filler + "\n\n"
            "藁城区召开疫情防控新闻发布会\n\n"
            "截至发布会前，藁城区共隔离管控密接人员88人、次密接人员150人。从藁城区返回的人员均已落实管控。")
    doc = run(text, home_city="130100", home_province="130000", published=PUB)
    [chain] = labels(doc, "InfectionChain")
    assert (chain, 88) in facts(doc, "closeContactCount")


def test_later_counts_stay_apart_when_two_chains_share_the_place():
    filler = "各地要压实责任，严格落实各项防控措施。" * 40
    text = ("藁城区输入性疫情。“10·3”藁城区聚集性疫情。\n\n" + filler + "\n\n藁城区共隔离管控密接人员88人。")
    doc = run(text, home_city="130100", home_province="130000", published=PUB)
    assert not any(n == 88 for _, n in facts(doc, "closeContactCount"))


def test_a_native_place_is_not_where_a_chain_was_reported():
    text = "“10·3”石家庄正定输入疫情。10月3日，正定县报告5名大连籍人员核酸检测阳性。"
    doc = run(text, home_city="130100", home_province="130000", published=PUB)
    reported = {place for _, place in facts(doc, "reportedIn")}
    assert "正定县" in reported and "大连市" not in reported


def test_places_whose_cases_are_named_are_where_a_chain_was_reported():
    text = ("“10·3”石家庄新华区输入疫情。截至10月5日，裕华区、长安区、桥西区新增阳性感染者12例，"
            "从正定县阳性检出者的活动轨迹看，风险可控。")
    doc = run(text, home_city="130100", home_province="130000", published=PUB)
    reported = {place for _, place in facts(doc, "reportedIn")}
    assert {"裕华区", "长安区", "桥西区"} <= reported
    assert "正定县" not in reported  # 从 …: where people came from, not where cases were found


def test_the_pages_current_outbreak_is_a_chain_named_by_its_place():
    text = ("本报讯 5月3日，市政府新闻办召开发布会。截至5月3日，本轮疫情累计报告本土确诊病例12例、无症状感染者30例。"
            "遵义红花岗区新增3例。")
    doc = run(text, home_province="520000", home_city="520300", published=PUB)
    [chain] = [m for m in doc._.kg_mentions if m.cls == "InfectionChain"]
    assert chain.label == "遵义市本轮疫情"
    assert (chain.label, 12) in facts(doc, "confirmedCount") and (chain.label, 30) in facts(doc, "asymptomaticCount")
    assert (chain.label, "遵义市") in facts(doc, "reportedIn")


@pytest.mark.parametrize("current", ["此次疫情", "这轮疫情", "这次疫情"])
def test_the_current_outbreak_however_the_page_says_this(current):
    doc = run(f"截至5月3日，{current}累计报告阳性感染者42例。", home_province="520000", home_city="520300",
              published=PUB)
    [chain] = [m for m in doc._.kg_mentions if m.cls == "InfectionChain"]
    assert (chain.label, 42) in facts(doc, "positiveCount") and (chain.label, "遵义市") in facts(doc, "reportedIn")


def test_a_written_place_names_the_current_outbreak_and_keeps_its_written_form():
    doc = run("贵州遵义本轮疫情共发现21名阳性感染者。", home_province="520000", published=PUB)
    [chain] = [m for m in doc._.kg_mentions if m.cls == "InfectionChain"]
    assert chain.label == "遵义市本轮疫情" and "遵义本轮疫情" in chain.alt_labels


@pytest.mark.parametrize("text", [
    "要慎终如始抓好本轮疫情防控工作，压实各方责任。",  # spoken of, no cases counted
    "“4·3”疫情新增病例2例，本轮疫情总体可控。",  # the page names its chain
])
def test_no_current_outbreak_chain(text):
    doc = run(text, home_province="520000", home_city="520300", published=PUB)
    assert not any("本轮" in m.label for m in doc._.kg_mentions if m.cls == "InfectionChain")


def test_a_chain_takes_its_running_total_not_the_days_count():
    text = ("“6·3”疫情新增确诊病例2例。截至4日12时，“6·3”疫情累计报告本土确诊病例41例、无症状感染者9例，"
            "共报告关联病例50例。")
    doc = run(text, home_province="610000", home_city="610100", published=PUB)
    [chain] = labels(doc, "InfectionChain")
    assert (chain, 41) in facts(doc, "confirmedCount") and (chain, 2) not in facts(doc, "confirmedCount")
    assert (chain, 50) in facts(doc, "positiveCount")


def test_a_quote_around_the_whole_name_is_kept_balanced():
    doc = run("经流调判定，“6·3疫情”为外地感染者抵达后引发，累计报告阳性感染者12个。", home_province="610000",
              home_city="610100", published=PUB)
    [chain] = labels(doc, "InfectionChain")
    assert chain.count("“") == chain.count("”") == 1
    assert (chain, 12) in facts(doc, "positiveCount")


def test_origin_in_the_chains_own_sentence_and_only_the_most_specific_place():
    text = "经流调，从天津市津南区返回咸阳市的一名学生锁定为咸阳市疫情的感染来源，累计报告确诊病例16例。"
    doc = run(text, home_province="610000", home_city="610400", published=PUB)
    [chain] = labels(doc, "InfectionChain")
    assert facts(doc, "origin") == {(chain, "津南区")}


def test_districts_counted_in_a_bulletin_are_where_the_chain_was_reported():
    text = "截至4月11日，本轮疫情累计报告感染者30例。从区域分布看，天河区20例，海珠区7例，越秀区、番禺区各1例。"
    doc = run(text, home_province="440000", home_city="440100", published=PUB)
    [chain] = labels(doc, "InfectionChain")
    assert {(chain, "天河区"), (chain, "海珠区"), (chain, "越秀区"), (chain, "番禺区")} <= facts(doc, "reportedIn")


@pytest.mark.parametrize("text, chain", [
    ("当地共排查到与阳性感染者7关联的密接31人，均已隔离。", "阳性感染者7关联"),
    ("确诊病例中多例与青秀区万象购物中心存在流行病学关联，已封闭。", "万象购物中心关联"),
    ("涉及2条传播链，其中1条为某某服装店关联，涉及9例感染者。", "某某服装店关联"),
])
def test_clusters_named_by_what_links_their_cases(text, chain):
    doc = run(text, home_province="450000", home_city="450100", published=PUB)
    assert any(label.endswith(chain) for label in labels(doc, "InfectionChain"))


def test_a_cluster_nothing_places_is_reported_in_the_pages_city():
    text = "本轮疫情共有3条传播链，其中1条为某某面馆关联，均在隔离管控中发现。"
    doc = run(text, home_province="450000", home_city="450100", published=PUB)
    assert ("某某面馆关联", "南宁市") in facts(doc, "reportedIn")
    doc = run(text, published=PUB)  # no home city: no place
    assert not [f for f in facts(doc, "reportedIn") if f[0] == "某某面馆关联"]


def test_infections_written_plainly_are_positives_and_asymptomatic_short():
    text = "截至5月3日，本次疫情累计报告新冠病毒感染者40例。从感染情况看，无症状12例、轻症28例。"
    doc = run(text, home_province="440000", home_city="440300", published=PUB)
    [chain] = labels(doc, "InfectionChain")
    assert (chain, 40) in facts(doc, "positiveCount") and (chain, 12) in facts(doc, "asymptomaticCount")
    doc = run("其中1条为某服装店关联，涉及9例感染者。", home_province="440000", home_city="440300", published=PUB)
    [chain] = labels(doc, "InfectionChain")
    assert (chain, 9) in facts(doc, "positiveCount")


def test_where_cases_live_or_were_found_after_a_count_is_where_the_chain_was_reported():
    text = ("“6·3”疫情新增确诊病例3例，3人均常住雁塔区。6月3日，西安市未央区发现一例外地来西安确诊病例。")
    doc = run(text, home_province="610000", home_city="610100", published=PUB)
    [chain] = labels(doc, "InfectionChain")
    assert {(chain, "雁塔区"), (chain, "未央区")} <= facts(doc, "reportedIn")


def test_a_transmission_chain_named_by_who_carried_it():
    text = "此次疫情共有两条传播链：一条为外省抵达本市的货车司机传播链，累计诊断7例阳性病例。"
    doc = run(text, home_province="610000", home_city="610100", published=PUB)
    chains = {m.label for m in doc._.kg_mentions if m.cls == "InfectionChain"}
    assert chains == {"外省抵达本市的货车司机传播链", "西安市此次疫情"}  # the chain, and the wave it is part of
    # the chain's running total is its own, not the wave's
    assert facts(doc, "positiveCount") == {("外省抵达本市的货车司机传播链", 7)}


def test_a_provinces_wave_beside_a_citys_chain():
    text = ("“1·2”疫情新增确诊病例3例。目前，湖南省本轮疫情出现在长沙、株洲等地，"
            "累计报告本地确诊病例40例。")
    doc = run(text, home_province="430000", home_city="430100", published=PUB)
    chains = {m.label for m in doc._.kg_mentions if m.cls == "InfectionChain"}
    assert "湖南省本轮疫情" in chains and any("1·2" in c for c in chains)


def test_the_pages_wave_takes_the_running_total_of_its_headline():
    text = ("吉林某市：累计报告确诊病例18例 无症状感染者160例\n\n"
            "本报讯 5日0—24时，新增无症状感染者19例。目前本轮疫情传播链条清晰，新增病例均在管控人员中发现。")
    doc = run(text, home_province="220000", home_city="220200", published=PUB)
    [chain] = labels(doc, "InfectionChain")
    assert (chain, 160) in facts(doc, "asymptomaticCount") and (chain, 18) in facts(doc, "confirmedCount")


def test_diagnosed_asymptomatic_and_cases_with_infections_count_as_written():
    text = "截至目前，本轮疫情中某县已发现60例阳性人员，其中15人诊断为无症状感染者。"
    doc = run(text, home_province="450000", home_city="450100", published=PUB)
    [chain] = labels(doc, "InfectionChain")
    assert (chain, 15) in facts(doc, "asymptomaticCount")
    text = "会议通报了南宁疫情形势。南宁9例新冠肺炎确诊病例和感染者活动场所通报如下。"
    doc = run(text, home_province="450000", home_city="450300", published=PUB)
    assert "南宁疫情" in labels(doc, "InfectionChain")  # an outbreak named with its place, even before 形势
    assert ("南宁疫情", 9) in facts(doc, "positiveCount")
    assert not facts(doc, "confirmedCount")


def test_the_places_an_outbreak_appeared_in_are_where_it_was_reported():
    text = "目前，湖南省本轮疫情出现在长沙、株洲、湘潭等地，累计报告确诊病例40例。"
    doc = run(text, home_province="430000", home_city="430100", published=PUB)
    [chain] = labels(doc, "InfectionChain")
    where = {p for c, p in facts(doc, "reportedIn") if c == chain}
    assert {"长沙市", "株洲市", "湘潭市"} <= where


def test_a_cluster_named_by_a_site_came_from_it():
    text = "新增病例中3例与雁塔区青松购物中心关联，已落实管控。"
    doc = run(text, home_province="610000", home_city="610100", published=PUB)
    [chain] = labels(doc, "InfectionChain")
    assert (chain, "青松购物中心") in facts(doc, "origin")


def test_a_coded_chain_written_without_its_place_is_labelled_with_the_pages_city():
    text = "“3·12”疫情新增本土确诊病例4例。"
    first = run(text, home_city="220100", home_province="220000")
    other = run(text, home_city="210600", home_province="210000")
    [a], [b] = mentions(first, "InfectionChain"), mentions(other, "InfectionChain")
    assert (a.label, a.alt_labels) == ("长春市“3·12”疫情", ["“3·12”疫情"])  # the text's form kept as an alias
    assert b.label == "丹东市“3·12”疫情" and a.key != b.key
    [c] = mentions(run(text), "InfectionChain")  # no home city known: the text's form
    assert c.label == "“3·12”疫情"
    [d] = mentions(run("吉林市“3·12”疫情新增本土确诊病例4例。", home_city="220100"), "InfectionChain")
    assert d.label == "吉林市“3·12”疫情"  # the place written in its name wins over the page's


def test_a_coded_chain_named_for_the_pages_city_is_reported_there_when_nothing_else_places_it():
    text = "截至10月12日24时，“10·8”疫情累计报告本土阳性感染者26例。"
    doc = run(text, home_province="430000", home_city="430100", published=dt.date(2022, 10, 13))
    [chain] = [m for m in doc._.kg_mentions if m.cls == "InfectionChain"]
    assert chain.label == "长沙市“10·8”疫情"
    assert (chain.label, "长沙市") in facts(doc, "reportedIn")


def test_a_chain_named_after_a_place_is_reported_within_it_or_its_city():
    text = ("目前，株洲疫情与长沙同源。截至1月9日，全省累计报告本地确诊病例50例，其中长沙市30例，株洲市20例。")
    doc = run(text, home_province="430000", home_city="430100", published=PUB)
    reported = facts(doc, "reportedIn")
    assert ("株洲疫情", "株洲市") in reported and ("株洲疫情", "长沙市") not in reported  # another city's cases
    text = "岳麓区疫情已报告阳性感染者12例，其中岳麓区8例，天心区报告4例。"
    reported = facts(run(text, home_province="430000", home_city="430100", published=PUB), "reportedIn")
    assert {("岳麓区疫情", "岳麓区"), ("岳麓区疫情", "天心区")} <= reported  # a district's chain spreads in its city


def test_a_chain_named_after_a_place_takes_its_share_of_a_total_broken_down_by_place():
    text = "株洲疫情与长沙同源。截至1月9日，全省累计报告本地确诊病例50例，其中长沙市30例，株洲市20例。"
    doc = run(text, home_province="430000", home_city="430100", published=PUB)
    assert ("株洲疫情", 20) in facts(doc, "confirmedCount")
    assert ("株洲疫情", 50) not in facts(doc, "confirmedCount")


def test_a_cluster_named_after_a_numbered_case_comes_from_where_the_cases_record_says():
    text = ("本轮疫情累计报告阳性感染者5例。\n"
            "病例7：李某（男，33岁），系从呼和浩特来同务工人员，9日在社区筛查中发现。\n"
            "病例8：周某，李某同事，已集中隔离。\n"
            "截至11日，与病例7关联的感染者共3例。")
    doc = run(text, home_province="140000", home_city="140200", published=dt.date(2022, 10, 11))
    origins = facts(doc, "origin")
    assert ("病例7关联", "呼和浩特市") in origins
    assert ("大同市本轮疫情", "呼和浩特市") not in origins  # one case's origin is not the wave's


@pytest.mark.parametrize("text, origin", [
    ("“3·5”疫情累计报告10例，首例病例为厦门返深人员。", "厦门市"),  # 深: a city's short form after 返
    ("“3·5”疫情累计报告10例，首例病例为包头返同人员。", "包头市"),
])
def test_a_city_short_form_after_a_verb_of_travel_makes_the_place_before_it_an_origin(text, origin):
    doc = run(text, home_province="440000", home_city="440300", published=PUB)
    assert origin in {o for _, o in facts(doc, "origin")}


def test_a_citys_outbreak_on_a_page_of_its_coded_chain_is_that_chain():
    text = ("截至4月22日，宁波“4·8”疫情累计报告阳性感染者59例。目前宁波市疫情总体可控，"
            "新增病例均在管控人员中发现。")
    doc = run(text, home_province="330000", home_city="330200", published=dt.date(2022, 4, 23))
    chains = [m for m in doc._.kg_mentions if m.cls == "InfectionChain"]
    city = [m for m in chains if m.label.startswith("宁波") or "宁波市疫情" in m.alt_labels]
    assert len({m.key for m in city}) == 1  # one outbreak, named twice

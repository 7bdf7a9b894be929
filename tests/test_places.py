import re

import pytest

from .conftest import ROOT
from .helpers import facts, labels, mentions, run

PLACES = ("kg_sentences", "kg_places")


@pytest.mark.parametrize("text, expected", [
    ("河北省石家庄市新华区报告1例。", ["新华区", "河北省", "石家庄市"]),
    ("广东深圳、浙江杭州相继报告。", ["广东省", "杭州市", "浙江省", "深圳市"]),
    ("阳泉盂县报告1管混检阳性。", ["盂县", "阳泉市"]),
    ("西藏那曲自驾游返程的人员。", ["西藏自治区", "那曲市"]),
])
def test_gazetteer_places(text, expected):
    assert labels(run(text, PLACES)) == expected


def test_codes_and_hierarchy():
    doc = run("清徐县全员核酸检测。", PLACES)
    assert ("清徐县", "太原市") in facts(doc, "partOf")
    assert ("太原市", "山西省") in facts(doc, "partOf")
    assert ("清徐县", "140121") in facts(doc, "adminCode")


def test_home_places_come_from_the_manifest():
    doc = run("我市、我省持续发力。", PLACES, home_city="130100", home_province="130000")
    assert labels(doc) == ["河北省", "石家庄市"]
    assert labels(run("我市、我省持续发力。", PLACES)) == []


@pytest.mark.parametrize("text, place", [
    ("对返晋人员严格管控。", "山西省"),
    ("对返（抵）并人员落实核酸检测。", "太原市"),
])
def test_abbreviations_in_context(text, place):
    assert place in labels(run(text, PLACES))


@pytest.mark.parametrize("text", ["他晋升为处长。", "并且要求落实。", "和平发展，小店经营。"])
def test_abbreviations_and_common_words_out_of_context(text):
    assert labels(run(text, PLACES)) == []


def test_township_village_and_site_with_text_parents():
    doc = run("晋源区赤桥村党总支带领村民致富，文水县刘胡兰镇、开栅镇全员检测。", PLACES)
    assert {"赤桥村", "刘胡兰镇"} <= set(labels(doc))
    assert ("赤桥村", "晋源区") in facts(doc, "partOf")
    doc = run("对平遥县人民医院、太原站及清徐韵达物流园全面消杀。", PLACES)
    assert "太原站" in labels(doc, "Site") and "清徐韵达物流园" in labels(doc, "Site")


def test_generic_words_are_not_places():
    doc = run("保证社区居民应检尽检，发挥社区网格作用，指导景区和农贸市场做好防控。", PLACES)
    assert labels(doc) == []


def test_short_county_name_needs_home_or_parent():
    assert "平遥县" in labels(run("平遥实行静态管理。", PLACES, home_province="140000"))
    assert labels(run("平遥实行静态管理。", PLACES)) == []
    assert "平遥县" in labels(run("晋中平遥实行静态管理。", PLACES))


def test_offsets_cover_the_surface():
    doc = run("西安市报告2例。", PLACES)
    [m] = mentions(doc)
    assert doc.text[m.start:m.end] == "西安市"


def test_home_is_inferred_when_the_manifest_is_silent():
    text = "石家庄市长安区、新华区、裕华区报告病例，我市实行静态管理，全省支援。"
    doc = run(text, PLACES)
    assert "石家庄市" in labels(doc) and "河北省" in labels(doc)
    home = [m for m in mentions(doc) if doc.text[m.start:m.end] in ("我市", "全省")]
    assert {m.label for m in home} == {"石家庄市", "河北省"}
    # one place is no evidence of where the paper is from
    assert labels(run("我市报告1例，西安市报告2例。", PLACES)) == ["西安市"]


def test_a_county_level_city_whose_leader_the_page_names_is_the_home_that_我市_means():
    text = ("长沙市新增确诊病例3例，长沙市各区开展核酸检测。长沙市发布通告。"
            "我市召开疫情防控调度会，长沙市副市长、浏阳市委书记张某某参加会议。我市实行闭环管理。")
    doc = run(text, PLACES)
    home = [m for m in mentions(doc) if doc.text[m.start:m.end] == "我市"]
    assert home and {m.label for m in home} == {"浏阳市"}


def test_a_site_after_a_place_and_a_verb_is_named_from_after_the_verb():
    doc = run("10月3日凌晨，正定县报告顺丰速运物流园工作人员核酸筛查阳性。", home_city="130100", home_province="130000")
    sites = labels(doc, "Site")
    assert "顺丰速运物流园" in sites and not any(s.startswith("正定县") for s in sites)


def _recognizer():
    from kg.nlp import make_pipeline

    return make_pipeline(("kg_sentences", "kg_places")).get_pipe("kg_places")


def test_fast_suffix_search_finds_what_the_defining_regex_finds():
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from .conftest import SEEDS

    places = _recognizer()

    def same(text):
        assert places.suffix_spans(text) == [m.span() for m in places.suffix_re.finditer(text)]

    for page in sorted(SEEDS.glob("*.txt")):
        same(page.read_text(encoding="utf-8"))
    alphabet = st.sampled_from(list("村镇乡区县市站园社小场中心路街道城中李家庄甲A1 ，、。\n"))

    @settings(max_examples=300, deadline=None)
    @given(st.text(alphabet, max_size=60))
    def check(text):
        same(text)

    check()


def test_gazetteer_spans_follow_spacy_filter_spans():
    from spacy.util import filter_spans

    from .conftest import SEEDS

    places = _recognizer()
    for page in sorted(SEEDS.glob("*.txt")):
        doc = places.chars.make_doc(page.read_text(encoding="utf-8"))
        expected = [(s.start_char, s.end_char, s.text)
                    for s in sorted(filter_spans([doc[s:e] for _, s, e in places.matcher(doc)]), key=lambda s: s.start)]
        assert places._gazetteer_spans(doc) == expected


@pytest.mark.parametrize("text, place", [
    ("解除越秀区华乐街道、梅花村街道部分区域管控措施。", "梅花村街道"),  # 村 + 街道: one name
    ("东门街道办事处幸福小区、和平小区划为中风险区。", "幸福小区"),  # after 办事处, a listed estate
    ("在万达城市广场实行错峰限流。", "万达城市广场"),
])
def test_street_estate_and_plaza_names_of_other_cities(text, place):
    assert place in labels(run(text, None, home_province="440000", home_city="440100"))


def test_a_street_named_like_a_city_is_the_street():
    doc = run("海珠区株洲街道、新港街道划为高风险区。", None, home_province="440000", home_city="440100")
    assert "株洲街道" in labels(doc) and "株洲市" not in labels(doc)


@pytest.mark.parametrize("text, place", [
    ("毫不松劲执行“入川即检”。", "四川省"),
    ("对返京人员一律查验。", "北京市"),
    ("来蓉的旅客须报备。", "成都市"),
])
def test_short_forms_of_every_province_after_a_verb_of_travel(text, place):
    assert place in labels(run(text, None, home_province="510000"))


def test_origin_cues_of_other_provinces():
    import datetime as dt
    doc = run("“6·3”疫情系包头市返京人员引发，累计报告确诊病例5例。", None, home_province="110000",
              home_city="110000", published=dt.date(2022, 6, 9))
    [chain] = [m.label for m in doc._.kg_mentions if m.cls == "InfectionChain"]
    assert (chain, "包头市") in facts(doc, "origin")


def test_development_zones_are_county_level_places_of_their_city():
    doc = run("宝鸡市渭滨区、宝鸡高新技术产业开发区实施静默管理。", None, home_province="610000", home_city="610300")
    assert "宝鸡高新技术产业开发区" in labels(doc, "County")
    assert ("宝鸡高新技术产业开发区", "宝鸡市") in facts(doc, "partOf")


@pytest.mark.parametrize("text", ["组织在职党员下沉社区、就地转岗。", "对隔离酒店、社区街道、集贸市场进行督导。"])
def test_clauses_and_generic_words_before_a_suffix_are_no_places(text):
    assert not {"职党员下沉社区", "社区街道"} & set(labels(run(text, None, home_province="320000", home_city="320100")))


def test_a_suffix_that_ends_the_text_is_no_word_however_it_continues_elsewhere():
    # 乡 before 镇, 村 or 亲 is a word (place_patterns.tsv word_after); at the text's end it is a township
    assert labels(run("在青禾乡、云杉乡", PLACES)) == ["云杉乡", "青禾乡"]
    assert labels(run("在青禾乡、云杉乡亲", PLACES)) == ["青禾乡"]


def test_places_vocabulary_files_say_what_each_entry_matches():
    """Every entry of lex/places.tsv and of the places section of lex/common.tsv has a comment line
    above it and compiles; the word lists hold no duplicates."""
    from kg.lexicon import entries, words

    lex = ROOT / "kg" / "data" / "lex"
    common = (lex / "common.tsv").read_text(encoding="utf-8").split("# --- places\n", 1)[1].split("\n# --- ")[0]
    for name, text in (("places", (lex / "places.tsv").read_text(encoding="utf-8")), ("common", common)):
        lines = text.splitlines()
        for i, line in enumerate(lines):
            if line.strip() and not line.startswith("#"):
                assert i > 0 and lines[i - 1].startswith("# "), f"lex/{name}.tsv: {line.split()[0]} has no comment"
                re.compile(entries(name)[line.split("\t")[0]])
    for name in ("place_not_names", "place_edge_words"):
        assert len(set(words(name))) == len(words(name)) > 0


def test_street_offices_written_short_after_their_district_are_written_out():
    doc = run("病例分布在越秀区光塔街、六榕街、洪桥街等区域。", home_city="440100", home_province="440000")
    streets = [m for m in mentions(doc) if m.cls == "Township"]
    assert {m.label for m in streets} == {"光塔街道", "六榕街道", "洪桥街道"}
    assert all(m.alt_labels == [doc.text[m.start:m.end]] for m in streets)
    assert {("光塔街道", "越秀区"), ("六榕街道", "越秀区")} <= facts(doc, "partOf")
    doc = run("地址：越秀区中山东街阳光大厦。", home_city="440100", home_province="440000")
    assert not [m for m in mentions(doc) if m.cls == "Township"]


def test_a_shop_or_estate_after_its_district_is_named_without_it():
    doc = run("雁塔区青松购物中心暂停营业，长安区石门古镇开放。", home_city="610100", home_province="610000")
    sites = labels(doc, "Site")
    assert "青松购物中心" in sites and not any(s.startswith("雁塔区") for s in sites)
    assert ("青松购物中心", "雁塔区") in facts(doc, "partOf")


def test_a_county_name_that_is_also_a_word_is_read_in_a_list_of_its_siblings():
    doc = run("灵石、和顺、左权对静态管理区域实行“3日3检”。", home_city="140700", home_province="140000")
    assert {"灵石县", "和顺县", "左权县"} <= set(labels(doc, "County"))
    assert ("和顺县", "晋中市") in facts(doc, "partOf")
    doc = run("群众生活和顺、安宁。", home_city="140700", home_province="140000")
    assert "和顺县" not in labels(doc, "County")


def test_a_street_named_after_a_place_is_not_that_place():
    doc = run("在上海路与长江路交叉口、北京大街设置核酸检测点。", home_city="140100", home_province="140000")
    assert labels(doc, "Province", "City") == []
    doc = run("上海市街头巡查，赴上海路线调整。")  # the place itself: its full name, or 路线 (a route)
    assert labels(doc, "Province") == ["上海市"]


def test_a_place_before_a_district_whose_name_starts_with_a_road_word_is_kept():
    doc = run("唐山路南区报告新增病例。")
    assert labels(doc, "City", "County") == ["唐山市", "路南区"]


@pytest.mark.parametrize("text, absent", [
    ("省长前往海口市多个社区，调研疫情防控工作。", "多个社区"),
    ("市长在海口暗访检查社区疫情防控工作。", "暗访检查社区"),
    ("中风险地区有12个，封闭管控小区、村30个。", "管控小区"),
])
def test_a_clause_or_a_count_before_a_suffix_names_no_place(text, absent):
    got = labels(run(text, home_province="460000", home_city="460100"),
                 "Place", "Community", "Site", "Township", "County", "City", "Province")
    assert absent not in got and not any(label.endswith(absent[-2:]) and len(label) > 2 for label in got)


def test_a_village_written_after_a_township_found_by_its_suffix_is_part_of_it():
    # 青柳镇 is in no gazetteer: found by its suffix, it is still the parent of the village written after it
    doc = run("文水县青柳镇石桥村、杨家庄村实行封控管理。", PLACES)
    assert {"青柳镇", "石桥村", "杨家庄村"} <= set(labels(doc))
    part_of = facts(doc, "partOf")
    assert {("青柳镇", "文水县"), ("石桥村", "青柳镇"), ("杨家庄村", "青柳镇")} <= set(part_of)
    # at the start of a text, with no place before it: the village after it vouches for the township
    doc = run("青柳镇石桥村列为中风险区。", PLACES)
    assert ("石桥村", "青柳镇") in facts(doc, "partOf")
    assert not [(a, b) for a, b in facts(doc, "partOf") if a == b]


def test_an_estate_written_after_a_street_office_is_part_of_the_street():
    doc = run("小店区坞城街道办事处明月小区、营盘街道办事处丽景二期小区实行封控管理。", PLACES)
    assert {"明月小区", "丽景二期小区"} <= set(labels(doc, "Site"))
    assert {("明月小区", "坞城街道"), ("丽景二期小区", "营盘街道")} <= set(facts(doc, "partOf"))


def test_a_name_may_start_with_a_word_that_usually_ends_the_run_before_it():
    # 和 ends a name's run (晋源区和某村), unless what follows it is too short to be a name: 和平社区
    doc = run("龙城街道和平社区、阳光社区开展核酸检测。", PLACES)
    assert {"和平社区", "阳光社区"} <= set(labels(doc))
    assert ("和平社区", "龙城街道") in facts(doc, "partOf")
    assert "平社区" not in labels(doc)


def test_中_after_a_title_is_in_not_the_start_of_a_name():
    doc = run("严格执行《鄞州区风险区域划定公告》中青松街道、柳岸街道的临时管控。", PLACES)
    assert {"青松街道", "柳岸街道"} <= set(labels(doc, "Township"))
    assert not [name for name in labels(doc) if name.startswith("中")]


def test_a_street_named_like_a_province_level_city_is_the_street():
    doc = run("荔湾区沙面街道、越秀区北京街道实行临时封控管理。", None, home_province="440000", home_city="440100")
    assert "北京街道" in labels(doc) and "北京市" not in labels(doc)
    assert ("北京街道", "越秀区") in facts(doc, "partOf")


@pytest.mark.parametrize("text", ["某地疫情防控期间市场保供稳价工作有序开展。", "石家庄市市场监管局开展检查。"])
def test_a_market_that_is_a_word_or_a_clause_is_no_site(text):
    assert labels(run(text, PLACES, home_province="130000"), "Site") == []


def test_a_county_level_city_its_headline_names_is_the_home_that_我市_means():
    text = ("浏阳市召开疫情防控工作调度会\n"
            "8月3日，市委书记王某主持召开全市疫情防控工作调度会，传达长沙市委会议精神，部署我市工作。")
    doc = run(text, PLACES)
    assert doc._.kg_meta.home_city == "430181"  # 浏阳市, not 长沙市, whose meeting it relays
    # a prefecture's page that names a county-level city in its headline stays the prefecture's
    text = ("浏阳市新增1例阳性感染者\n"
            "长沙市卫健委通报，长沙市新增1例，我市将开展核酸检测。长沙市各区县做好防控。")
    assert run(text, PLACES)._.kg_meta.home_city == "430100"


def test_a_township_after_a_verb_of_going_there():
    doc = run("县委书记深入城关镇、柳林镇检查核酸采样工作，又来到青松镇东湖村走访群众。", PLACES,
              home_province="140000", home_city="141100")
    assert {"城关镇", "柳林镇", "青松镇", "东湖村"} <= set(labels(doc))
    assert not [name for name in labels(doc) if name.startswith(("深入", "来到"))]


def test_a_street_vouched_for_by_its_estates_and_a_counted_list_of_estates():
    doc = run("截至目前，西湖区累计报告阳性感染者30例，多数居住在青松街道的明月湾、柳岸桥、银杏里三个小区。", PLACES,
              home_province="330000", home_city="330100")
    assert {"青松街道", "明月湾", "柳岸桥", "银杏里"} <= set(labels(doc))
    assert not [name for name in labels(doc) if "三个" in name]
    assert {("明月湾", "青松街道"), ("银杏里", "青松街道"), ("青松街道", "西湖区")} <= set(facts(doc, "partOf"))


def test_a_township_named_like_one_of_another_province_is_the_pages_own():
    # 三桥街道 is also a street of 太原市杏花岭区 in the gazetteer; on a Shaanxi page it is Shaanxi's
    doc = run("西咸新区沣东新城三桥街道新合村实行封控管理。", PLACES, home_province="610000", home_city="610100")
    part_of = facts(doc, "partOf")
    assert ("新合村", "三桥街道") in part_of
    assert ("三桥街道", "杏花岭区") not in part_of and "太原市" not in labels(doc)
    # right after its own district it is the gazetteer's
    doc = run("杏花岭区三桥街道新合村实行封控管理。", PLACES, home_province="610000", home_city="610100")
    assert ("三桥街道", "杏花岭区") in facts(doc, "partOf")

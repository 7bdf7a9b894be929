import datetime as dt

import pytest

from .helpers import facts, labels, run

PUB = dt.date(2023, 3, 9)


def test_provincial_meeting_with_roles_and_date():
    text = ("王东峰主持召开省委第三十次疫情防控专题会议\n\n"
            "本报讯（记者 李明）3月8日，省委书记王东峰主持召开省委第三十次疫情防控专题会议。"
            "省委副书记、省长许勤作具体要求。省领导张三丰、李四海出席会议。副省长丁绣峰汇报有关情况。")
    doc = run(text, home_province="130000", home_city="130100", published=PUB)
    [meeting] = labels(doc, "Meeting")
    assert "第三十次" in meeting
    assert facts(doc, "ordinal") == {(meeting, 30)}
    assert facts(doc, "date") == {(meeting, dt.date(2023, 3, 8))}
    assert facts(doc, "chair") == {(meeting, "王东峰")}
    assert facts(doc, "attendee") == {(meeting, "张三丰"), (meeting, "李四海")}
    assert facts(doc, "speaker") == {(meeting, "许勤"), (meeting, "丁绣峰")}
    assert ("王东峰" , "李明") not in facts(doc, "chair")
    assert (meeting, "中共河北省委") in facts(doc, "organizer")


def test_two_meetings_in_one_report_and_relay():
    text = ("本报讯（记者 周洋）3月7日、8日，市委书记赵一德主持召开市疫情防控工作领导小组第21次、22次会议，"
            "传达学习省委第三十次专题会议精神。")
    doc = run(text, home_province="130000", home_city="130100", published=PUB)
    meetings = labels(doc, "Meeting")
    assert any("第21次" in m for m in meetings) and any("第22次" in m for m in meetings)
    dates = {d for _, d in facts(doc, "date")}
    assert dates == {dt.date(2023, 3, 7), dt.date(2023, 3, 8)}
    relays = facts(doc, "relays")
    assert len(relays) == 1 and "第22次" in next(iter(relays))[0]


def test_headline_roles_and_press_conference():
    text = "许勤讲话 张三丰主持\n\n本报讯 3月8日，市疫情防控工作领导小组召开第5次会议。"
    doc = run(text, home_city="130100", home_province="130000", published=PUB)
    [meeting] = labels(doc, "Meeting")
    assert (meeting, "张三丰") in facts(doc, "chair") and (meeting, "许勤") in facts(doc, "speaker")
    doc = run("本报讯 3月8日，省政府新闻办举行新闻发布会，通报有关情况。", home_province="130000", published=PUB)
    [pc] = labels(doc, "Meeting")
    assert "新闻发布会" in pc and facts(doc, "date") == {(pc, dt.date(2023, 3, 8))}


def test_news_agency_dateline_starts_an_article():
    text = "新华社北京3月8日电 国务院总理李克强3月8日主持召开国务院常务会议，部署稳就业工作。"
    doc = run(text, published=PUB)
    [meeting] = labels(doc, "Meeting")
    assert "国务院常务会议" in meeting and (meeting, "李克强") in facts(doc, "chair")


def test_relayed_unnumbered_meeting_is_the_one_held_that_day():
    from kg.extract import extract_batch
    from kg.model import Document
    from kg.resolve import Resolver

    text = ("本报讯（记者 王明）3月8日，省委书记赵一德主持召开省委常委会会议，研究部署有关工作。\n\n"
            "市防控指挥部召开第3次会议\n\n"
            "本报讯（记者 刘洋）3月8日晚，市疫情防控指挥部召开第3次会议，贯彻落实省委常委会会议精神。")
    doc = Document("p", "p.txt", text, published=PUB, year=2023, home_city="130100", home_province="130000")
    resolver = Resolver()
    for rec in extract_batch([doc]):
        resolver.add(rec)
    res = resolver.resolve()
    meetings = {e.iri: e.label for e in res.entities.values() if e.cls == "Meeting"}
    assert len(meetings) == 2
    [relay] = [f for f in res.facts.values() if f.pred == "relays"]
    assert meetings[relay.obj] == "河北省委常委会会议"  # the organizer's place written out
    assert any("relayed meeting" in m for m in res.merges)


PIPE_ALL = None


def _meetings(doc):
    return {m.label: m for m in doc._.kg_mentions if m.cls == "Meeting"}


def test_meeting_label_names_the_place_the_text_leaves_implicit():
    doc = run("本报讯 6月2日，市委书记钱某某主持召开市委第三十一次疫情防控专题会议。", PIPE_ALL,
              home_province="320000", home_city="320500")
    [(label, m)] = _meetings(doc).items()
    assert label == "苏州市委第三十一次疫情防控专题会议"
    assert "市委第三十一次疫情防控专题会议" in m.alt_labels
    assert ("苏州市委第三十一次疫情防控专题会议", "钱某某") in facts(doc, "chair")


def test_home_lead_and_bad_starts_are_replaced():
    doc = run("本报讯 3月1日，我市召开疫情防控工作调度会，副市长孙某某出席。", PIPE_ALL,
              home_province="420000", home_city="421000")
    assert "荆州市疫情防控工作调度会" in _meetings(doc)


def test_press_conference_speakers_take_part_and_a_chair_may_speak_from_afar():
    doc = run("本报讯 5月9日，市政府新闻办举行疫情防控新闻发布会。"
              "市卫健委副主任周某某、市疾控中心主任吴某某等介绍情况。",
              PIPE_ALL, home_province="330000", home_city="330100")
    [label] = _meetings(doc)
    assert {("吴某某"), ("周某某")} <= {p for m, p in facts(doc, "attendee") if m == label}
    assert {("吴某某"), ("周某某")} <= {p for m, p in facts(doc, "speaker") if m == label}
    doc = run("本报讯 3月7日，省委书记郑某某在北京以视频形式主持召开省疫情防控领导小组会议。", PIPE_ALL,
              home_province="220000")
    assert any(p == "郑某某" for _, p in facts(doc, "chair"))


def test_a_vague_reference_is_not_a_relayed_meeting():
    doc = run("本报讯 4月1日，市疫情防控领导小组召开第5次调度会，传达学习近期省委、市委相关会议精神。", PIPE_ALL,
              home_province="140000", home_city="140500")
    assert facts(doc, "relays") == set()


def test_an_inspection_visit_is_an_event_named_as_written_with_the_leader_as_chair():
    text = ("本报讯 市委书记郭某某昨天在江宁区检查疫情防控工作时强调，要压实四方责任。"
            "市领导孙某某陪同。")
    doc = run(text, PIPE_ALL, home_province="320000", home_city="320100", published=dt.date(2022, 6, 9))
    [(label, m)] = _meetings(doc).items()
    assert label == "郭某某在江宁区检查疫情防控工作" and m.attrs["kind"] == "调研检查"
    assert (label, "郭某某") in facts(doc, "chair")


def test_chair_who_also_speaks_and_attendees_at_a_branch_venue():
    text = ("本报讯 7月2日，省委副书记、省长韩某某主持召开省疫情防控指挥部视频调度会议并讲话，"
            "区委书记林某某，副区长高某某在青秀区分会场收听收看会议。")
    doc = run(text, PIPE_ALL, home_province="450000", home_city="450100")
    [label] = _meetings(doc)
    assert (label, "韩某某") in facts(doc, "chair") and (label, "韩某某") in facts(doc, "speaker")
    assert {(label, "林某某"), (label, "高某某")} <= facts(doc, "attendee")


def test_a_list_closed_by_other_leaders_attends():
    text = ("本报讯 9月1日，市疫情防控工作领导小组召开会议。市委副书记、市长唐某某，市委副书记秦某某，"
            "有关市领导出席。")
    doc = run(text, PIPE_ALL, home_province="500000", home_city="500000")
    [label] = _meetings(doc)
    assert {(label, "唐某某"), (label, "秦某某")} <= facts(doc, "attendee")


def test_a_press_conference_reported_from_and_its_speaker():
    text = ("新华社南京5月3日电 记者3日从南京市新冠肺炎疫情防控工作新闻发布会获悉，全市新增确诊病例2例。"
            "市疾控中心副主任蒋某某表示，要做好个人防护。")
    doc = run(text, PIPE_ALL, home_province="320000", home_city="320100")
    [label] = _meetings(doc)
    assert label.endswith("新闻发布会") and (label, "蒋某某") in facts(doc, "speaker")


def test_leaders_listed_before_a_later_attend_cue_and_a_guest_who_speaks():
    text = ("本报讯 7月8日，市委书记钱某某主持召开市委第五次疫情防控专题会议。市领导孙某某、周某某、吴某某，"
            "某某学院主要负责同志参加会议。省督导组组长郑某某出席会议并讲话。")
    doc = run(text, PIPE_ALL, home_province="320000", home_city="320500")
    [label] = _meetings(doc)
    assert {(label, "孙某某"), (label, "周某某"), (label, "吴某某")} <= facts(doc, "attendee")
    assert (label, "郑某某") in facts(doc, "speaker")


def test_the_leader_of_a_visit_who_gives_requirements_speaks():
    text = "本报讯 市委书记郭某某昨天在江宁区检查疫情防控工作时指出，要压实四方责任。"
    doc = run(text, PIPE_ALL, home_province="320000", home_city="320100")
    [label] = _meetings(doc)
    assert (label, "郭某某") in facts(doc, "speaker")


def test_an_unnamed_meeting_is_named_by_what_it_studied_and_a_visit_before_it_is_an_event_too():
    text = ("本报讯 8月2日，省长周某某在海口暗访检查社区疫情防控工作，并于当晚主持召开会议专题研究"
            "核酸检测点位布设等工作。")
    doc = run(text, PIPE_ALL, home_province="460000", home_city="460100")
    labels_ = set(_meetings(doc))
    assert "核酸检测点位布设工作专题会议" in labels_
    assert "周某某在海口暗访检查社区疫情防控工作" in labels_


def test_the_chair_named_earlier_in_the_sentence_and_a_pronoun_that_gives_requirements():
    text = ("本报讯 8月2日，省长周某某前往海口市多个社区暗访检查，并于当晚主持召开会议专题研究"
            "核酸检测点位布设等工作。他强调，要压实四方责任。")
    doc = run(text, PIPE_ALL, home_province="460000", home_city="460100")
    meeting = "核酸检测点位布设工作专题会议"
    assert (meeting, "周某某") in facts(doc, "chair")
    assert (meeting, "周某某") in facts(doc, "speaker")


def test_a_byline_run_into_a_press_conferences_name_is_not_part_of_it():
    text = "新华社南宁3月2日电 （记者 王某）南宁市疫情防控新闻发布会2日召开。副市长李某某介绍情况。"
    doc = run(text, PIPE_ALL, home_province="450000", home_city="450100", published=PUB)
    assert list(_meetings(doc)) == ["南宁市疫情防控新闻发布会"]


@pytest.mark.parametrize("text, label, ordinal", [
    ("9月3日，市委书记张某某主持召开市委常委会第125次会议。", "石家庄市委常委会第125次会议", 125),
    ("9月5日，市政府召开2022年第8次常务会议。", "石家庄市政府2022年第8次常务会议", 8),
])
def test_a_numbered_session_written_after_the_bodys_meeting_word(text, label, ordinal):
    doc = run(text, home_city="130100", home_province="130000")
    assert (label, ordinal) in facts(doc, "ordinal")


@pytest.mark.parametrize("text, label, chair", [
    ("4月10日下午，市委书记林某某到白云区检查指导疫情防控工作。", "林某某到白云区检查指导疫情防控工作", "林某某"),
    ("9月5日，常务副市长赵某带队到南站、机场检查疫情防控工作。", "赵某带队到南站、机场检查疫情防控工作", "赵某"),
])
def test_a_visit_where_the_leader_went_to(text, label, chair):
    doc = run(text, home_province="440000", home_city="440100", published=PUB)
    assert label in labels(doc, "Meeting")
    assert (label, chair) in facts(doc, "chair")


def test_those_who_accompany_a_visit_attend_it():
    text = "3月1日，市委书记林某某到江南区调研疫情防控工作。副市长周某、市政府秘书长吴某陪同调研。"
    doc = run(text, home_province="450000", home_city="450100", published=PUB)
    [visit] = labels(doc, "Meeting")
    assert {(visit, "周某"), (visit, "吴某")} <= facts(doc, "attendee")


def test_two_meetings_relayed_at_once_and_a_standing_committee_that_holds_a_meeting():
    text = ("4月2日，市委常委会召开会议，传达学习国务院联防联控机制电视电话会议和省委常委会会议精神，"
            "研究部署我市疫情防控工作。市委书记曹某某主持会议。")
    doc = run(text, home_province="320000", home_city="320500", published=PUB)
    relays = facts(doc, "relays")
    held = "苏州市委常委会会议"
    assert {(held, "国务院联防联控机制电视电话会议"), (held, "江苏省委常委会会议")} <= relays
    assert ("苏州市委常委会会议", "曹某某") in facts(doc, "chair")


def test_the_body_that_holds_a_joined_meeting_names_and_organizes_it():
    text = "本报讯 7月8日，市委召开第五十次专题会议暨市疫情防控工作领导小组会议。市委书记王某主持。"
    doc = run(text, home_province="130000", home_city="130100", published=PUB)
    label = "石家庄市委第五十次专题会议暨市疫情防控工作领导小组会议"
    assert label in labels(doc, "Meeting")
    assert (label, "中共石家庄市委") in facts(doc, "organizer")

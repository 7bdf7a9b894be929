"""kg_meetings: meetings and press conferences, with ordinal, date, organizer, roles and relays.

A page is cut into articles (a headline block, then 本报讯 …); the first meeting
an article's body reports is *its* meeting, so 会议 / 他强调 / the headline's
“X讲话 Y主持” all refer to it. Meetings named after 传达学习 / 贯彻落实 … 精神 are
the ones it relays. Each meeting mention carries ``attrs`` (organizer key,
ordinal, kind, date, date hints) that resolution uses to merge a headline and a
body, a short and a long name, or a relayed reference with the real meeting.
"""

from __future__ import annotations

import datetime as _dt
import re
from bisect import bisect_left, bisect_right

from spacy.language import Language
from spacy.tokens import Doc

from kg.components.base import (
    add_mention,
    add_relation,
    jurisdiction_of,
    meta,
    of_class,
    sentence_spans,
    text_of,
)
from kg.dates import dates_in, relative
from kg.gazetteer import data_rows, data_text, gazetteer
from kg.model import Mention
from kg.ns import Class, Prop
from kg.numerals import NUM, ordinals

CUE_ROLES = {"chair", "attendee", "speaker"}
RELAY = re.compile(r"(?:传达学习|传达贯彻|学习贯彻|贯彻落实|传达)(?P<ref>[^，。；]{4,60}?)(?:会议)?精神")
HOLD = re.compile(r"(?:主持召开|召开|举行|举办)")
# where an article's body starts: 本报讯, 新华社北京6月5日电, 本报太原6月5日电
DATELINE = re.compile(r"本报讯|新华社[^。\n，]{0,15}电|本报[^。\n，]{2,15}电")
WHEN = re.compile(r"\s*(?:\d{1,2}月\d{1,2}日|\d{1,2}日|昨天|昨日|今天|当天|当日|日前|近日)(?:上午|下午|晚|晚上)?")
# where and how a chair holds a meeting, between the name and 主持: 在北京以视频形式, 在某县, 通过视频
MANNER = re.compile(r"(?:在[^，。；、\n]{1,12}?|通过视频(?:连线)?(?:方式|形式)?|以视频(?:会议)?(?:方式|形式)|"
                    r"立即|随即|专门|再次|亲自|当天|当晚|晚上|上午|下午){1,3}?(?=主持)")
# 等 / 等同志 closing a list before its cue: 王某、李某等出席
LIST_END = re.compile(r"等(?:同志|人)?|，?(?:有关|相关|其他)(?:省|市|区|县)?领导(?:同志)?")
# after a chair's cue, what makes the chair a speaker too: 主持会议并讲话
ALSO_SPEAKS = re.compile(r"并(?:作)?(?:重要)?(?:讲话|部署|提出要求|作出部署)")
SAYS = re.compile(r"表示|说")
# what an unnamed meeting was for: 会议，专题研究X等工作
TOPIC = re.compile(r"，?(?P<special>专题)?(?:研究|部署|调度)(?P<topic>[^，。；、等]{4,30}?)(?:等)?工作")
GIVES_REQUIREMENTS = re.compile(r"强调|指出|要求")
LEADERS_BEFORE = re.compile(r"(?:省|市|县|区|自治区)领导(?:同志)?$")
ATTENDS = re.compile(r"出席|参加|列席")
CLAUSE_END = re.compile(r"[，。；！？\n]")
ORG_REACH = 60  # an organization's name is shorter than this: how far back an organizer is sought
CLAUSE_REACH = 80  # how far a clause is read for what its cue says next (bounded: no punctuation, no end)
VENUE = re.compile(r"在[^，。；\n]{0,20}?(?:发布会|会议|分会场|主会场|会场)上?")
HEADLINE = re.compile(r"\n\s*\n[^\n。！？；]{2,30}\n\s*\n")
ORD = re.compile(rf"第{NUM}[次场届](?:[、和]{NUM}[次场届])*")
# what never starts a meeting's name: 的, a clause verb run into it, an ordinal's date
LEAD = re.compile(r"^(?:的|贯彻落实|学习贯彻|参加|出席|收听收看|在|于|是|为|以|并)+")
# a reference that names no one meeting: 近期省委、市委相关会议
VAGUE = re.compile(r"、|相关|有关|系列|近期|上级|历次|各次|一系列")
HOME_LEAD = re.compile(r"^(?:我市|我省|全市|全省)")
IMPLICIT = re.compile(r"^(?:自治区|自治州|省|市|区|县|州|盟)")
# an inspection visit as the text names it: X在Y暗访检查…工作 (after the leader's name)
VISIT = re.compile(r"(?:昨天|今天|昨日|近日|日前|当天|上午|下午)?(?P<what>(?:在[^，。；、\n]{1,12}?)?"
                   r"(?:暗访检查|调研检查|检查督导|督导检查|实地检查|暗访|检查|调研|督导|督查)[^，。；、\n]{0,16}?工作)")
# a meeting the text only reports from: 记者从…新闻发布会获悉
HEARD = re.compile(r"从([^，。；\n]{4,40}?(?:新闻发布会|发布会))(?:上)?获悉")
# a host at a press conference: 主持人：
HOST = re.compile(r"主持人[：:]?\s*")


@Language.factory("kg_meetings", requires=["doc._.kg_sents", "doc._.kg_places", "doc._.kg_orgs", "doc._.kg_persons",
                                           "doc._.kg_chains", "doc._.kg_policies", "doc._.kg_meta"],
                  assigns=["doc._.kg_mentions", "doc._.kg_relations", "doc._.kg_meetings", "doc._.kg_orgs"])
class MeetingRecognizer:
    def __init__(self, nlp: Language, name: str) -> None:
        self.name = name
        forms = sorted(data_rows("meeting_patterns.tsv"), key=lambda r: -len(r[0]))
        self.kinds = {f: k for f, k in forms}
        self.kind_re = re.compile("|".join(re.escape(f) for f, _ in forms))
        cues = [line.split("\t") for line in data_text("person_cues.tsv").splitlines()
                if line.strip() and not line.startswith("#")][1:]
        self.cues = {c[0]: c[1] for c in cues if c[1] in CUE_ROLES}
        self.cue_re = re.compile("|".join(re.escape(c) for c in sorted(self.cues, key=len, reverse=True)))

    # ------------------------------------------------------------ articles
    @staticmethod
    def articles(text: str) -> list[tuple[int, int, int]]:
        """(start, body_start, end) of each article: headline block, then the body from 本报讯."""
        bodies = [m.start() for m in DATELINE.finditer(text)]
        out = []
        for i, b in enumerate(bodies):
            start = b
            # the headline block: the short lines without 。 right before the body
            pos = b
            while True:
                prev_end = text.rfind("\n", 0, pos)
                if prev_end <= 0:
                    break
                line_start = text.rfind("\n", 0, prev_end) + 1
                line = text[line_start:prev_end].strip()
                if not line:
                    pos = prev_end
                    continue
                if "。" in line or len(line) > 80:
                    break
                start = line_start
                pos = line_start
            end = bodies[i + 1] if i + 1 < len(bodies) else len(text)
            out.append((start, b, end))
        # the next article's headline block ends this one, and so does a headline of an article
        # without a 本报讯 dateline (a short line without 。 between paragraphs)
        fixed = []
        for i, (s, b, e) in enumerate(out):
            if i + 1 < len(out):
                e = out[i + 1][0]
            head = HEADLINE.search(text, b, e)
            if head:
                e = head.start() + 1
            fixed.append((s, b, e))
        return fixed or [(0, 0, len(text))]

    # ------------------------------------------------------------ names
    def _name_at(self, text: str, start: int, limit: int):
        """A meeting name starting at ``start``: (end, kind, ordinals)."""
        m = self.kind_re.search(text, start, min(limit, start + 60))
        if not m:
            return None
        name = text[start:m.end()]
        if re.search(r"[，。；：！？“”\n]", name):
            return None
        # 暨 joins two names of one meeting: keep the whole name
        tail = re.match(rf"暨[^，。；\n]{{2,30}}?(?:{self.kind_re.pattern})", text[m.end():])
        end = m.end() + (tail.end() if tail else 0)
        return end, self.kinds[m.group()], ordinals(name)

    def _organizer(self, doc: Doc, start: int, end: int, orgs: list[Mention]) -> Mention | None:
        inside = [o for o in _between(orgs, start, end) if o.end > o.start]
        if inside:
            return inside[0]
        # orgs are in text order and an organization name is short: look back a little only
        before = [o for o in _between(orgs, start - ORG_REACH, start) if o.end <= start and start - o.end <= 4
                  and o.end > o.start]
        return before[-1] if before else None

    def _meeting(self, doc: Doc, start: int, end: int, kind: str, ordinal: int | None, org: Mention | None,
                 date: _dt.date | None, label: str, hints=()) -> Mention:
        org_key = org.key if org is not None else ""
        if ordinal is not None:
            key = f"{org_key}|{kind}|#{ordinal}"
        elif date is not None:
            key = f"{org_key}|{kind}|{date.isoformat()}"
        else:
            key = f"{org_key}|{kind}|{label}"
        attrs = {"org": org_key, "kind": kind, "ordinal": ordinal, "date": date.isoformat() if date else None,
                 "hints": sorted(h.isoformat() for h in hints)}
        label, alts = self._named(doc, label, org)
        topic = TOPIC.match(text_of(doc), end) if label in ("会议", "专题会议") else None
        if topic:  # 主持召开会议专题研究X等工作: the meeting on X
            alts, label = [*alts, label], f"{topic.group('topic')}工作{'专题' if topic.group('special') else ''}会议"
        m = add_mention(doc, Mention(Class.Meeting, key, label, start, end, alts, attrs=attrs))
        if ordinal is not None:
            add_relation(doc, m, Prop.ordinal, ordinal, start)
        if org is not None:
            add_relation(doc, m, Prop.organizer, org, start)
        return m

    def _label(self, text: str, start: int, end: int, org: Mention | None, ordinal: int | None, many: bool) -> str:
        name = text[start:end]
        if many and ordinal is not None:  # 第21次、22次会议 -> 第21次会议 / 第22次会议
            name = ORD.sub(f"第{ordinal}次", name)
        return name

    def _named(self, doc: Doc, label: str, org: Mention | None) -> tuple[str, list[str]]:
        """The label a reader can use, and the text's form as an alias: no leading 的 or clause
        words, and the organizer's place written out where the text leaves it implicit
        (市委第三十一次… on a 苏州 page -> 苏州市委第三十一次…; 我市… -> 荆州市…)."""
        label = LEAD.sub("", label.strip())
        place = jurisdiction_of(doc, org) if org is not None else None
        if HOME_LEAD.match(label):
            info = meta(doc)
            code = (info.home_province if label[1] == "省" else info.home_city) if info else None
            home = gazetteer().get(code) if code else None
            if home is not None:
                return home.name + label[2:], [label]
        if place is None:
            return label, []
        scope = IMPLICIT.match(label)
        if scope and place.label.endswith(scope.group()) and not label.startswith(place.label):
            return place.label + label[len(scope.group()):], [label]
        return label, []

    # ------------------------------------------------------------ main
    def __call__(self, doc: Doc) -> Doc:
        text = text_of(doc)
        info = meta(doc)
        orgs = of_class(doc, Class.Organization)
        persons = [p for p in of_class(doc, Class.Person, Class.Official) if p.end > p.start]
        topics = [m for m in of_class(doc, Class.InfectionChain, Class.Policy) if m.end > m.start]
        sentences = sentence_spans(doc)
        sentence_at = [a for a, _ in sentences]
        subjects: dict[int, list[Mention]] = {}  # who holds a meeting, by where its name ends (太谷区召开…)
        for x in of_class(doc, Class.Organization, Class.County, Class.City, Class.Province):
            if x.end > x.start:
                subjects.setdefault(x.end, []).append(x)
        for a_start, body, a_end in self.articles(text):
            dateline = dates_in(text[body:body + 40], info)
            dates = sorted({d for _, _, d in dateline})
            when = re.search(r"(当日|今天|昨天|昨日)", text[body:body + 40])
            if not dates and when and info is not None and info.published:
                said = relative(when.group(1), info.published)
                dates = [said] if said is not None else []
            main: list[Mention] = []
            # meetings held: X召开/举行 NAME, or NAME召开
            for h in HOLD.finditer(text, body, a_end):
                found = self._name_at(text, h.end(), a_end)
                if found is None:
                    continue
                end, kind, ords = found
                start = h.end()
                org = self._organizer(doc, start, end, orgs) or self._organizer(doc, h.start(), h.start(), orgs)
                if org is None:
                    # a place holding a press conference: its government (晋中市太谷区召开…发布会)
                    org = self._place_government(doc, h.start())
                ords = ords or [None]
                # the date of the sentence that holds the meeting, else the dateline's
                i = bisect_right(sentence_at, h.start())  # the sentences start in text order
                s_start = sentences[i - 1][0] if i else body
                own = sorted({d for _, _, d in dates_in(text[s_start:h.start()], info)})
                held = own if own else dates
                main += self._held(doc, h.start(), start, end, kind, ords, org, held, subjects.get(h.start(), []))
                break
            if not main:
                reported = self._reported(doc, body, a_end, orgs, dates)
                main += [reported] if reported is not None else []
            visit = self._visit(doc, persons, a_start, a_end, dates)
            if visit is not None and not main:
                main.append(visit)
            # else a visit, and the meeting the leader held after it, are both events; the article's
            # roles are the meeting's (the visit has its leader)
            if not main:
                continue
            # relayed meetings
            self._relays(doc, main[-1], body, a_end, orgs, dates)
            # roles: persons followed by a cue, in groups joined by 、
            self._roles(doc, persons, a_start, a_end, main)
            for t in _between(topics, a_start, a_end):
                for m in main:
                    add_relation(doc, m, Prop.discusses, t, t.start)
        return doc

    def _held(self, doc: Doc, hold: int, start: int, end: int, kind: str, ords: list, org: Mention | None,
              held: list[_dt.date], subject: list[Mention]) -> list[Mention]:
        """The meetings named at ``start:end`` after a verb of holding at ``hold`` (one per ordinal of
        第21次、22次), each on its date, named with the body written before the verb (``subject``)."""
        text = text_of(doc)
        out = []
        for i, n in enumerate(ords):
            date = held[i] if i < len(held) else (held[-1] if held else None)
            label = self._label(text, start, end, org, n, len(ords) > 1)
            if subject and not (org is not None and start <= org.start < end):
                label = text[subject[-1].start:hold] + LEAD.sub("", label)
            m = self._meeting(doc, start, end, kind, n, org, date, label)
            if date:
                add_relation(doc, m, Prop.date, date, start)
            out.append(m)
        return out

    def _reported(self, doc: Doc, body: int, a_end: int, orgs: list[Mention],
                  dates: list[_dt.date]) -> Mention | None:
        """A meeting the article reports without a holder before 召开 (NAME召开, 记者从…发布会获悉)."""
        text = text_of(doc)
        m2 = re.search(r"([^，。\n]{2,40}?)(?:召开|举行)", text[body:a_end]) or HEARD.search(text, body, a_end)
        if not m2:
            return None
        heard = m2.re is HEARD
        s = m2.start(1) if heard else body + m2.start(1)
        found = self._name_at(text, s, m2.end(1) if heard else body + m2.end())
        if not found:
            return None
        end, kind, ords = found
        s2 = re.search(r"\d+日，?", text[s:end])
        if s2:
            s += s2.end()
        lead = re.match(r"(?:在|于|是|为)", text[s:end])
        if lead:
            s += lead.end()
        org = self._organizer(doc, s, end, orgs)
        date = dates[0] if dates else None
        m = self._meeting(doc, s, end, kind, ords[0] if ords else None, org, date, text[s:end])
        if date:
            add_relation(doc, m, Prop.date, date, s)
        return m

    def _relays(self, doc: Doc, target: Mention, body: int, a_end: int, orgs: list[Mention],
                dates: list[_dt.date]) -> None:
        """The meetings the article's meeting ``target`` relays (传达学习 NAME 精神)."""
        text = text_of(doc)
        for r in RELAY.finditer(text, body, a_end):
            ref = text[r.start("ref"):r.end() - 2]  # the name, with its 会议, without 精神
            k = self.kind_re.search(ref)
            if not k or re.search(r"指示|批示|讲话|贺信", ref) or VAGUE.search(ref[:k.end()]):
                continue
            s = r.start("ref")
            end_ref = s + k.end()
            tail = re.match(rf"暨[^，。；\n]{{2,30}}?(?:{self.kind_re.pattern})", text[end_ref:])
            end_ref += tail.end() if tail else 0
            org = self._organizer(doc, s, end_ref, orgs)
            ords = ordinals(text[s:end_ref])
            kind = self.kinds[k.group()]
            hints = [dates[-1], dates[-1] - _dt.timedelta(days=1)] if dates else []
            ref_m = self._meeting(doc, s, end_ref, kind, ords[0] if ords else None, org, None,
                                  text[s:end_ref], hints)
            add_relation(doc, target, Prop.relays, ref_m, s)

    def _visit(self, doc: Doc, persons: list[Mention], start: int, end: int, dates: list) -> Mention | None:
        """An inspection visit as an event, named as the text names it (X在Y暗访检查…工作), with the
        leader as its chair: the first such clause of an article that reports no meeting."""
        text = text_of(doc)
        for p in _between(persons, start, end):
            if p.cls != Class.Official:
                continue
            m = VISIT.match(text, p.end)
            if m is None:
                continue
            label = p.label + m.group("what")
            when = dates or sorted({d for _, _, d in dates_in(text[start:min(end, start + 300)], meta(doc))})[:1]
            date = when[0] if when else None
            key = f"visit|{p.key}|{date.isoformat() if date else label}"
            attrs: dict[str, object] = {"org": "", "kind": "调研检查", "ordinal": None,
                                        "date": date.isoformat() if date else None, "hints": []}
            visit = add_mention(doc, Mention(Class.Meeting, key, label, p.start, m.end(), attrs=attrs))
            if date:
                add_relation(doc, visit, Prop.date, date, p.start)
            add_relation(doc, visit, Prop.chair, p, p.start)
            said = GIVES_REQUIREMENTS.search(text, m.end(), end)
            if said:  # …时指出 / 他强调: the leader's requirements on the visit
                add_relation(doc, visit, Prop.speaker, p, said.start())
            return visit
        return None

    def _place_government(self, doc: Doc, at: int) -> Mention | None:
        places = [p for p in of_class(doc, Class.County, Class.City, Class.Province) if p.end == at]
        if not places:
            return None
        p = places[0]
        name = f"{p.label}人民政府"
        from kg.components.orgs import org_key

        org = add_mention(doc, Mention(Class.Organization, org_key(name), name, p.start, p.end))
        add_relation(doc, org, Prop.jurisdiction, p, p.start)
        return org

    def _roles(self, doc: Doc, persons: list[Mention], start: int, end: int, main: list[Mention]) -> None:
        text = text_of(doc)
        group: list[Mention] = []
        inside = _between(persons, start, end)
        press = any(m.attrs.get("kind") == "新闻发布会" for m in main)
        for i, p in enumerate(inside):
            group.append(p)
            nxt = inside[i + 1] if i + 1 < len(inside) else None
            cue = self._cue_after(text, p.end, nxt.start if nxt else end)
            if cue is None and press:
                venue = VENUE.match(text, p.end, nxt.start if nxt else end)
                cue = SAYS.match(text, venue.end() if venue else p.end)  # at a press conference, 表示 briefs
            if cue:
                role = self.cues.get(cue.group(), "speaker")
                roles = [role]
                clause = CLAUSE_END.search(text, cue.end(), cue.end() + CLAUSE_REACH)
                also = role in ("chair", "attendee") and ALSO_SPEAKS.search(
                    text, cue.end(), clause.start() if clause else cue.end() + CLAUSE_REACH)
                if cue.group() == "主持并讲话" or also:
                    roles.append("speaker")
                if press and role == "speaker":  # who briefs a press conference takes part in it
                    roles.append("attendee")
                for q in group:
                    for m in main:
                        for r in roles:
                            add_relation(doc, m, r, q, p.start)
                group = []
                continue
            gap = text[p.end:nxt.start] if nxt else ""
            # a list runs over titles, 、 and ， only: a byline's bracket or a date ends it
            if nxt is None or len(gap) > 30 or self.cue_re.search(gap) or re.search(r"[。\n（）()\d；：]", gap):
                self._leaders_attend(doc, group, main)
                group = []
        for h in HOST.finditer(text, start, end):  # 主持人：X at a press conference
            host = next((p for p in inside if 0 <= p.start - h.end() <= 30 and "\n" not in text[h.end():p.start]), None)
            if host is not None:
                for m in main:
                    add_relation(doc, m, Prop.chair, host, host.start)

    def _leaders_attend(self, doc: Doc, group: list[Mention], main: list[Mention]) -> None:
        """市领导A、B、C，某校负责同志参加会议: a list after 省领导 / 市领导 attends when its sentence
        says so further on (出席, 参加, 列席)."""
        if not group:
            return
        text = text_of(doc)
        if not LEADERS_BEFORE.search(text, max(0, group[0].start - 4), group[0].start):
            return
        reach = group[-1].end + 4 * CLAUSE_REACH
        stop = CLAUSE_END.search(text, group[-1].end, reach)
        while stop is not None and stop.group() == "，":  # to the end of the sentence
            stop = CLAUSE_END.search(text, stop.end(), reach)
        if ATTENDS.search(text, group[-1].end, stop.start() if stop else reach):
            for q in group:
                for m in main:
                    add_relation(doc, m, Prop.attendee, q, q.start)

    def _cue_after(self, text: str, at: int, limit: int):
        """The role cue right after a name, or after a date (李某3月8日主持召开), or for 主持 after a
        short place-and-manner phrase (X在北京以视频形式主持召开)."""
        when = WHEN.match(text, at) or LIST_END.match(text, at)
        cue = self.cue_re.match(text, when.end() if when else at)
        if cue:
            return cue
        manner = MANNER.match(text, at, min(limit, at + 20))
        if manner:
            cue = self.cue_re.match(text, manner.end())
            if cue and self.cues[cue.group()] == "chair":
                return cue
        venue = VENUE.match(text, at, min(limit, at + 30))  # 在5月3日召开的新闻发布会上表示 / 在青秀区分会场收听收看
        if venue:
            cue = self.cue_re.match(text, venue.end())
            if cue and self.cues[cue.group()] in ("speaker", "attendee"):
                return cue
        return None


def _between(mentions: list[Mention], start: int, end: int) -> list[Mention]:
    """The mentions (in text order) that start in ``start:end``, found by bisection."""
    lo = bisect_left(mentions, start, key=lambda m: m.start)
    return mentions[lo:bisect_left(mentions, end, key=lambda m: m.start)]

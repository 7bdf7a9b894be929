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
    KgComponent,
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
from kg.lexicon import Lexicon
from kg.model import Mention
from kg.ns import Class, Prop
from kg.numerals import ordinals

CUE_ROLES = {"chair", "attendee", "speaker"}
CLAUSE_END = re.compile(r"[，。；！？\n]")
ORG_REACH = 60  # an organization's name is shorter than this: how far back an organizer is sought
CLAUSE_REACH = 80  # how far a clause is read for what its cue says next (bounded: no punctuation, no end)
# a headline between paragraphs: a short line without a sentence's end
HEADLINE = re.compile(r"\n\s*\n[^\n。！？；]{2,30}\n\s*\n")


@Language.factory("kg_meetings", requires=["doc._.kg_sents", "doc._.kg_places", "doc._.kg_orgs", "doc._.kg_persons",
                                           "doc._.kg_chains", "doc._.kg_policies", "doc._.kg_meta"],
                  assigns=["doc._.kg_mentions", "doc._.kg_relations", "doc._.kg_meetings", "doc._.kg_orgs"],
                  default_config={"lexicon": {}})
class MeetingRecognizer(KgComponent):
    kind = "kg_meetings"

    def __init__(self, nlp: Language, name: str, lexicon: dict[str, str] | None = None) -> None:
        self.name = name
        forms = sorted(data_rows("meeting_patterns.tsv"), key=lambda r: -len(r[0]))
        self.kinds = {f: k for f, k in forms}
        self.kind_re = re.compile("|".join(re.escape(f) for f, _ in forms))
        cues = [line.split("\t") for line in data_text("person_cues.tsv").splitlines()
                if line.strip() and not line.startswith("#")][1:]
        self.cues = {c[0]: c[1] for c in cues if c[1] in CUE_ROLES}
        self.also_speaks_cues = {c[0] for c in cues if c[1] in CUE_ROLES and c[2:3] == ["speaker"]}
        self.cue_re = re.compile("|".join(re.escape(c) for c in sorted(self.cues, key=len, reverse=True)))
        lex = Lexicon("meetings", lexicon)
        self.hold_re = re.compile(lex["hold"])
        self.name_then_hold_re = re.compile(lex["name_then_hold"])
        self.relay_re = re.compile(lex["relay"])
        self.not_a_meeting_re = re.compile(lex["not_a_meeting"])
        self.vague_re = re.compile(lex["vague"])
        self.heard_re = re.compile(lex["heard"])
        # 暨 joins two names of one meeting: the second name runs to its own kind
        self.joined_name_re = re.compile(f"{lex['joined_name']}(?:{self.kind_re.pattern})")
        self.ordinal_list_re = re.compile(lex["ordinal_list"])
        self.relay_and_re = re.compile(lex["relay_and"])
        self.body_before_re = re.compile(lex["body_before"])
        self.ordinal_session_re = re.compile(lex["ordinal_session"])
        self.dateline_re = re.compile(lex["dateline"])
        self.dateline_day_re = re.compile(lex["dateline_day"])
        self.day_of_month_re = re.compile(lex["day_of_month"])
        self.when_re = re.compile(lex["when"])
        self.lead_re = re.compile(lex["lead"])
        self.reported_lead_re = re.compile(lex["reported_lead"])
        self.home_province_re = re.compile(lex["home_province_lead"])
        self.home_city_re = re.compile(lex["home_city_lead"])
        self.implicit_re = re.compile(lex["implicit_scope"])
        self.topic_re = re.compile(lex["topic"])
        self.unnamed_re = re.compile(lex["unnamed"])
        self.visit_re = re.compile(lex["visit"])
        self.gives_requirements_re = re.compile(lex["gives_requirements"])
        self.manner_re = re.compile(lex["manner"])
        self.list_end_re = re.compile(lex["list_end"])
        self.also_speaks_re = re.compile(lex["also_speaks"])
        self.says_re = re.compile(lex["says"])
        self.venue_re = re.compile(lex["venue"])
        self.leaders_before_re = re.compile(lex["leaders_before"])
        self.attends_re = re.compile(lex["attends"])
        self.host_re = re.compile(lex["host"])
        self.pronoun_says_re = re.compile(lex["pronoun_says"])
        self.chair_later_re = re.compile(lex["chair_later"])
        self.byline_in_name_re = re.compile(lex["byline_in_name"])
        self.press_kind = lex["press_kind"]
        self.visit_kind = lex["visit_kind"]
        self.government = lex["government"]
        self.topic_label, self.special_topic_label = lex["topic_label"], lex["special_topic_label"]

    # ------------------------------------------------------------ articles
    def articles(self, text: str) -> list[tuple[int, int, int]]:
        """(start, body_start, end) of each article: headline block, then the body from 本报讯."""
        bodies = [m.start() for m in self.dateline_re.finditer(text)]
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
        session = self.ordinal_session_re.match(text, m.end())  # 市委常委会第125次会议
        if session:
            name = text[start:session.end()]
        # 暨 joins two names of one meeting: keep the whole name
        tail = self.joined_name_re.match(text, start + len(name))
        end = start + len(name) + (tail.end() - tail.start() if tail else 0)
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
        topic = self.topic_re.match(text_of(doc), end) if self.unnamed_re.fullmatch(label) else None
        if topic:  # 主持召开会议专题研究X等工作: the meeting on X
            tail = self.special_topic_label if topic.group("special") else self.topic_label
            alts, label = [*alts, label], topic.group("topic") + tail
        m = add_mention(doc, Mention(Class.Meeting, key, label, start, end, alts, attrs=attrs))
        if ordinal is not None:
            add_relation(doc, m, Prop.ordinal, ordinal, start)
        if org is not None:
            add_relation(doc, m, Prop.organizer, org, start)
        return m

    def _label(self, text: str, start: int, end: int, org: Mention | None, ordinal: int | None, many: bool) -> str:
        name = text[start:end]
        if many and ordinal is not None:  # 第21次、22次会议 -> 第21次会议 / 第22次会议
            name = self.ordinal_list_re.sub(f"第{ordinal}次", name)
        return name

    def _named(self, doc: Doc, label: str, org: Mention | None) -> tuple[str, list[str]]:
        """The label a reader can use, and the text's form as an alias: no leading 的 or clause
        words, and the organizer's place written out where the text leaves it implicit
        (市委第三十一次… on a 苏州 page -> 苏州市委第三十一次…; 我市… -> 荆州市…)."""
        label = self.lead_re.sub("", label.strip())
        place = jurisdiction_of(doc, org) if org is not None else None
        province = self.home_province_re.match(label)
        home_lead = province or self.home_city_re.match(label)
        if home_lead:
            info = meta(doc)
            code = (info.home_province if province else info.home_city) if info else None
            home = gazetteer().get(code) if code else None
            if home is not None:
                return home.name + label[home_lead.end():], [label]
        if place is None:
            return label, []
        scope = self.implicit_re.match(label)
        if scope and place.label.endswith(scope.group()) and not label.startswith(place.label):
            return place.label + label[len(scope.group()):], [label]
        return label, []

    # ------------------------------------------------------------ main
    def find(self, doc: Doc) -> None:
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
            when = self.dateline_day_re.search(text[body:body + 40])
            if not dates and when and info is not None and info.published:
                said = relative(when.group(1), info.published)
                dates = [said] if said is not None else []
            main: list[Mention] = []
            # meetings held: X召开/举行 NAME, or NAME召开
            for h in self.hold_re.finditer(text, body, a_end):
                found = self._name_at(text, h.end(), a_end)
                if found is None:
                    continue
                end, kind, ords = found
                start = h.end()
                # the body written right before the verb holds it (市委召开…专题会议暨某领导小组会议), else one
                # inside its name, else one just before
                org = next((x for x in subjects.get(h.start(), []) if x.cls == Class.Organization), None) \
                    or self._organizer(doc, start, end, orgs) or self._organizer(doc, h.start(), h.start(), orgs)
                if org is None:
                    # a place holding a press conference: its government (晋中市太谷区召开…发布会)
                    org = self._place_government(doc, h.start())
                ords = ords or [None]
                # the date of the sentence that holds the meeting, else the dateline's
                i = bisect_right(sentence_at, h.start())  # the sentences start in text order
                s_start = sentences[i - 1][0] if i else body
                own = sorted({d for _, _, d in dates_in(text[s_start:h.start()], info)})
                held = own if own else dates
                body_of = self.body_before_re.search(text, max(0, h.start() - 4), h.start())  # 市委常委会召开
                subject = subjects.get(h.start()) or (subjects.get(body_of.start(), []) if body_of else [])
                main += self._held(doc, h.start(), start, end, kind, ords, org, held, subject)
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
        return

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
                label = text[subject[-1].start:hold] + self.lead_re.sub("", label)
            m = self._meeting(doc, start, end, kind, n, org, date, label)
            if date:
                add_relation(doc, m, Prop.date, date, start)
            out.append(m)
        return out

    def _reported(self, doc: Doc, body: int, a_end: int, orgs: list[Mention],
                  dates: list[_dt.date]) -> Mention | None:
        """A meeting the article reports without a holder before 召开 (NAME召开, 记者从…发布会获悉)."""
        text = text_of(doc)
        m2 = self.name_then_hold_re.search(text[body:a_end]) or self.heard_re.search(text, body, a_end)
        if not m2:
            return None
        heard = m2.re is self.heard_re
        s = m2.start(1) if heard else body + m2.start(1)
        found = self._name_at(text, s, m2.end(1) if heard else body + m2.end())
        if not found:
            return None
        end, kind, ords = found
        s2 = self.day_of_month_re.search(text[s:end])
        if s2:
            s += s2.end()
        for b in self.byline_in_name_re.finditer(text, s, end):  # 电 （记者 某某）NAME: the name after it
            s = b.end()
        lead = self.reported_lead_re.match(text[s:end])
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
        hints = [dates[-1], dates[-1] - _dt.timedelta(days=1)] if dates else []
        for r in self.relay_re.finditer(text, body, a_end):
            s, ref_end = r.start("ref"), r.end() - 2  # the name, with its 会议, without 精神
            if self.not_a_meeting_re.search(text, s, ref_end):
                continue
            while (k := self.kind_re.search(text, s, ref_end)) and not self.vague_re.search(text, s, k.end()):
                end_ref = k.end()
                tail = self.joined_name_re.match(text, end_ref)
                end_ref = tail.end() if tail else end_ref
                org = self._organizer(doc, s, end_ref, orgs)
                ords = ordinals(text[s:end_ref])
                ref_m = self._meeting(doc, s, end_ref, self.kinds[k.group()], ords[0] if ords else None, org, None,
                                      text[s:end_ref], hints)
                add_relation(doc, target, Prop.relays, ref_m, s)
                more = self.relay_and_re.match(text, end_ref)  # 某会议和某会议精神: each is relayed
                if more is None:
                    break
                s = more.end()

    def _visit(self, doc: Doc, persons: list[Mention], start: int, end: int, dates: list) -> Mention | None:
        """An inspection visit as an event, named as the text names it (X在Y暗访检查…工作), with the
        leader as its chair: the first such clause of an article that reports no meeting."""
        text = text_of(doc)
        for p in _between(persons, start, end):
            if p.cls != Class.Official:
                continue
            m = self.visit_re.match(text, p.end)
            if m is None:
                continue
            label = p.label + m.group("what")
            when = dates or sorted({d for _, _, d in dates_in(text[start:min(end, start + 300)], meta(doc))})[:1]
            date = when[0] if when else None
            key = f"visit|{p.key}|{date.isoformat() if date else label}"
            attrs: dict[str, object] = {"org": "", "kind": self.visit_kind, "ordinal": None,
                                        "date": date.isoformat() if date else None, "hints": []}
            visit = add_mention(doc, Mention(Class.Meeting, key, label, p.start, m.end(), attrs=attrs))
            if date:
                add_relation(doc, visit, Prop.date, date, p.start)
            add_relation(doc, visit, Prop.chair, p, p.start)
            said = self.gives_requirements_re.search(text, m.end(), end)
            if said:  # …时指出 / 他强调: the leader's requirements on the visit
                add_relation(doc, visit, Prop.speaker, p, said.start())
            return visit
        return None

    def _place_government(self, doc: Doc, at: int) -> Mention | None:
        places = [p for p in of_class(doc, Class.County, Class.City, Class.Province) if p.end == at]
        if not places:
            return None
        p = places[0]
        name = p.label + self.government
        from kg.components.orgs import org_key

        org = add_mention(doc, Mention(Class.Organization, org_key(name), name, p.start, p.end))
        add_relation(doc, org, Prop.jurisdiction, p, p.start)
        return org

    def _roles(self, doc: Doc, persons: list[Mention], start: int, end: int, main: list[Mention]) -> None:
        text = text_of(doc)
        group: list[Mention] = []
        inside = _between(persons, start, end)
        chairs: list[Mention] = []
        press = any(m.attrs.get("kind") == self.press_kind for m in main)
        for i, p in enumerate(inside):
            group.append(p)
            nxt = inside[i + 1] if i + 1 < len(inside) else None
            cue = self._cue_after(text, p.end, nxt.start if nxt else end)
            if cue is None and press:
                venue = self.venue_re.match(text, p.end, nxt.start if nxt else end)
                cue = self.says_re.match(text, venue.end() if venue else p.end)  # at a press conference, 表示 briefs
            if cue:
                role = self.cues.get(cue.group(), "speaker")
                roles = [role]
                clause = CLAUSE_END.search(text, cue.end(), cue.end() + CLAUSE_REACH)
                also = role in ("chair", "attendee") and self.also_speaks_re.search(
                    text, cue.end(), clause.start() if clause else cue.end() + CLAUSE_REACH)
                if cue.group() in self.also_speaks_cues or also:
                    roles.append("speaker")
                if press and role == "speaker":  # who briefs a press conference takes part in it
                    roles.append("attendee")
                for q in group:
                    for m in main:
                        for r in roles:
                            add_relation(doc, m, r, q, p.start)
                if "chair" in roles:
                    chairs += group
                group = []
                continue
            gap = text[p.end:nxt.start] if nxt else ""
            # a list runs over titles, 、 and ， only: a byline's bracket or a date ends it
            if nxt is None or len(gap) > 30 or self.cue_re.search(gap) or re.search(r"[。\n（）()\d；：]", gap):
                self._leaders_attend(doc, group, main)
                group = []
        chairs += self._hosts(doc, inside, start, end, main)
        if not chairs:
            chairs = self._chair_named_before(doc, inside, start, end, main)
        said = self.pronoun_says_re.search(text, start, end) if chairs else None
        if said is not None:  # 。他强调: the chair gives the requirements
            for m in main:
                add_relation(doc, m, Prop.speaker, chairs[0], said.end())

    def _hosts(self, doc: Doc, inside: list[Mention], start: int, end: int, main: list[Mention]) -> list[Mention]:
        """主持人：X at a press conference: X chairs it."""
        text = text_of(doc)
        hosts = []
        for h in self.host_re.finditer(text, start, end):
            host = next((p for p in inside if 0 <= p.start - h.end() <= 30 and "\n" not in text[h.end():p.start]), None)
            if host is not None:
                hosts.append(host)
                for m in main:
                    add_relation(doc, m, Prop.chair, host, host.start)
        return hosts

    def _chair_named_before(self, doc: Doc, inside: list[Mention], start: int, end: int,
                            main: list[Mention]) -> list[Mention]:
        """某某前往某地检查…，并于当晚主持召开会议: the sentence's first person chairs the meeting."""
        text = text_of(doc)
        sentences = sentence_spans(doc)
        for c in self.chair_later_re.finditer(text, start, end):
            i = bisect_right(sentences, c.start(), key=lambda sp: sp[0]) - 1  # the sentence of 并…主持
            s0 = max(sentences[i][0] if i >= 0 else start, start)
            first = next((p for p in inside if s0 <= p.start < c.start()), None)
            if first is not None:
                for m in main:
                    if m.attrs.get("kind") != self.visit_kind:
                        add_relation(doc, m, Prop.chair, first, c.start())
                return [first]
        return []

    def _leaders_attend(self, doc: Doc, group: list[Mention], main: list[Mention]) -> None:
        """市领导A、B、C，某校负责同志参加会议: a list after 省领导 / 市领导 attends when its sentence
        says so further on (出席, 参加, 列席)."""
        if not group:
            return
        text = text_of(doc)
        if not self.leaders_before_re.search(text, max(0, group[0].start - 4), group[0].start):
            return
        reach = group[-1].end + 4 * CLAUSE_REACH
        stop = CLAUSE_END.search(text, group[-1].end, reach)
        while stop is not None and stop.group() == "，":  # to the end of the sentence
            stop = CLAUSE_END.search(text, stop.end(), reach)
        if self.attends_re.search(text, group[-1].end, stop.start() if stop else reach):
            for q in group:
                for m in main:
                    add_relation(doc, m, Prop.attendee, q, q.start)

    def _cue_after(self, text: str, at: int, limit: int):
        """The role cue right after a name, or after a date (李某3月8日主持召开), or for 主持 after a
        short place-and-manner phrase (X在北京以视频形式主持召开)."""
        when = self.when_re.match(text, at) or self.list_end_re.match(text, at)
        cue = self.cue_re.match(text, when.end() if when else at)
        if cue:
            return cue
        manner = self.manner_re.match(text, at, min(limit, at + 20))
        if manner:
            cue = self.cue_re.match(text, manner.end())
            if cue and self.cues[cue.group()] == "chair":
                return cue
        # 在5月3日召开的新闻发布会上表示 / 在青秀区分会场收听收看
        venue = self.venue_re.match(text, at, min(limit, at + 30))
        if venue:
            cue = self.cue_re.match(text, venue.end())
            if cue and self.cues[cue.group()] in ("speaker", "attendee"):
                return cue
        return None


def _between(mentions: list[Mention], start: int, end: int) -> list[Mention]:
    """The mentions (in text order) that start in ``start:end``, found by bisection."""
    lo = bisect_left(mentions, start, key=lambda m: m.start)
    return mentions[lo:bisect_left(mentions, end, key=lambda m: m.start)]

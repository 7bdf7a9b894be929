"""kg_policies: strategies, guidelines, plans and measures.

Sources, all general: quoted slogans and measures that look like policy
(“7天集中隔离+5次核酸”, “外防输入、内防反弹”总策略; a counted quote with the
list it counts: 扫码、测温、戴口罩“三要素”), document titles of rules
(《…通知》), numbered plans (第九版防控方案, 二十条优化措施), the genre's
standard measures listed in ``policy_lexicon.tsv``, and unquoted slogans of
parallel items (每日检、重点检、上门检). Variants merge through a normalised key
(三天三检 = 3天3检 = 3日3检). Each measure or plan ``appliesTo`` the places of its
clause or sentence, else the places its paragraph opens with, else where its speaker
governs; a strategy or guideline (a watchword: 动态清零) applies to no place. Each has
a ``policyKind``.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right

from spacy.language import Language
from spacy.tokens import Doc

from kg.components.base import (
    KgComponent,
    add_mention,
    add_relation,
    mentions,
    meta,
    of_class,
    sentence_spans,
    state,
    text_of,
    written_places,
)
from kg.gazetteer import data_rows, gazetteer
from kg.lexicon import Lexicon, travel_cue
from kg.model import Mention
from kg.ns import Class, Prop
from kg.numerals import to_int

HEADER_LINES = 2  # lines above a heading notice that may hold its issuer's name
CUE_REACH = 1500  # characters back to the body or scope that speaks
QUOTE = re.compile(r"[“‘]([^“”‘’\n]{2,40})[”’]([\u4e00-\u9fff]{0,6})")
SPEECH = re.compile(r"[。！？]$|，.{8,}")
# a watchword quoted on its own: four to eight characters, then a clause boundary, 的 or what it is
SLOGAN = re.compile(r"[\u4e00-\u9fff]{4,8}")
# An unquoted slogan of parallel items: three or more of the same length sharing a character in
# the same place (快道、快采、快转、快隔; 每日检、重点检、上门检; 里不出、外不进、内不动)
LIST_RUN = re.compile(r"(?<![\u4e00-\u9fff])[\u4e00-\u9fff]+(?:、[\u4e00-\u9fff]+){2,}")
FIRST_ITEM = 6  # characters: a longer first item without a verb to cut at is not one item
CLAUSE = "，；：。！？"  # what ends a clause
PART = "；"  # what ends a part of a sentence that coordinates several (将A…，实行X；将B…，实行Y)
PARTS_BACK = 4  # earlier parts of its sentence where a measure's places are looked for
SIGNATURE_REACH = 3000  # characters after a notice's heading where its signature is looked for
HEAD_REACH = 10
KINDS_AFTER = ("strategy", "guideline", "plan")  # lex/policies.tsv has <kind>_after: the words after a quote


def _start(m: Mention) -> int:
    """A mention's start: the key that bisects a list of mentions in text order."""
    return m.start


@Language.factory("kg_policies", requires=["doc._.kg_sents", "doc._.kg_places", "doc._.kg_orgs", "doc._.kg_meta"],
                  assigns=["doc._.kg_mentions", "doc._.kg_relations", "doc._.kg_policies"],
                  default_config={"lexicon": {}})
class PolicyRecognizer(KgComponent):
    kind = "kg_policies"

    def __init__(self, nlp: Language, name: str, lexicon: dict[str, str] | None = None) -> None:
        self.name = name
        self.gaz = gazetteer()
        self.lexicon: dict[str, tuple[str, str]] = {}
        self.listed: set[str] = set()  # labels that apply only to the places listed after them
        self._clause_end_re = re.compile(f"[{re.escape(CLAUSE)}]")
        self._newline_re = re.compile("\n")
        for row in data_rows("policy_lexicon.tsv"):
            label, kind = row[0], row[1]
            if len(row) > 3 and row[3] == "listed":
                self.listed.add(label)
            variants = [label] + [v for v in (row[2] if len(row) > 2 else "").split("|") if v]
            for v in variants:
                self.lexicon[v] = (label, kind)
        self.lexicon_re = re.compile("|".join(re.escape(v) for v in sorted(self.lexicon, key=len, reverse=True)))
        self._read_lex(lexicon)

    def _read_lex(self, lexicon: dict[str, str] | None) -> None:
        """The vocabulary of ``lex/policies.tsv``, as compiled patterns, sets and tuples of words."""
        lex = Lexicon("policies", lexicon)
        self.title_re = re.compile(lex["title"])
        self.title_edition_re = re.compile(lex["title_edition"])
        self.heading_notice_re = re.compile(lex["heading_notice"])
        self.signature_date_re = re.compile(lex["signature_date"])
        self.notice_re = re.compile(lex["notice"])
        self.plan_re = re.compile(lex["plan"])
        self.issue_re = re.compile(lex["issue"])
        self.looks_like_re = re.compile(lex["looks_like"])
        self.not_policy_re = re.compile(lex["not_policy"])
        self.slogan_after_re = re.compile(lex["slogan_after"])
        self.not_slogan_re = re.compile(lex["not_slogan"])
        self.praise_re = re.compile(lex["praise"])
        self.counted_re = re.compile(lex["counted"])
        self.listed_re = re.compile(lex["listed"])
        self.list_verb_re = re.compile(lex["list_verb"])
        self.not_necessary_re = re.compile(lex["not_necessary"])
        self.headed_re = re.compile(lex["headed"])
        self.manner_end_re = re.compile(lex["manner_end"])
        self.not_manner_re = re.compile(lex["not_manner"])
        self.round_re = re.compile(lex["round"])
        self.head_verb_re = re.compile(lex["head_verb"])
        self.area_list_re = re.compile(lex["area_list"])
        self.designated_re = re.compile(lex["designated_as"])
        self.office_after = re.compile(lex["office_after"])
        self.visited_re = re.compile(lex["visited"])
        self.jurisdiction_re = re.compile(lex["jurisdiction"])
        self.origin_before_re = re.compile(lex["origin_before"])
        self.day_unit_re = re.compile(lex["day_unit"])
        self.digits = str.maketrans(lex.chars("cn_digit"), "123456789")
        self.day_unit_as = lex["day_unit_as"]
        self.notice_end = tuple(lex["notice_end"].split("|"))
        self.notice_hints = tuple(lex["notice_hint"].split("|"))
        self.plan_word = lex["plan_word"]
        self.plan_edition_re = re.compile(lex["plan_edition"])
        # the words after a quote that say its kind (no word of one kind starts another kind's)
        self.kind_after = {w: kind for kind in KINDS_AFTER for w in lex[f"{kind}_after"].split("|")}
        self.measure_after = tuple(lex["measure_after"].split("|"))
        self.not_item_end = set(lex.chars("not_item_end"))
        self.measure_chars = set(lex.chars("measure_char"))
        self.head_stop = set(lex.chars("head_stop"))
        self.province_cue = tuple(lex["province_cue"].split("|"))
        self.relayed = tuple(lex["relayed"].split("|"))
        # a place people came from: written before a travel cue (某地返京, 某地籍) — cues from kg.lexicon
        self.origin_after_re = re.compile(rf"[\u4e00-\u9fff]{{0,3}}?(?:{travel_cue()}|{lex['origin_mark']})")

    def key(self, name: str) -> str:
        """A policy's key: its variants written alike (三天三检 = 3天3检 = 3日3检, “14+7” = 14+7; an edition of
        the national plan, 第九版防控方案 = 《新型冠状病毒肺炎防控方案（第九版）》)."""
        edition = self.plan_edition_re.match(name)
        if edition:
            return f"{self.plan_word}|{to_int(edition.group('n'))}"
        key = re.sub(r"[“”‘’\"'《》\s]", "", name).translate(self.digits)
        return self.day_unit_re.sub(self.day_unit_as, key)

    def _places(self, doc: Doc, start: int, end: int, places: list[Mention]) -> list[Mention]:
        """The places of the sentence where a policy is applied: not those people come from (西安返京, 成都来蓉)."""
        text = text_of(doc)
        lo, hi = bisect_left(places, start, key=_start), bisect_left(places, end, key=_start)  # text order
        return [p for p in places[lo:hi] if p.end > p.start
                and not self.origin_after_re.match(text, p.end)
                and not self.origin_before_re.search(text, max(0, p.start - 2), p.start)]

    def _targets(self, doc: Doc, s: int, e: int, start: int, end: int, places: list[Mention],
                 listed_only: bool = False) -> list[Mention]:
        """Where a measure applies: the places of its own clause, else those written before it in its
        sentence (宝鸡市、咸阳市…实施常态化防控措施，区域核酸检测…), the most specific of a line of
        ancestors only (宁波市海曙区 -> 海曙区)."""
        text = text_of(doc)
        c_start = max(s, *(text.rfind(p, s, start) + 1 for p in CLAUSE))
        ends = [i for p in CLAUSE if (i := text.find(p, end, e)) != -1]
        c_end = min(ends) if ends else e
        found = []
        listed = self.area_list_re.match(text, end)
        if listed:  # 高风险区4个：A镇B村、C小区；… — the list after the colon, housing estates too
            stops = [i for p in "；。" if (i := text.find(p, listed.end(), e)) != -1]
            found = self._places(doc, listed.end(), min(stops) if stops else e, self._with_sites)
        if not listed_only:
            # 将A划为高风险区，实行X；将B…，实行Y: Y is B's (its part's places)
            part = max(s, text.rfind(PART, s, start) + 1)
            found = found or self._places(doc, c_start, c_end, places) or self._places(doc, part, start, places)
            for _ in range(PARTS_BACK):  # else an earlier part's, unless a measure of its own claims them
                if found or part <= s:
                    break
                prev = max(s, text.rfind(PART, s, part - 1) + 1)
                i = bisect_left(self._measure_at, prev)
                if not (i < len(self._measure_at) and self._measure_at[i] < part - 1):
                    found = self._places(doc, prev, part - 1, places)
                part = prev
        if not self._titled[start]:  # 按《某区关于…的通告》中某街道的措施: the title's place is the title's
            found = [p for p in found if not self._titled[p.start]]
        starts = {p.start for p in found}
        # 某镇东风村, 某街道办事处某小区: the village, the estate — not the place written before it
        return [p for p in self._most_specific(found) if p.end not in starts
                and not ((office := self.office_after.match(text, p.end)) and office.end() in starts)]

    def _paragraph_subject(self, doc: Doc, s: int, places: list[Mention]) -> list[Mention]:
        """The places a paragraph opens with, as the subject of its first clause (某县、某区等3个县区，实施…;
        某区继续保持…): where the measures of its later sentences apply, when they name no place."""
        i = bisect_right(self._para_at, s) - 1
        if i < 0:  # the page's first paragraph: its subject is the page's, not a paragraph's
            return []
        p_start = self._para_at[i]
        clause_end = self._first_clause.get(p_start, -1)
        if clause_end == -1:  # once per paragraph, so a page of one long line stays linear
            para_end = self._para_at[i + 1] if i + 1 < len(self._para_at) else len(text_of(doc))
            found = self._clause_end_re.search(text_of(doc), p_start, para_end)
            clause_end = self._first_clause[p_start] = found.start() if found else None
        if clause_end is None or clause_end >= s:
            return []
        subject = self._targets(doc, p_start, clause_end, p_start, p_start, places)
        # the places are the clause's subject (某区继续保持…), not where someone went (某某先后来到某社区、某社区)
        first = min((p.start for p in subject), default=p_start)
        return [] if self.visited_re.search(text_of(doc), p_start, first) else subject

    def _titles(self, doc: Doc, text: str, taken: bytearray, places: list[Mention], sentences) -> None:
        """Titled documents: in 《》 (《某区关于调整风险区域的通告》), and notices printed as a heading line."""
        for m in self.title_re.finditer(text):
            name = m.group(1)
            self._add(doc, m.start(), m.end(), name, self._title_kind(name), places, sentences)
            taken[m.start():m.end()] = b"\x01" * (m.end() - m.start())
        for m in self.heading_notice_re.finditer(text):
            s, e = m.span("name")
            if not any(taken[s:e]):
                name = m.group("name").replace("\n", "")  # a heading broken by a column cut
                notice = self._add(doc, s, e, name, self._title_kind(name), places, sentences,
                                   issuer=self._issuer_places(doc, text, s, places))
                taken[s:e] = b"\x01" * (e - s)
                signer = self._signer(text, e)
                if signer is not None:
                    add_relation(doc, notice, Prop.issuedBy, signer, signer.start)

    def _signer(self, text: str, after: int) -> Mention | None:
        """The organization that signs a notice printed after ``after``: its name a line of its own, the date
        the next line (某某指挥部 / 2022年11月19日), within SIGNATURE_REACH characters."""
        orgs = self._orgs
        for o in orgs[bisect_left(self._org_at, after):bisect_left(self._org_at, after + SIGNATURE_REACH)]:
            if o.end > o.start and text[o.start - 1:o.start] == "\n" and text[o.end:o.end + 1] == "\n" \
                    and self.signature_date_re.match(text, o.end + 1):
                return o
        return None

    def _issuer_places(self, doc: Doc, text: str, start: int, places: list[Mention]) -> list[Mention]:
        """The most specific place named in the two lines above a heading, where its issuer signs
        (某市某区疫情防控指挥部 / 办公室 / 关于…的通告)."""
        lo = start
        for _ in range(HEADER_LINES):
            lo = text.rfind("\n", 0, max(0, lo - 1)) + 1
        return self._most_specific(self._places(doc, lo, start, places))[-1:]

    def _most_specific(self, found: list[Mention]) -> list[Mention]:
        """The places of ``found`` that hold none of the others (宁波市海曙区 -> 海曙区), in their order."""
        keys = {p.key for p in found}
        return [p for p in found if not any(k != p.key and self.gaz.is_within(k, p.key) for k in keys)]

    def _title_kind(self, name: str) -> str:
        """A titled document's kind: a notice orders measures, a plan plans, the others guide."""
        name = self.title_edition_re.sub("", name)
        return "measure" if name.endswith(self.notice_end) else "plan" if name.endswith(self.plan_word) \
            else "guideline"

    def _add(self, doc, start, end, label, kind, places, sentences, alts=(), issuer=()) -> Mention:
        """Record a policy, its kind and the places it applies to (``issuer``: the places of who issued it,
        where its own sentence names none)."""
        label = label.strip()
        m = add_mention(doc, Mention(Class.Policy, self.key(label), label, start, end,
                                     [a for a in alts if a != label]))
        add_relation(doc, m, Prop.policyKind, kind, start)
        i = bisect_right(self._sent_at, start) - 1
        s, e = sentences[i] if i >= 0 and start < sentences[i][1] else (start, end)
        # a strategy or guideline is the speaker's line, not the places a sentence names in passing
        listed = label in self.listed
        if kind in ("strategy", "guideline"):  # a watchword is everyone's, not a place's
            targets = []
        elif listed:  # 高风险区4个：… — only the places of its list, or those its clause designates (将某村划为…)
            targets = self._targets(doc, s, e, start, end, places, listed_only=True)
            if not targets and self.designated_re.search(text_of(doc), max(0, start - 3), start):
                targets = self._targets(doc, s, e, start, end, self._with_sites)
        elif own := self._places(doc, start, start + 2, places):  # 《某区关于…的通告》: the place it names first
            targets = own[:1]
        else:
            targets = self._targets(doc, s, e, start, end, places) or list(issuer) \
                or self._paragraph_subject(doc, s, places)
        if not targets and kind not in ("strategy", "guideline") and not listed:
            info = meta(doc)
            code = None
            if info is not None:
                i = bisect_left(self._cue_at, start) - 1
                cued = i >= 0 and start - self._cue_at[i] <= CUE_REACH
                province = cued and self._cue_province[i]
                # a home worked out from the page's places is a guess: a measure goes there only where its
                # sentence speaks as that city or province (全市, 我省), not by default
                if ("province" if province else "city") not in state(doc).guessed_home or \
                        (cued and self._cue_at[i] >= s):
                    code = info.home_province if province else info.home_city
            place = self.gaz.get(code) if code else None
            if place is not None:
                pm = add_mention(doc, Mention(place.level, place.code, place.name, start, start))
                targets = [pm]
        seen = set()
        for p in targets:
            if p.key not in seen:
                seen.add(p.key)
                add_relation(doc, m, Prop.appliesTo, p, start)
        # issuedBy where the text says so: an organization that 印发 / 出台 / 发布 it in the same sentence
        text = text_of(doc)
        orgs = self._orgs
        for org in orgs[bisect_left(self._org_at, s):bisect_right(self._org_at, start)]:
            if org.end <= start and org.end > org.start and \
                    self.issue_re.search(text, org.end, start) and not re.search(r"[。；]", text[org.end:start]):
                add_relation(doc, m, Prop.issuedBy, org, start)
        return m

    def find(self, doc: Doc) -> None:
        text = text_of(doc)
        cues = [(m.start(), m.group().startswith(self.province_cue)) for m in self.jurisdiction_re.finditer(text)
                if not text.endswith(self.relayed, max(0, m.start() - 2), m.start())]
        self._cue_at = [at for at, _ in cues]
        self._cue_province = [prov for _, prov in cues]
        self._with_sites = [p for p in written_places(doc) if p.cls != Class.Country]
        places = [p for p in self._with_sites if p.cls != Class.Site]
        sentences = sentence_spans(doc)
        self._place_at = [p.start for p in places]  # places and sentences are in text order
        self._places_sorted = places
        self._sent_at = [a for a, _ in sentences]
        self._para_at = [m.end() for m in self._newline_re.finditer(text)]  # where each later paragraph starts
        self._first_clause: dict[int, int | None] = {}  # paragraph start -> where its first clause ends
        self._orgs = of_class(doc, Class.Organization)
        self._org_at = [o.start for o in self._orgs]
        # where measures are written (quoted, or the lexicon's): a part of a sentence holding one keeps its places
        known = list(self.lexicon_re.finditer(text))  # the lexicon's measures, scanned once
        self._measure_at = sorted([m.start() for m in QUOTE.finditer(text)] + [m.start() for m in known])
        taken = bytearray(len(text) + 1)
        self._titled = bytearray(len(text) + 1)  # characters inside a 《title》: its places are its own
        for m in self.title_re.finditer(text):
            self._titled[m.start():m.end()] = b"\x01" * (m.end() - m.start())
        for m in QUOTE.finditer(text):
            kind = self._quoted_kind(text, m)
            if kind is None:
                continue
            content = m.group(1)
            label, kind = self.lexicon.get(content, (content, kind))
            label, start = self._with_its_list(text, m.start(), content, label)
            self._add(doc, start, m.end(1) + 1, label, kind, places, sentences, [m.group(0)])
            taken[m.start():m.end()] = b"\x01" * (m.end() - m.start())
        self._titles(doc, text, taken, places, sentences)
        for m in (self.notice_re.finditer(text) if any(h in text for h in self.notice_hints) else ()):
            s, e = m.span("name")
            if not any(taken[s:e]):
                self._add(doc, s, e, m.group("name"), "measure", places, sentences)
                taken[s:e] = b"\x01" * (e - s)
        for m in self.plan_re.finditer(text):
            if not taken[m.start()]:
                kind = "plan" if m.group().endswith(self.plan_word) else "guideline"
                self._add(doc, m.start(), m.end(), m.group(), kind, places, sentences)
        for m in known:
            if taken[m.start()]:
                continue
            label, kind = self.lexicon[m.group()]
            self._add(doc, m.start(), m.end(), label, kind, places, sentences, [m.group()])
        for start, end, label in self._headed(text, taken):
            self._add(doc, start, end, label, "measure", places, sentences)
            taken[start:end] = b"\x01" * (end - start)
        named = bytearray(len(text) + 1)  # characters inside any mention found so far
        for other in mentions(doc):
            named[other.start:other.end] = b"\x01" * (other.end - other.start)
        for start, end, label in self._parallel(text):
            if not any(taken[start:end]) and not any(named[start:end]):
                self._add(doc, start, end, label, "measure", places, sentences)
        self._restrictions(doc, text, taken, places, sentences)
        return

    def _restrictions(self, doc: Doc, text: str, taken: bytearray, places: list[Mention], sentences) -> None:
        """Unquoted restrictions written as 非必要不… (非必要不前往中高风险地区, 非必要不聚集、不聚餐): the place
        named in one is part of it; one the lexicon knows (非必要不离开) is the lexicon's."""
        for m in self.not_necessary_re.finditer(text):
            if not any(taken[m.start():m.end()]) and not self.lexicon_re.match(text, m.start()):
                self._add(doc, m.start(), m.end(), m.group(), "measure", places, sentences)

    def _quoted_kind(self, text: str, m: re.Match) -> str | None:
        """The kind of policy a quoted phrase names (by the words after it or its own), or None."""
        content, after = m.group(1), m.group(2)
        if self.not_policy_re.search(content) or SPEECH.search(content) \
                or self.praise_re.search(text[max(0, m.start() - 3):m.start()]):
            return None
        kind = None
        for word, k in self.kind_after.items():
            if after.startswith(word):
                kind = k
        if kind is None and (after.startswith(self.measure_after) or self.looks_like_re.search(content)):
            kind = "measure"
        if kind is None and SLOGAN.fullmatch(content) and self.slogan_after_re.match(text, m.end(1) + 1) \
                and not self.not_slogan_re.search(content) and not self._place_ends(m.start(1), m.end(1)):
            kind = "guideline"  # “坚持就是胜利”重要指示, “时时放心不下”的责任感: a watchword in quotes
        return kind

    def _place_ends(self, lo: int, hi: int) -> list[int]:
        """Ends of the places written inside ``text[lo:hi]``."""
        return [p.end for p in self._places_sorted[bisect_left(self._place_at, lo):bisect_left(self._place_at, hi)]
                if p.end <= hi]

    def _headed(self, text: str, taken: bytearray) -> list[tuple[int, int, str]]:
        """Measures named by what they do before a head word (常态化防控措施, 分层分类防控措施,
        第四轮核酸检测): the modifier runs back to a clause boundary, a verb or 的, and must say something."""
        out = []
        for m in self.headed_re.finditer(text):
            if taken[m.start()] or taken[m.end() - 1]:
                continue
            start = m.start()
            while start > 0 and m.start() - start < HEAD_REACH and text[start - 1] not in self.head_stop \
                    and "\u4e00" <= text[start - 1] <= "\u9fff":
                start -= 1
            for p in self._place_ends(start, m.start()):
                start = max(start, p)  # 咸阳市实施…: the place is where, not what
            verbs = list(self.head_verb_re.finditer(text, start, m.start()))
            if len(verbs) > 1:  # 决定分类实施…: what is done starts after the clause's earlier verb
                start = verbs[-2].end()
            if verbs:
                v = verbs[-1]
                # 实施分层分类防控措施 -> after the verb; 分类实施防控措施 -> the manner keeps its verb
                start = v.end() if m.start() - v.end() >= 2 or v.start() - start < 2 else start
            modifier = text[start:m.start()]
            if len(modifier) < 2 or not self.manner_end_re.search(modifier) or self.not_manner_re.search(modifier) \
                    or any(taken[start:m.start()]):
                continue
            out.append((start, m.end(), text[start:m.end()]))
        for m in self.round_re.finditer(text):  # 第四轮核酸检测
            if not any(taken[m.start():m.end()]):
                out.append((m.start(), m.end(), m.group()))
        return out

    def _parallel(self, text: str) -> list[tuple[int, int, str]]:
        """Unquoted slogans of parallel items (see LIST_RUN): (start, end, label)."""
        out = []
        for m in LIST_RUN.finditer(text):
            chunks = m.group().split("、")
            size = len(chunks[1])
            if not 2 <= size <= 4 or any(len(c) != size for c in chunks[1:-1]) or \
                    len(chunks[0]) < size or len(chunks[-1]) < size:
                continue
            items = [chunks[0][-size:], *chunks[1:-1], chunks[-1][:size]]
            shared = {items[0][i] for i in range(size) if len({item[i] for item in items}) == 1}
            if any(item[-1] in self.not_item_end for item in items) or not shared & self.measure_chars:
                continue
            start = m.start() + len(chunks[0]) - size
            out.append((start, start + len("、".join(items)), "、".join(items)))
        return out

    def _with_its_list(self, text: str, start: int, content: str, label: str) -> tuple[str, int]:
        """A counted watchword (“三个一律”) named with the list it sums up, when that list is written right
        before it: (label, start)."""
        listed = self.listed_re.search(text, max(0, start - 40), start) if self.counted_re.match(content) else None
        if listed:
            head = listed.group(1).split("、", 1)[0]
            verbs = list(self.list_verb_re.finditer(head))
            first = listed.start(1) + (verbs[-1].end() if verbs else 0)
            if text.find("、", first) - first <= FIRST_ITEM:
                return f"{text[first:listed.end(1)]}“{content}”", first
        return label, start

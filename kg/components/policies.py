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
    text_of,
    written_places,
)
from kg.gazetteer import data_rows, gazetteer
from kg.lexicon import travel_cue
from kg.model import Mention
from kg.ns import Class, Prop

CUE_REACH = 1500  # characters back to the body or scope that speaks
CN_DIGITS = str.maketrans("一二三四五六七八九", "123456789")
QUOTE = re.compile(r"[“‘]([^“”‘’\n]{2,40})[”’]([\u4e00-\u9fff]{0,6})")
TITLE = re.compile(r"《([^《》\n]{4,40}(?:通知|通告|公告|措施|规程|方案|办法|意见|规定|公约|指南))》")
NOTICE_END = ("通告", "公告")  # a notice orders measures; a 通知, 意见 or 指南 guides
# a numbered notice named without brackets: 某市疫情防控2022年第12号通告
NOTICE = re.compile(r"(?<![\u4e00-\u9fff\d])(?:根据|按照|依据|发布|印发)?"
                    r"(?P<name>[\u4e00-\u9fff]{2,16}?(?:\d{4}年)?第[\d一二三四五六七八九十百]+号(?:通告|公告))")
# a count of measures is tried where its run of numerals starts only (tried inside the run, it
# fails the same way, once per character: quadratic on a long run of digits)
PLAN = re.compile(r"第[一二三四五六七八九十\d]+版[\u4e00-\u9fff]{0,4}方案|"
                  r"(?<![一二三四五六七八九十百\d])[一二三四五六七八九十百\d]+条[\u4e00-\u9fff]{0,4}措施")
STRATEGY_AFTER = {"总策略": "strategy", "策略": "strategy", "总方针": "guideline", "方针": "guideline",
                  "要求": "guideline", "理念": "guideline", "行动": "plan", "工程": "plan", "创建": "plan",
                  "制度": "plan"}
MEASURE_AFTER = ("防控举措", "举措", "措施", "管控", "管理", "作用", "方式", "机制", "模式", "交替检测", "集中隔离",
                 "居家隔离", "防线", "责任", "接返")
LOOKS_LIKE = re.compile(r"[+＋]|\d+[天日次检小时色条米]|[一二三四五六七八九两十]+[天日次检色条米个轨方区]|"
                        r"、|检$|管控$|管理$|隔离$|核酸$|码$|清$|线$|看$|阵地$|早$|要素$|快$")
SPEECH = re.compile(r"[。！？]$|，.{8,}")
NOT_POLICY = re.compile(r"^\d+[·•・.．]\d+$|后$|银行|企业|称号|荣誉|单位|奖|^[\u4e00-\u9fff]{1}$|感染链|变身|数字")
# a watchword quoted on its own: four to eight characters, then a clause boundary, 的 or what it is
SLOGAN = re.compile(r"[\u4e00-\u9fff]{4,8}")
SLOGAN_AFTER = re.compile(r"[，、。；）]|的|重要|精神|要求|原则|理念|上下功夫|落到实处")
NOT_SLOGAN = re.compile(r"的|材料|系统|平台|程序|项目|产品|技术|专区|热线")  # a name of a thing, not a watchword
PRAISE = re.compile(r"(荣获|获得|评为|被誉为|打造|称号)$")


ISSUE = re.compile(r"印发|出台|发布|制定|下发|颁布|推出")
# “三要素” after the list it counts (扫码、测温、戴口罩“三要素”): the list is the policy's name
COUNTED = re.compile(r"^[一二三四五六七八九十两\d]+[大个项]?要素$")
LISTED = re.compile(r"((?:[\u4e00-\u9fff]{1,8}、)+[\u4e00-\u9fff]{1,8}?)(?:疫情防控|防控|防疫)?$")
LIST_VERB = re.compile(r"落实|执行|做好|做到|坚持|抓好|强化|实行|推行|开展")
# An unquoted slogan of parallel items: three or more of the same length sharing a character in
# the same place (快道、快采、快转、快隔; 每日检、重点检、上门检; 里不出、外不进、内不动)
LIST_RUN = re.compile(r"(?<![\u4e00-\u9fff])[\u4e00-\u9fff]+(?:、[\u4e00-\u9fff]+){2,}")
NOT_ITEM_END = set("市县区村省镇乡局委厅部办院所队站")
# the shared character says what is done: test, prevent, control, isolate, clear, stay… (not 无私、无畏、无悔)
MEASURE_CHARS = set("检测查采防管控隔离清封堵阻守禁停限送转出进动聚不少快")
FIRST_ITEM = 6  # characters: a longer first item without a verb to cut at is not one item
# Who speaks decides where a measure without a written place applies: the nearest province-level
# or city-level body or scope named before it (省委…会议 / 全市), unless it is being relayed (落实省委部署).
JURISDICTION = re.compile(r"省委|省政府|省人大|省政协|全省|我省|本省|省疫情|省新冠|省长|省领导|"
                          r"市委|市政府|市人大|市政协|全市|我市|本市|市疫情|市新冠|市长|市领导")
RELAYED = ("落实", "贯彻", "按照", "根据", "传达", "及", "和")  # 落实省委部署: the province is not the speaker
ORIGIN_AFTER = re.compile(rf"[\u4e00-\u9fff]{{0,3}}?(?:{travel_cue()}|籍|来返|入返|等地|等省)")
ORIGIN_BEFORE = re.compile(r"(?:从|自|赴|去|离开|来自)$")


def policy_key(name: str) -> str:
    key = re.sub(r"[“”‘’\"'《》\s]", "", name).translate(CN_DIGITS)
    key = re.sub(r"(\d)日", r"\1天", key)
    return key


CLAUSE = "，；：。！？"  # what ends a clause
# a measure named by its head word, the modifier before it saying which (常态化防控措施, 第四轮核酸检测)
HEADED = re.compile(r"防控措施|管控措施")
# the modifier says how (常态化, 分层分类, 分级动态实施社会面), not who or what (人员, 测温等, 各项疫情)
MANNER_END = re.compile(r"(?:[化类级层面态施准]|社区)$")
NOT_MANNER = re.compile(r"[各等]|疫情|人员|场所|解除|部分|督促|责令|完成")
ROUND = re.compile(r"第[\d一二三四五六七八九十]+轮(?:全员)?核酸(?:检测|筛查)")
HEAD_REACH = 10
HEAD_STOP = set("，。；：、！？“”‘’（）《》 的和与及在对内\n")
HEAD_VERB = re.compile(r"开展|实施|落实|执行|采取|调整|优化|出台|制定|加强|启动|进行|决定|宣布|要求")
AREA_LIST = re.compile(r"[\d一二三四五六七八九十百]*(?:个|处)?[：:]")  # 高风险区4个：… lists the places


@Language.factory("kg_policies", requires=["doc._.kg_sents", "doc._.kg_places", "doc._.kg_orgs", "doc._.kg_meta"],
                  assigns=["doc._.kg_mentions", "doc._.kg_relations", "doc._.kg_policies"])
class PolicyRecognizer(KgComponent):
    kind = "kg_policies"

    def __init__(self, nlp: Language, name: str) -> None:
        self.name = name
        self.gaz = gazetteer()
        self.lexicon: dict[str, tuple[str, str]] = {}
        self.listed: set[str] = set()  # labels that apply only to the places listed after them
        for row in data_rows("policy_lexicon.tsv"):
            label, kind = row[0], row[1]
            if len(row) > 3 and row[3] == "listed":
                self.listed.add(label)
            variants = [label] + [v for v in (row[2] if len(row) > 2 else "").split("|") if v]
            for v in variants:
                self.lexicon[v] = (label, kind)
        self.lexicon_re = re.compile("|".join(re.escape(v) for v in sorted(self.lexicon, key=len, reverse=True)))

    def _places(self, doc: Doc, start: int, end: int, places: list[Mention]) -> list[Mention]:
        """The places of the sentence where a policy is applied: not those people come from (西安返京, 成都来蓉)."""
        text = text_of(doc)
        at = self._place_at
        return [p for p in places[bisect_left(at, start):bisect_left(at, end)] if p.end > p.start
                and not ORIGIN_AFTER.match(text, p.end)
                and not ORIGIN_BEFORE.search(text, max(0, p.start - 2), p.start)]

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
        listed = AREA_LIST.match(text, end)
        if listed:  # 高风险区4个：A镇B村、C小区；… — the list after the colon
            stops = [i for p in "；。" if (i := text.find(p, listed.end(), e)) != -1]
            found = self._places(doc, listed.end(), min(stops) if stops else e, places)
        if not listed_only:
            found = found or self._places(doc, c_start, c_end, places) or self._places(doc, s, start, places)
        keys = {p.key for p in found}
        starts = {p.start for p in found}
        return [p for p in found if p.end not in starts  # 某镇东风村: the village, not its township
                and not any(k != p.key and self.gaz.is_within(k, p.key) for k in keys)]

    def _paragraph_subject(self, doc: Doc, s: int, places: list[Mention]) -> list[Mention]:
        """The places a paragraph opens with, as the subject of its first clause (某县、某区等3个县区，实施…;
        某区继续保持…): where the measures of its later sentences apply, when they name no place."""
        text = text_of(doc)
        p_start = text.rfind("\n", 0, s) + 1
        if p_start == 0:  # the page's first paragraph: its subject is the page's, not a paragraph's
            return []
        ends = [i for c in CLAUSE if (i := text.find(c, p_start, s)) != -1]
        if not ends:
            return []
        return self._targets(doc, p_start, min(ends), p_start, p_start, places)

    def _add(self, doc, start, end, label, kind, places, sentences, alts=()):
        label = label.strip()
        m = add_mention(doc, Mention(Class.Policy, policy_key(label), label, start, end,
                                     [a for a in alts if a != label]))
        add_relation(doc, m, Prop.policyKind, kind, start)
        i = bisect_right(self._sent_at, start) - 1
        s, e = sentences[i] if i >= 0 and start < sentences[i][1] else (start, end)
        # a strategy or guideline is the speaker's line, not the places a sentence names in passing
        listed = label in self.listed
        if kind in ("strategy", "guideline"):  # a watchword is everyone's, not a place's
            targets = []
        elif listed:  # 高风险区4个：… — only the places of its list
            targets = self._targets(doc, s, e, start, end, places, listed_only=True)
        elif own := self._places(doc, start, start + 2, places):  # 《某区关于…的通告》: the place it names first
            targets = own[:1]
        else:
            targets = self._targets(doc, s, e, start, end, places) or self._paragraph_subject(doc, s, places)
        if not targets and kind not in ("strategy", "guideline") and not listed:
            info = meta(doc)
            code = None
            if info is not None:
                i = bisect_left(self._cue_at, start) - 1
                province = i >= 0 and start - self._cue_at[i] <= CUE_REACH and self._cue_province[i]
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
                    ISSUE.search(text, org.end, start) and not re.search(r"[。；]", text[org.end:start]):
                add_relation(doc, m, Prop.issuedBy, org, start)

    def find(self, doc: Doc) -> None:
        text = text_of(doc)
        cues = [(m.start(), m.group().startswith(("省", "全省", "我省", "本省"))) for m in JURISDICTION.finditer(text)
                if not text.endswith(RELAYED, max(0, m.start() - 2), m.start())]
        self._cue_at = [at for at, _ in cues]
        self._cue_province = [prov for _, prov in cues]
        places = [p for p in written_places(doc) if p.cls not in (Class.Country, Class.Site)]
        sentences = sentence_spans(doc)
        self._place_at = [p.start for p in places]  # places and sentences are in text order
        self._places_sorted = places
        self._sent_at = [a for a, _ in sentences]
        self._orgs = of_class(doc, Class.Organization)
        self._org_at = [o.start for o in self._orgs]
        taken = bytearray(len(text) + 1)
        for m in QUOTE.finditer(text):
            kind = self._quoted_kind(text, m)
            if kind is None:
                continue
            content = m.group(1)
            label, kind = self.lexicon.get(content, (content, kind))
            label, start = _with_its_list(text, m.start(), content, label)
            self._add(doc, start, m.end(1) + 1, label, kind, places, sentences, [m.group(0)])
            taken[m.start():m.end()] = b"\x01" * (m.end() - m.start())
        for m in TITLE.finditer(text):
            name = m.group(1)
            kind = "measure" if name.endswith(NOTICE_END) else "plan" if name.endswith("方案") else "guideline"
            self._add(doc, m.start(), m.end(), name, kind, places, sentences)
            taken[m.start():m.end()] = b"\x01" * (m.end() - m.start())
        for m in (NOTICE.finditer(text) if "号通告" in text or "号公告" in text else ()):
            s, e = m.span("name")
            if not any(taken[s:e]):
                self._add(doc, s, e, m.group("name"), "measure", places, sentences)
                taken[s:e] = b"\x01" * (e - s)
        for m in PLAN.finditer(text):
            if not taken[m.start()]:
                kind = "plan" if m.group().endswith("方案") else "guideline"
                self._add(doc, m.start(), m.end(), m.group(), kind, places, sentences)
        for m in self.lexicon_re.finditer(text):
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
        return

    def _quoted_kind(self, text: str, m: re.Match) -> str | None:
        """The kind of policy a quoted phrase names (by the words after it or its own), or None."""
        content, after = m.group(1), m.group(2)
        if NOT_POLICY.search(content) or SPEECH.search(content) \
                or PRAISE.search(text[max(0, m.start() - 3):m.start()]):
            return None
        kind = None
        for word, k in STRATEGY_AFTER.items():
            if after.startswith(word):
                kind = k
        if kind is None and (after.startswith(MEASURE_AFTER) or LOOKS_LIKE.search(content)):
            kind = "measure"
        if kind is None and SLOGAN.fullmatch(content) and SLOGAN_AFTER.match(text, m.end(1) + 1) \
                and not NOT_SLOGAN.search(content) and not self._place_ends(m.start(1), m.end(1)):
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
        for m in HEADED.finditer(text):
            if taken[m.start()] or taken[m.end() - 1]:
                continue
            start = m.start()
            while start > 0 and m.start() - start < HEAD_REACH and text[start - 1] not in HEAD_STOP \
                    and "\u4e00" <= text[start - 1] <= "\u9fff":
                start -= 1
            for p in self._place_ends(start, m.start()):
                start = max(start, p)  # 咸阳市实施…: the place is where, not what
            verbs = list(HEAD_VERB.finditer(text, start, m.start()))
            if len(verbs) > 1:  # 决定分类实施…: what is done starts after the clause's earlier verb
                start = verbs[-2].end()
            if verbs:
                v = verbs[-1]
                # 实施分层分类防控措施 -> after the verb; 分类实施防控措施 -> the manner keeps its verb
                start = v.end() if m.start() - v.end() >= 2 or v.start() - start < 2 else start
            modifier = text[start:m.start()]
            if len(modifier) < 2 or not MANNER_END.search(modifier) or NOT_MANNER.search(modifier) \
                    or any(taken[start:m.start()]):
                continue
            out.append((start, m.end(), text[start:m.end()]))
        for m in ROUND.finditer(text):  # 第四轮核酸检测
            if not any(taken[m.start():m.end()]):
                out.append((m.start(), m.end(), m.group()))
        return out

    @staticmethod
    def _parallel(text: str) -> list[tuple[int, int, str]]:
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
            if any(item[-1] in NOT_ITEM_END for item in items) or not shared & MEASURE_CHARS:
                continue
            start = m.start() + len(chunks[0]) - size
            out.append((start, start + len("、".join(items)), "、".join(items)))
        return out


def _with_its_list(text: str, start: int, content: str, label: str) -> tuple[str, int]:
    """A counted watchword (“三个一律”) named with the list it sums up, when that list is written right
    before it: (label, start)."""
    listed = LISTED.search(text, max(0, start - 40), start) if COUNTED.match(content) else None
    if listed:
        head = listed.group(1).split("、", 1)[0]
        verbs = list(LIST_VERB.finditer(head))
        first = listed.start(1) + (verbs[-1].end() if verbs else 0)
        if text.find("、", first) - first <= FIRST_ITEM:
            return f"{text[first:listed.end(1)]}“{content}”", first
    return label, start

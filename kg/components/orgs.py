"""kg_orgs: organizations — party committees, governments, leading groups, departments, companies.

Shapes come from data (``org_patterns.tsv``, ``org_suffixes.tsv``). A leading
省 / 市 / 区 / 县 is resolved to the place it means (the place written right
before it, else the page's home province or city), so 省委 on a Shanxi page is
中共山西省委 and 市委 on a Taiyuan page is 中共太原市委. Each organization gets
``jurisdiction`` to that place.
"""

from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc

from kg.components.base import add_mention, add_relation, meta, of_class, text_of, written_places
from kg.gazetteer import data_rows, gazetteer
from kg.model import Mention

SCOPE_LEVEL = {"省": "Province", "市": "City", "区": "County", "县": "County"}
BREAK = set("的在对和与及由向为将把从到经据是了被让给使请并或等、，。；：！？“”‘’（）()《》「」 \n\t\u3000")
BAD_START = set("各全该本每这那其个一二三四五六七八九十多几有和与及等了是为在对将把向被从到由以")
VARIANT = re.compile("新冠肺炎")
# Words that make a suffix generic rather than a name: 定点医院, 方舱医院, 先进党支部, 合作银行
GENERIC_STEM = re.compile(r"^(?:定点|方舱|先进|伙伴|合作|贴心|理财|商业|商场|各级|基层|临时|当地|属地|相关|有关|上级|下属)")
# Words that end the run before an organization's name: verbs, ordinals, quantities.
CUT = re.compile(r"召开|主持|举行|成立|转至|转运至|启用|贡献|公布|部分|参加的|全国|下属|暨|已|均|各|传达|学习|贯彻|落实|"
                 r"第[0-9一二三四五六七八九十百]+[次届]|[0-9]+[日月年号次家个名]|[0-9]+多家")


def org_key(name: str) -> str:
    """Names that differ only by 新冠肺炎 (省新冠肺炎疫情防控工作领导小组) are one organization."""
    return VARIANT.sub("", name)


@Language.factory("kg_orgs")
class OrgRecognizer:
    def __init__(self, nlp: Language, name: str) -> None:
        self.name = name
        self.gaz = gazetteer()
        rows = data_rows("org_patterns.tsv")
        fixed = sorted(((r[1], r[2]) for r in rows if r[0] == "fixed"), key=lambda r: -len(r[0]))
        self.fixed = dict(fixed)
        self.fixed_re = re.compile("|".join(re.escape(f) for f, _ in fixed))
        scoped = sorted(((r[1], r[2]) for r in rows if r[0] == "scoped"), key=lambda r: -len(r[0]))
        self.scoped = [(re.compile(re.escape(p).replace(re.escape("{P}"), "(?P<p>[省市区县])")), c) for p, c in scoped]
        suffixes = sorted(data_rows("org_suffixes.tsv"), key=lambda r: -len(r[0]))
        self.suffix_kind = {r[0]: (r[1], int(r[2])) for r in suffixes}
        alternation = "|".join(re.escape(r[0]) for r in suffixes)
        self.suffix_re = re.compile(rf"(?:{alternation})")

    def _scope_place(self, doc: Doc, scope: str, at: int, places: list[Mention]):
        """The place a leading 省/市/区/县 at ``at`` stands for, as (Place, start of its written name)."""
        level = SCOPE_LEVEL[scope]
        for m in places:
            if m.end == at + 1 and m.cls == level and text_of(doc)[m.start:m.end].endswith(scope):
                return self.gaz.get(m.key), m.start
            if m.end == at and m.cls in (level, "County", "City"):
                return self.gaz.get(m.key), m.start
        info = meta(doc)
        code = None
        if info is not None:
            code = {"Province": info.home_province, "City": info.home_city}.get(level)
        if code is None:
            before = [m for m in places if m.end <= at and m.cls == level]
            code = before[-1].key if before else None
        return (self.gaz.get(code), at) if code else (None, at)

    def _add(self, doc: Doc, start: int, end: int, canonical: str, place, kind: str, seen: set) -> None:
        if (start, end) in seen or not canonical:
            return
        seen.add((start, end))
        surface = text_of(doc)[start:end]
        # 市委 / 省政府 are names only on their own page: never an alias of the entity
        alts = [surface] if surface != canonical and (place is None or place.name[:2] in surface
                                                      or len(surface) >= 4) else []
        m = add_mention(doc, Mention("Organization", org_key(canonical), canonical, start, end, alts,
                                     {"kind": kind}))
        if place is not None:
            pm = Mention({"Province": "Province", "City": "City", "County": "County",
                          "Country": "Country"}.get(place.level, "Township"), place.code, place.name, start, start)
            add_mention(doc, pm)
            add_relation(doc, m, "jurisdiction", pm, start)

    def __call__(self, doc: Doc) -> Doc:
        text = text_of(doc)
        places = [m for m in written_places(doc) if m.key.isdigit()]
        local = [m for m in of_class(doc, "Township", "Community") if m.end > m.start]
        seen: set[tuple[int, int]] = set()
        taken = bytearray(len(text) + 1)
        for m in self.fixed_re.finditer(text):
            self._add(doc, m.start(), m.end(), self.fixed[m.group()], None, "fixed", seen)
            taken[m.start():m.end()] = b"\x01" * (m.end() - m.start())
        for rx, canonical in self.scoped:
            for m in rx.finditer(text):
                if taken[m.start()]:
                    continue
                place, start = self._scope_place(doc, m.group("p"), m.start("p"), places)
                if place is None:
                    continue
                name = canonical.replace("{P}", place.name)
                self._add(doc, start, m.end(), name, place, "scoped", seen)
                taken[m.start():m.end()] = b"\x01" * (m.end() - m.start())
        for m in self.suffix_re.finditer(text):
            if taken[m.start()] and taken[m.end() - 1]:
                continue
            kind, max_before = self.suffix_kind[m.group()]
            end = m.end()
            k = m.start()
            start = k
            while start > 0 and k - start < max_before and text[start - 1] not in BREAK:
                start -= 1
            # a run longer than the suffix allows is the tail of some longer word (股份制商业银行)
            open_ended = start > 0 and text[start - 1] not in BREAK
            cut = None
            for c in CUT.finditer(text, start, k):
                cut = c.end()
            if cut is not None:
                start = cut
            prefix_place = None
            for p in places:  # a place written inside the window starts the name
                if start <= p.start < k and (prefix_place is None or p.start < prefix_place.start):
                    prefix_place = p
            for p in local:  # a village or community right before: the name starts there (村党总支)
                if start <= p.start < k and p.end <= k and (prefix_place is None or p.start > prefix_place.start):
                    prefix_place, start = None, p.start
            if prefix_place is not None:
                start = prefix_place.start
            elif open_ended and cut is None and start not in {p.start for p in local}:
                continue
            name = text[start:end]
            if GENERIC_STEM.match(name) and prefix_place is None:
                continue
            if len(m.group()) == 1 and (text[end:end + 1] in "部面势限长内外" or
                                        (prefix_place is not None and prefix_place.end == k)):
                continue  # 局部, 局面; 山西省局 is no name
            if len(name) - len(m.group()) < (1 if name[0] in SCOPE_LEVEL else 2) or name[0] in BAD_START or not re.fullmatch(r"[\u4e00-\u9fff0-9A-Za-z]+", name):
                continue
            place = self.gaz.get(prefix_place.key) if prefix_place is not None else None
            canonical = name
            if place is None and name[0] in SCOPE_LEVEL:
                place, _ = self._scope_place(doc, name[0], start, places)
                if place is not None:
                    canonical = place.name + name[1:]
            elif place is not None and kind not in ("company", "media", "other", "hospital"):
                # 山西省委办公厅 and 山西省…厅 are one department: governments' bodies take the full place name
                written = text[prefix_place.start:prefix_place.end]
                canonical = place.name + name[len(written):] if written != place.name and \
                    place.level in ("Province", "City") else name
            self._add(doc, start, end, canonical, place, kind, seen)
            taken[start:end] = b"\x01" * (end - start)
        return doc

"""kg_orgs: organizations — party committees, governments, leading groups, departments, companies.

Shapes come from data (``org_patterns.tsv``, ``org_suffixes.tsv``). A leading
省 / 市 / 区 / 县 is resolved to the place it means (the place written right
before it, else the page's home province or city), so 省委 on a Shanxi page is
中共山西省委 and 市委 on a Taiyuan page is 中共太原市委. Each organization gets
``jurisdiction`` to that place.

The left edge of a suffix-shaped name (…医院, …有限公司, …局) is the nearest of: a
break (punctuation, a function word), a place written inside the window, an
organization written right before it (a unit of it: 某大学 + 某研究院 is one name,
but a party branch starts its own name), or a cut word (召开, 第N次 …). Within a
page, a bare name that is the tail of a fuller one (兴泰村镇银行 after
太谷兴泰村镇银行) and a company's short form (某某科技 for 山西某某科技股份有限公司)
take the fuller name.
"""

from __future__ import annotations

import re
from bisect import bisect_left, insort
from dataclasses import dataclass
from functools import cache

from spacy.language import Language
from spacy.tokens import Doc

from kg.components.base import KgComponent, add_mention, add_relation, meta, of_class, text_of, written_places
from kg.gazetteer import Place, data_rows, gazetteer
from kg.lexicon import Lexicon, charset, pattern
from kg.model import Mention
from kg.ns import Class, Prop

NEAR = 60  # how far from a name's window an organization may touch its left edge


@cache
def _variant() -> re.Pattern:
    return pattern("orgs", "name_variant")


def org_key(name: str) -> str:
    """Names that differ only by 新冠肺炎 (省新冠肺炎疫情防控工作领导小组) are one organization."""
    return _variant().sub("", name)


@dataclass
class _Cand:
    start: int
    end: int
    canonical: str
    place: Place | None
    kind: str
    short: str = ""  # the name with a county's own name only (中共太谷区委 for 中共晋中市太谷区委)


@Language.factory("kg_orgs", requires=["doc._.kg_places", "doc._.kg_meta"],
                  assigns=["doc._.kg_mentions", "doc._.kg_relations", "doc._.kg_orgs", "doc._.kg_places"],
                  default_config={"lexicon": {}})
class OrgRecognizer(KgComponent):
    kind = "kg_orgs"

    def __init__(self, nlp: Language, name: str, lexicon: dict[str, str] | None = None) -> None:
        self.name = name
        self.gaz = gazetteer()
        self._read_lexicon(lexicon)
        rows = data_rows("org_patterns.tsv")

        def kind(k):
            return [(r[1], r[2] if len(r) > 2 else "") for r in rows if r[0] == k]

        fixed = sorted(kind("fixed"), key=lambda r: -len(r[0]))
        self.fixed = dict(fixed)
        self.fixed_re = re.compile("|".join(re.escape(f) for f, _ in fixed))
        scoped = sorted(kind("scoped"), key=lambda r: -len(r[0]))
        # one pass for all scoped names (each is {P} + a fixed tail; the longest tail wins where several match)
        self.scoped_tail = {p.replace("{P}", "", 1): c for p, c in scoped}
        tails = sorted(self.scoped_tail, key=len, reverse=True)
        self.scoped_re = re.compile(f"(?P<p>{self.lex['scope_char']})(?P<tail>" + "|".join(map(re.escape, tails)) + ")")
        self.prefixes = sorted((p for p, _ in kind("prefix")), key=len, reverse=True)
        self.abbrev = sorted(kind("abbrev"), key=lambda r: -len(r[0]))
        self.notname = tuple(p for p, _ in kind("notname"))
        generic = [p for p, _ in kind("generic")]
        self.generic_re = re.compile("^(?:" + "|".join(map(re.escape, generic)) + ")") if generic else None
        suffixes = sorted(data_rows("org_suffixes.tsv"), key=lambda r: -len(r[0]))
        self.suffix_kind = {r[0]: (r[1], int(r[2])) for r in suffixes}
        alternation = "|".join(re.escape(r[0]) for r in suffixes)
        self.suffix_re = re.compile(rf"(?:{alternation})")

    def _read_lexicon(self, lexicon: dict[str, str] | None) -> None:
        """The vocabulary of ``lex/orgs.tsv`` and ``lex/common.tsv``, as sets and compiled patterns."""
        self.lex = lex = Lexicon("orgs", lexicon)
        levels = (("province_scope", Class.Province), ("city_scope", Class.City), ("county_scope", Class.County))
        self.scope_level = {c: cls for key, cls in levels for c in lex.chars(key)}
        self.province_scope = lex.chars("province_scope")
        self.autonomous = lex["autonomous_region"]
        self.autonomous_only = re.compile(lex["autonomous_only"])
        self.keeps_scope = re.compile(lex["keeps_scope"])
        self.breaks = set(charset("common", "name_break"))
        self.joined = set(lex["joined_word"].split("|"))  # two-character words holding a break (经济, 数据)
        self.bad_start = set(lex.chars("bad_start"))
        self.variant = _variant()
        self.generic_stem = re.compile(lex["generic_stem"])
        self.cut = re.compile(lex["cut"])
        self.legal = re.compile(lex["legal_form"])
        self.credit_re = re.compile(lex["credit"])
        self.credit_not = re.compile(lex["credit_not"])
        self.media_title_re = re.compile(lex["media_title"])
        self.office_re = re.compile(lex["address_office"] + "$")
        self.dept_list_re = re.compile(lex["dept_list"])
        self.dept_unit_province = lex["dept_unit_province"].split("|")
        self.dept_unit_local = lex["dept_unit_local"].split("|")
        self.list_sep = lex["list_sep"]
        self.title_after = frozenset(lex.chars("title_after_suffix"))
        self.word_after = lex.chars("word_after_suffix")  # a str: the end of the text ("") is in it too

    def _scope_of(self, doc: Doc, m: re.Match, canonical: str) -> tuple[str, int] | None:
        """The scope character a scoped name's match stands for, and where its place is written: 自治区 is the
        province's (自治区人民政府); a name only a region takes (党委) needs 自治区, or a region's page."""
        text = text_of(doc)
        scope, at = m.group("p"), m.start("p")
        back = len(self.autonomous) - 1
        if at >= back and text.startswith(self.autonomous, at - back):
            return self.province_scope, at - back
        if self.autonomous_only.search(canonical):
            # 区党委 on a region's page is the region's (社区党委, 某某区党委 are a community's, a district's)
            written = bool(self._by_end.get(at + 1)) or (at > 0 and text[at - 1] not in self.breaks)
            return (self.province_scope, at) if self._autonomous_home(doc) and not written else None
        return scope, at

    def _autonomous_home(self, doc: Doc) -> bool:
        """Is the page's home province an autonomous region (where 区党委 is the region's party committee)?"""
        info = meta(doc)
        home = self.gaz.get(info.home_province) if info is not None and info.home_province else None
        return home is not None and home.name.endswith(self.autonomous)

    def _scope_place(self, doc: Doc, scope: str, at: int, places: list[Mention]):
        """The place a leading 省/市/区/县 at ``at`` stands for, as (Place, start of its written name)."""
        level = self.scope_level[scope]
        ending = self._by_end.get(at + 1, []) + self._by_end.get(at, [])  # what the loop below can take
        for _, m in sorted(ending, key=lambda x: x[0]):
            # the place written with the scope as its last character; a county-level city's 市 is its own (介休市委)
            if m.end == at + 1 and m.cls in (level, Class.County) and text_of(doc)[m.start:m.end].endswith(scope):
                return self.gaz.get(m.key), m.start
            if m.end == at and m.cls in (level, Class.County, Class.City):
                return self.gaz.get(m.key), m.start
        info = meta(doc)
        code = None
        if info is not None:
            code = {Class.Province: info.home_province, Class.City: info.home_city}.get(level)
        if code is None:
            of_level = self._by_level.get(level, [])  # the last place of the level that ends by ``at``
            i = bisect_left(of_level, at, key=lambda m: m.start)
            while i > 0 and of_level[i - 1].end > at:
                i -= 1
            code = of_level[i - 1].key if i else None
        if code is None and level == Class.County:
            # 区委 / 县政府 on a page about one district or county: that one
            named = self._counties.get(scope, set())
            code = next(iter(named)) if len(named) == 1 else None
        return (self.gaz.get(code), at) if code else (None, at)

    def _listed_departments(self, doc: Doc, text: str, places: list[Mention], taken: bytearray) -> list[_Cand]:
        """Departments listed after one scope (市教育、商务、应急管理等部门): each stem is the department of
        the scope's place that a scoped name with the stem and its level's unit word names (教育局)."""
        out = []
        for m in self.dept_list_re.finditer(text):
            scope, at = m.group("p"), m.start("p")
            units = self.dept_unit_province if self.scope_level[scope] == Class.Province else self.dept_unit_local
            place = None
            pos = m.start("items")
            for item in m.group("items").split(self.list_sep):
                s, e = pos, pos + len(item)
                pos = e + len(self.list_sep)
                canonical = next((self.scoped_tail[item + u] for u in units if item + u in self.scoped_tail), None)
                if canonical is None or any(taken[s:e]):
                    continue
                if place is None:
                    place, _ = self._scope_place(doc, scope, at, places)
                    if place is None:
                        break
                start = at if s == m.start("items") else s  # the first stem holds the scope: 市教育
                out.append(self._scoped(start, e, canonical, place, "department"))
                taken[start:e] = b"\x01" * (e - start)
        return out

    def _scoped(self, start: int, end: int, canonical: str, place, kind: str) -> _Cand:
        """The candidate of a scoped name (``canonical`` holds ``{P}``) whose scope stands for ``place``."""
        full = self._full_name(place)
        short = canonical.replace("{P}", place.name) if full != place.name else ""
        return _Cand(start, end, canonical.replace("{P}", full), place, kind, short)

    def _full_name(self, place) -> str:
        """A county's name with its city's before it (南宁市青秀区): county names repeat across China."""
        parent = self.gaz.get(place.parent) if place.level == Class.County and place.parent else None
        return parent.name + place.name if parent is not None and parent.level == Class.City else place.name

    def _expand(self, name: str) -> str:
        for short, full in self.abbrev:
            if name.endswith(short) and len(name) > len(short):
                return name[:-len(short)] + full
        return name

    def _add(self, doc: Doc, c: _Cand) -> None:
        surface = text_of(doc)[c.start:c.end]
        place = c.place
        # 市委 / 省政府 are names only on their own page: never an alias of the entity
        alts = [surface] if surface != c.canonical and (place is None or place.name[:2] in surface
                                                        or len(surface) >= 4) else []
        if c.short and c.short not in alts:
            alts.append(c.short)
        key = self.variant.sub("", c.canonical)  # org_key
        m = add_mention(doc, Mention(Class.Organization, key, c.canonical, c.start, c.end, alts, {"kind": c.kind}))
        if place is not None:
            above = (Class.Country, Class.Province, Class.City, Class.County)
            cls = place.level if place.level in above else Class.Township
            pm = Mention(cls, place.code, place.name, c.start, c.start)
            add_mention(doc, pm)
            add_relation(doc, m, Prop.jurisdiction, pm, c.start)

    def _left_edge(self, text: str, k: int, max_before: int) -> int:
        start = k
        breaks, joined = self.breaks, self.joined
        while start > 0 and k - start < max_before and (text[start - 1] not in breaks
                                                         or text[start - 1:start + 1] in joined
                                                         or text[start - 2:start] in joined):
            start -= 1
        return start

    def find(self, doc: Doc) -> None:
        text = text_of(doc)
        places = [m for m in written_places(doc) if m.key.isdigit()]
        local = [m for m in of_class(doc, Class.Township, Class.Community) if m.end > m.start]
        self._place_at = [m.start for m in places]  # both in text order: slices by start replace scans
        self._local_at = [m.start for m in local]
        self._by_end: dict[int, list[tuple[int, Mention]]] = {}
        self._by_level: dict[str, list[Mention]] = {}
        for i, p in enumerate(places):
            self._by_end.setdefault(p.end, []).append((i, p))
            self._by_level.setdefault(p.cls, []).append(p)
        self._counties: dict[str, set[str]] = {}  # 区 / 县 -> the districts / counties the page names
        for p in self._by_level.get(Class.County, []):
            self._counties.setdefault(p.label[-1], set()).add(p.key)
        cands: list[_Cand] = []
        taken = bytearray(len(text) + 1)
        for m in self.fixed_re.finditer(text):
            cands.append(_Cand(m.start(), m.end(), self.fixed[m.group()], None, "fixed"))
            taken[m.start():m.end()] = b"\x01" * (m.end() - m.start())
        for m in [*self.credit_re.finditer(text), *self.media_title_re.finditer(text)]:
            # 来源：某某网, 《某某报》记者: the medium, whatever its name's shape
            s, e = m.span("name")
            if not any(taken[s:e]) and not self.credit_not.match(m.group("name")):
                cands.append(_Cand(s, e, m.group("name"), None, "media"))
                taken[s:e] = b"\x01" * (e - s)
        for m in self.scoped_re.finditer(text):
            canonical = self.scoped_tail[m.group("tail")]
            if not taken[m.start()]:
                scoped = self._scope_of(doc, m, canonical)
                if scoped is None:
                    continue
                place, start = self._scope_place(doc, *scoped, places)
                if place is None:
                    continue
                # a party committee or government keeps its scope in a title (省委书记); a department does not
                kind = "scoped" if self.keeps_scope.search(canonical) else "department"
                cands.append(self._scoped(start, m.end(), canonical, place, kind))
                taken[m.start():m.end()] = b"\x01" * (m.end() - m.start())
        cands += self._listed_departments(doc, text, places, taken)
        self._cand_ends = sorted((c.end, i) for i, c in enumerate(cands))  # to find the candidates near a name
        for m in self.suffix_re.finditer(text):
            if taken[m.start()] and taken[m.end() - 1]:
                continue
            c = self._suffix_name(doc, m, places, local, cands)
            if c is not None:
                insort(self._cand_ends, (c.end, len(cands)))
                cands.append(c)
                taken[c.start:c.end] = b"\x01" * (c.end - c.start)
        cands += self._short_forms(text, cands, taken)
        # a name inside a longer one (澳门大学 in 澳门大学某研发中心) is part of it
        # 某街道办事处某小区: an address, the office's name is not the organization's mention there (but
        # 某街道办事处某社区党支部 names the office, the community and its party branch)
        place_starts = {m.start for m in written_places(doc, Class.Site) if m.end > m.start}
        cands = [c for c in cands if not (self.office_re.search(text, c.start, c.end) and c.end in place_starts)]
        kept = self.kept(cands)
        self._fuller_names(kept)
        for c in kept:
            self._add(doc, c)
        return

    @staticmethod
    def kept(cands: list[_Cand]) -> list[_Cand]:
        """The candidates in text order, without those inside a longer one and repeats of a span."""
        kept: list[_Cand] = []
        kept_spans: set[tuple[int, int]] = set()
        reach = before = -1  # the furthest end of the spans sorted before c's, and before the last span
        last = (-1, -1)
        for c in sorted(cands, key=lambda c: (c.start, -c.end)):
            if (c.start, c.end) != last:  # every span sorted before c's that ends at or after c contains it
                before, last = reach, (c.start, c.end)
            reach = max(reach, c.end)
            if before >= c.end or last in kept_spans:
                continue
            kept_spans.add(last)
            kept.append(c)
        return kept

    def _suffix_name(self, doc: Doc, m, places, local, cands) -> _Cand | None:
        """The organization whose name ends with the suffix ``m`` (局, 委员会, 医院…), or None."""
        text = text_of(doc)
        kind, max_before = self.suffix_kind[m.group()]
        party = kind == "party-committee"
        end, k = m.end(), m.start()
        if len(m.group()) == 1 and text[end:end + 1] in self.title_after:
            return None  # 副局长, 厅长: a title, not a body
        start, prefix_place, cut, open_ended = self._name_start(text, k, max_before, places, local, party)
        joined, start, open_ended = self._joined(cands, start, k, party, open_ended)
        if joined is None and prefix_place is None and open_ended and cut is None \
                and start not in {p.start for p in local}:
            return None
        name = text[start:end]
        if joined is not None:
            stem = name[joined.end - start:]
            if not stem or not re.fullmatch(r"[\u4e00-\u9fff0-9A-Za-z]+", stem):
                return None
            return _Cand(start, end, joined.canonical + stem, joined.place, kind)
        if not self._looks_like_a_name(text, name, m, prefix_place):
            return None
        return self._named_candidate(doc, name, start, end, kind, prefix_place, places)

    def _name_start(self, text: str, k: int, max_before: int, places: list[Mention], local: list[Mention],
                    party: bool) -> tuple[int, Mention | None, int | None, bool]:
        """Where a name ending at ``k`` starts: (start, the place that starts it, where a cut word ends,
        whether the run goes on before it)."""
        start = self._left_edge(text, k, max_before)
        i = bisect_left(self._place_at, start) - 1  # a place name holding a break character (乌鲁木齐, 呼和浩特)
        if i >= 0 and places[i].start < start < places[i].end <= k:
            start = places[i].start
        # a run longer than the suffix allows is the tail of some longer word (股份制商业银行)
        open_ended = start > 0 and text[start - 1] not in self.breaks
        cut = None
        for c in self.cut.finditer(text, start, k):
            cut = c.end()
        if cut is not None:
            start = cut
        prefix_place = None
        at = self._place_at
        for p in places[bisect_left(at, start):bisect_left(at, k)]:  # a place inside the window starts the name
            if prefix_place is None or p.start < prefix_place.start:
                prefix_place = p
        for p in local[bisect_left(self._local_at, start):bisect_left(self._local_at, k)]:
            # a village or community right before: the name starts there (村党总支)
            if p.end <= k and (prefix_place is None or p.start > prefix_place.start):
                prefix_place, start = None, p.start
                if not party:  # 小店区某街道办事处: the district written before belongs to it
                    start = self._first_of_run(start)
        if prefix_place is not None:
            start = prefix_place.start
            for pre in self.prefixes:  # 国网 + 太原 + 供电公司
                if text.startswith(pre, start - len(pre)) and (start - len(pre) == 0 or
                                                                text[start - len(pre) - 1] in self.breaks):
                    start -= len(pre)
                    break
        return start, prefix_place, cut, open_ended

    def _first_of_run(self, start: int) -> int:
        """The start of the places written one right after another and ending at ``start``."""
        while True:
            before = [q for _, q in self._by_end.get(start, ()) if q.start < start]
            if not before:
                return start
            start = before[0].start

    def _joined(self, cands: list[_Cand], start: int, k: int, party: bool,
                open_ended: bool) -> tuple[_Cand | None, int, bool]:
        """An organization written right before or across the left edge: (it, the new start, open_ended)."""
        joined = None
        for o in self._near(cands, start, k):
            abuts = o.end == start or (o.start == start and o.end < k)
            if o.start < start < o.end or (not party and abuts) or (party and start <= o.end <= k and o.end > o.start):
                if party:
                    start, open_ended = max(start, o.end), False
                else:
                    joined, start, open_ended = o, o.start, False
        return joined, start, open_ended

    def _looks_like_a_name(self, text: str, name: str, m, prefix_place: Mention | None) -> bool:
        """Whether ``name`` (ending with the suffix ``m``) can be an organization's name."""
        end, k = m.end(), m.start()
        generic = self.generic_stem.match(name) or (self.generic_re and self.generic_re.match(name))
        if (generic and prefix_place is None) or name.endswith(self.notname):
            return False
        if len(m.group()) == 1 and (text[end:end + 1] in self.word_after or
                                    (prefix_place is not None and prefix_place.end == k)):
            return False  # 局部, 局面; 山西省局 is no name
        bad_start = name[0] in self.bad_start and not any(self.gaz.by_name.get(name[:n]) for n in (2, 3, 4))
        return not (len(name) - len(m.group()) < (1 if name[0] in self.scope_level else 2) or bad_start
                    or not re.fullmatch(r"[\u4e00-\u9fff0-9A-Za-z]+", name))  # 四家医院, but 四川大学

    def _named_candidate(self, doc: Doc, name: str, start: int, end: int, kind: str, prefix_place: Mention | None,
                         places: list[Mention]) -> _Cand:
        """The candidate for ``name``, named with its place as a government's bodies are."""
        text = text_of(doc)
        place = self.gaz.get(prefix_place.key) if prefix_place is not None else None
        canonical = name
        if place is None and name[0] in self.scope_level:
            place, _ = self._scope_place(doc, name[0], start, places)
            if place is not None:
                canonical = place.name + name[1:]
        elif place is not None and prefix_place is not None and kind not in ("company", "media", "other", "hospital"):
            # 山西省委办公厅 and 山西省…厅 are one department: governments' bodies take the full place name
            written = text[prefix_place.start:prefix_place.end]
            canonical = place.name + name[len(written):] if written != place.name and \
                place.level in (Class.Province, Class.City) and name.startswith(written) else name
            full = self._full_name(place)
            if full != place.name and name.startswith(written):  # a county's body: named with its city
                short = self._expand(place.name + name[len(written):])
                return _Cand(start, end, self._expand(full + name[len(written):]), place, kind, short)
        return _Cand(start, end, self._expand(canonical), place, kind)

    def _near(self, cands: list[_Cand], start: int, k: int) -> list[_Cand]:
        """The candidates that end within NEAR characters of a name's window start:k, in the order they
        were found (what the left-edge rules can touch), found by bisection rather than a scan."""
        lo = bisect_left(self._cand_ends, (start - NEAR, -1))
        hi = bisect_left(self._cand_ends, (k + NEAR + 1, -1))
        return [cands[i] for i in sorted(i for _, i in self._cand_ends[lo:hi])]

    def _short_forms(self, text: str, cands: list[_Cand], taken: bytearray) -> list[_Cand]:
        """某某科技 elsewhere on a page that names 山西某某科技股份有限公司: the company's short form."""
        out = []
        for c in cands:
            if c.kind != "company" or not self.legal.search(c.canonical):
                continue
            stem = self.legal.sub("", c.canonical)
            if c.place is not None and stem.startswith(c.place.name):
                stem = stem[len(c.place.name):]
            else:
                for n in (3, 2):  # 山西 / 太原 written short
                    if self.gaz.by_name.get(stem[:n]):
                        stem = stem[n:]
                        break
            if len(stem) < 4:
                continue
            for m in re.finditer(re.escape(stem), text):
                if taken[m.start()] or taken[m.end() - 1]:
                    continue
                out.append(_Cand(m.start(), m.end(), c.canonical, c.place, c.kind))
        return out

    def _fuller_names(self, cands: list[_Cand]) -> None:
        """A bare name that is the tail of exactly one fuller name on the page takes that name."""
        names = {c.canonical: c for c in cands}
        legal = self.legal
        for c in cands:
            if c.place is not None or c.kind in ("fixed", "scoped") or len(c.canonical) < 4:
                continue
            fuller = {n for n in names
                      if len(n) >= len(c.canonical) + 2 and legal.sub("", n).endswith(c.canonical)}
            if len(fuller) == 1:
                f = names[fuller.pop()]
                c.canonical, c.place = f.canonical, f.place

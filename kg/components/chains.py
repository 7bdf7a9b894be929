"""kg_chains: infection chains — coded (“8·17”), placed (清徐韵达快递疫情) — with dates, places and counts.

A chain's context runs from its name to the next chain's name (at most a few
paragraphs): its first date is ``firstReported``, places named as reporting
or as having its cases (阳曲县阳性检出者) are ``reportedIn``, places written before a travel
cue (返京, 入川, 返程, 输入; kg.lexicon) are ``origin``,
sites are ``site``, and the counts are read exactly as stated (余 / 多 mark a
lower bound).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterator

from spacy.language import Language
from spacy.tokens import Doc

from kg.components.base import (
    KgComponent,
    add_mention,
    add_relation,
    matches_near,
    meta,
    relations,
    sentence_spans,
    text_of,
    written_places,
)
from kg.dates import resolve
from kg.gazetteer import data_rows, gazetteer
from kg.lexicon import Lexicon, pattern, travel_cue
from kg.model import Mention
from kg.ns import Class, Prop
from kg.numerals import to_int

CONTEXT = 700
CODE = re.compile(r"(\d{1,2})\s*[·•・.．]\s*(\d{1,2})")
SPREAD_REACH = 200  # characters a list of places after 出现在 may run
RECORD_REACH = 300  # characters of a numbered case's record (阳性感染者7：…) read for where it came from
SPREAD_END = re.compile(r"[，。；！？：]")
# The M·D separator of a coded name; the month's digits end at most 11 characters after the
# match start (a train prefix of 8, a quote, two digits).
SEPARATOR = re.compile(r"[·•・.．]")
CODE_REACH = 11


COUNTS = {"positive": Prop.positiveCount, "confirmed": Prop.confirmedCount, "asymptomatic": Prop.asymptomaticCount,
          "closeContact": Prop.closeContactCount}  # chain_patterns.tsv kind -> the count property


@Language.factory("kg_chains", requires=["doc._.kg_sents", "doc._.kg_places", "doc._.kg_meta"],
                  assigns=["doc._.kg_mentions", "doc._.kg_relations", "doc._.kg_chains", "doc._.kg_places"],
                  default_config={"lexicon": {}})
class ChainRecognizer(KgComponent):
    kind = "kg_chains"

    def __init__(self, nlp: Language, name: str, lexicon: dict[str, str] | None = None) -> None:
        self.name = name
        rows = {r[0]: re.compile(r[1]) for r in data_rows("chain_patterns.tsv")}
        self.coded = rows["coded"]
        self.placed = rows["placed"]
        # the count patterns of chain_patterns.tsv, each with the property it states
        self.counts = {prop: rows[kind] for kind, prop in COUNTS.items()}
        self.gaz = gazetteer()
        self._read_lex(lexicon)

    def _read_lex(self, lexicon: dict[str, str] | None) -> None:
        """The vocabulary of ``lex/chains.tsv`` (and the dates of ``lex/text.tsv``), compiled."""
        lex = Lexicon("chains", lexicon)
        self.train = re.compile(lex["train"])
        self.train_prefix_re = re.compile(lex["train_prefix"])
        self.home_prefix = tuple(lex["home_prefix"].split("|"))
        self.home_words = frozenset(lex["home_word"].split("|"))
        self.generic_re = re.compile(lex["generic"])
        self.not_chain_after_re = re.compile(lex["not_chain_after"])
        self.placed_middle_re = re.compile(lex["placed_middle"])
        self.current_re = re.compile(lex["current"])
        self.breakdown = lex["breakdown"]
        self.case_record_re = re.compile(lex["case_record"])
        self.case_numbers_re = re.compile(lex["case_numbers"])
        self.share_re = re.compile(lex["share"])
        self.count_re = re.compile(lex["a_count"])
        self.cases_re = re.compile(lex["cases"])
        self.cluster_re = re.compile(lex["cluster"])
        self.link_word = lex["link_word"]
        self.reported = lex["reported"]
        self.cases_after_re = re.compile(lex["cases_after"])
        self.spread_re = re.compile(lex["spread"])
        self.lives_in_re = re.compile(lex["lives_in"])
        self.origin_before_re = re.compile(lex["origin_before"])
        self.native_mark = lex["native_mark"]
        self.cumulative_re = re.compile(lex["cumulative"])
        self.lower_bound_re = re.compile(lex["lower_bound"])
        # a place people came from: written before a travel cue (某地返京, 某地来蓉, 返程) — cues from kg.lexicon
        self.origin_cue_re = re.compile(rf"^[\u4e00-\u9fff]{{0,4}}?(?:{travel_cue()})")
        self.date_re = pattern("text", "date")

    def _coded_span(self, text: str, m: re.Match, starting) -> tuple[int, int]:
        """The span of a coded chain name (“8·17”…疫情): its prefix kept only when it is a train or a place
        written right before, its closing quote included."""
        start = m.start("pre") if m.group("pre") else m.start()
        pre = m.group("pre")
        if pre and not self.train.fullmatch(pre) and not self.train_prefix_re.fullmatch(pre):
            inside = [p for p in starting(m.start("pre"), m.end("pre")) if p.end <= m.end("pre")]
            start = inside[0].start if inside else m.start("pre") + len(pre)
            if start > m.start("pre") and text[start - 2:start] in self.home_prefix:
                start -= 2
        end = m.end()
        if text[end:end + 1] in "”\"" and text[start:end].count("“") > text[start:end].count("”"):
            end += 1  # “6·3疫情”: the quote closes after the whole name
        return start, end

    def _coded_chains(self, doc: Doc, text: str, starting) -> list[tuple]:
        """The chains named by a code (“8·17”疫情), as :meth:`_chains` gives them."""
        found: list[tuple] = []
        for m in self._coded(text):
            start, end = self._coded_span(text, m, starting)
            label = text[start:end]
            in_name = [p for p in starting(start, end) if p.end <= end]
            code = f"{int(m.group('m'))}·{int(m.group('d'))}"
            key_place = in_name[-1].key if in_name else self._home(doc)
            home = None if in_name or not key_place or start < m.start("m") - 1 else self.gaz.get(key_place)
            if home is not None:  # “5·20”疫情 on a page of some city: that city's, and its label says so
                found.append((start, end, f"{code}|{key_place}", home.name + label, in_name, [label]))
            else:
                found.append((start, end, f"{code}|{key_place}", label, in_name))
        return found

    def _chains(self, doc: Doc, places: list[Mention]) -> list[tuple]:
        """(start, end, key, label, places in the name[, alternative labels]) of each chain named in the text."""
        text = text_of(doc)
        found: list[tuple] = []
        at = [p.start for p in places]  # places are in text order: slices by start replace scans

        def starting(lo: int, hi: int) -> list[Mention]:
            return places[bisect_left(at, lo):bisect_left(at, hi)]

        found += self._coded_chains(doc, text, starting)
        coded = sorted((s, e) for s, e, *_ in found)
        # a page's one coded chain of a city: the city's 某市疫情 on that page is the same outbreak
        by_place: dict[str, list[tuple]] = {}
        for f in found:
            by_place.setdefault(f[2].split("|", 1)[1], []).append(f)
        coded_starts = [s for s, _ in coded]
        reach: list[int] = []  # the furthest end of the coded names starting at or before each one
        for _, e in coded:
            reach.append(max(e, reach[-1]) if reach else e)
        placed_end = -1  # placed names are found in text order: all start at or before p
        by_end: dict[int, list[Mention]] = {}
        for q in places:
            by_end.setdefault(q.end, []).append(q)
        for p in places:
            k = bisect_right(coded_starts, p.start) - 1
            if p.cls not in (Class.City, Class.County, Class.Township) or (k >= 0 and reach[k] > p.start) \
                    or p.start < placed_end:
                continue
            pm = self.placed.match(text, p.end)
            if not pm or re.search(r"[，。、“”]", pm.group()) or self.not_chain_after_re.match(text, pm.end()):
                continue
            middle = pm.group("post")[:-2]
            if not self.placed_middle_re.fullmatch(middle) or (p.cls not in (Class.County, Class.City) and not middle):
                continue
            # 晋中太谷: a city written right before its county is part of the name
            start = p.start
            prev = [q for q in by_end.get(p.start, ()) if q.cls in (Class.City, Class.Province)]
            if prev:
                start = prev[0].start
            label = text[start:pm.end()]
            if self.generic_re.match(label):
                continue
            info = meta(doc)
            month = info.published.strftime("%Y-%m") if info and info.published else ""
            if p.cls == Class.City and not middle:
                if text[p.start:p.end] in self.home_words:
                    continue  # 我市疫情: the city's situation, not a chain's name
                same = by_place.get(p.key, [])
                if len(same) == 1:  # 杭州市疫情 on a page of 杭州“4·19”疫情: that one, by another name
                    found.append((start, pm.end(), same[0][2], same[0][3], [p], [label]))
                else:  # 南宁市疫情: the city's current outbreak, one chain with its 本轮疫情
                    found.append((start, pm.end(), f"{p.key}|current|{month}", label, [p], []))
            else:
                found.append((start, pm.end(), f"{p.key}|{month}", label, starting(start, pm.end())))
            placed_end = max(placed_end, pm.end())
        found += self._clusters(doc, places, found)
        found += self._current(doc, places, found)
        found.sort()
        return found

    def _clusters(self, doc: Doc, places: list[Mention], named: list) -> list:
        """Clusters named by what links their cases: 与阳性感染者12关联, 与某购物中心存在流行病学关联,
        (1条)为某服装店关联 — one chain each, named by the link."""
        text = text_of(doc)
        sites = {p.end: p for p in places if p.cls == Class.Site}
        out = []
        for m in self.cluster_re.finditer(text):
            if any(s <= m.start() < e for s, e, *_ in named):
                continue
            if m.group("site") is not None:
                site = sites.get(m.end("site"))
                if site is None:
                    continue  # 与X关联 names a cluster only when X is a site
                s, e = site.start, m.end()
                label = text[site.start:m.end("site")] + self.link_word
            else:
                group = "n" if m.group("n") else "n2"
                s, e = m.span(group)
                label = m.group(group)
            at_places = [p for p in places if s <= p.start and p.end <= e and p.cls != Class.Site]
            out.append((s, e, f"cluster|{label}", label, at_places))
        return out

    def _current(self, doc: Doc, places: list[Mention], named: list) -> list:
        """The page's current outbreak (本轮疫情, 本次疫情, 该市本轮新冠肺炎疫情): one chain per place,
        named by the place written right before it, else the nearest place of the sentence, else the
        page's home city or province."""
        text = text_of(doc)
        info = meta(doc)
        month = info.published.strftime("%Y-%m") if info and info.published else ""
        out: list = []
        # 本轮疫情 on a page that names its chains is one of them (a cluster is part of it), unless a place
        # named by none of them is written right before it (河南省本轮疫情 beside 某市疫情)
        own = [c for c in named if "|current|" not in c[2] and not c[2].startswith("cluster|")]
        chain_places = {p.key for c in own for p in c[4]}
        at = [p.start for p in places]
        sents = sentence_spans(doc)
        sent_starts = [s for s, _ in sents]
        for m in self.current_re.finditer(text):
            if not self.cases_re.search(text, m.end(), m.end() + 60) \
                    and not self.cases_re.search(text, max(0, m.start() - 60), m.start()):
                continue  # an outbreak spoken of, not reported: no cases counted near it
            k = bisect_right(sent_starts, m.start()) - 1
            s_start, s_end = sents[k] if k >= 0 else (0, len(text))
            inside = places[bisect_left(at, s_start):bisect_left(at, s_end)]  # the sentence's places
            before = [p for p in inside
                      if p.cls in (Class.Province, Class.City, Class.County) and 0 <= m.start() - p.end <= 2]
            near = [p for p in inside
                    if p.cls in (Class.City, Class.County) and not self.origin_cue_re.match(text[p.end:p.end + 8])]
            if own and not (before and before[-1].key not in chain_places):
                continue
            place = before[-1] if before else (min(near, key=lambda p: abs(p.start - m.start())) if near else None)
            if place is None:
                code = (info.home_city or info.home_province) if info else None
                home = self.gaz.get(code) if code else None
                if home is None:
                    continue
                place = add_mention(doc, Mention(home.level, home.code, home.name, m.start(), m.start(),
                                                 attrs={"implied": True}))
            written = text[place.start:place.end] if before else place.label
            start = place.start if before else m.start()
            label = place.label + m.group()
            alts = sorted({written + m.group()} - {label})
            out.append((start, m.end(), f"{place.key}|current|{month}", label, [place], alts))
        return out

    def _coded(self, text: str) -> list[re.Match]:
        """``self.coded.finditer(text)``, tried only in reach of a separator with a digit before it
        (the pattern tried at every position costs more than the rest of kg_chains)."""
        return matches_near(self.coded, text, self._month_ends(text), CODE_REACH, 1)

    @staticmethod
    def _month_ends(text: str) -> Iterator[int]:
        """Ends of the month digits of every M·D separator (the separator, back over spaces)."""
        for sep in SEPARATOR.finditer(text):
            k = sep.start()
            while k > 0 and text[k - 1].isspace():
                k -= 1
            if k and text[k - 1].isdecimal():
                yield k

    def _home(self, doc: Doc) -> str:
        info = meta(doc)
        return (info.home_city or "") if info else ""

    def find(self, doc: Doc) -> None:
        text = text_of(doc)
        places = written_places(doc)
        chains = self._chains(doc, places)
        at = [p.start for p in places]
        sents = sentence_spans(doc)
        sent_starts = [s for s, _ in sents]
        sent_ends = [e for _, e in sents]
        chain_keys: dict[str, set[str]] = {}  # place key -> keys of the chains named with it
        for c in chains:
            for p in c[4]:
                chain_keys.setdefault(p.key, set()).add(c[2])
        by_key: dict[str, list[Mention]] = {}
        for p in places:
            by_key.setdefault(p.key, []).append(p)
        later: dict[tuple[str, str], tuple[list[int], list[tuple[int, re.Match]]]] = {}
        records = self._case_records(text) if chains else {}  # 阳性感染者7：… (a cluster may be named after it)
        case_spans = sorted(records.values())
        # what a cluster's own text counts (一条为某某传播链，累计7例) is not the page's wave's running total
        clustered = [(c[1], _context(text, chains, i, sents, sent_starts)[1]) for i, c in enumerate(chains)
                     if c[2].startswith("cluster|")]
        for i, (start, end, key, label, in_name, *alts) in enumerate(chains):
            chain = add_mention(doc, Mention(Class.InfectionChain, key, label, start, end, alts[0] if alts else []))
            first_relation = len(relations(doc))  # the chain's own relations follow
            ctx_start, stop = _context(text, chains, i, sents, sent_starts)
            ctx_places = places[bisect_left(at, ctx_start):bisect_left(at, stop)]
            for p in in_name:
                add_relation(doc, chain, Prop.reportedIn, p, start)
            if key.startswith("cluster|"):
                _cluster_site(doc, chain, places[bisect_left(at, start):bisect_left(at, start + 1)])
                # 与阳性感染者7关联: case 7's own record says where it came from
                self._context_places(doc, chain, self._case_places(label, records, places, at), in_name,
                                     origins_only=True)
            self._spread(doc, chain, end, places, at)
            self._first_reported(doc, chain, text, stop)
            self._context_places(doc, chain, ctx_places, in_name, cases=None if key.startswith("cluster|") else
                                 case_spans)
            for t in self.train.finditer(text, start, stop):
                site = add_mention(doc, Mention(Class.Site, t.group(), t.group(), t.start(), t.end()))
                add_relation(doc, chain, Prop.site, site, t.start())
            context_sents = sents[bisect_right(sent_ends, start):bisect_left(sent_starts, stop)]
            self._reporting_sentences(doc, chain, in_name, context_sents, places, at)
            home = self.gaz.get(self._home(doc)) if not in_name else None
            if key.startswith("cluster|") or (home is not None and label.startswith(home.name)):
                # a cluster, or a coded chain its label gives to the page's city (长沙市“10·8”疫情)
                self._home_if_unplaced(doc, chain, start, first_relation)
            # Counts: in the chain's own context first; then, for a chain named after a place
            # (太谷输入性疫情), in later sentences of the page that name that place as the subject
            # of the counting (太谷区共隔离管控密接人员46人), when only this chain bears its name.
            keys = {p.key for p in in_name}
            keys = keys if keys and len(set().union(*(chain_keys[k] for k in keys))) == 1 else set()
            first = bisect_right(sent_ends, stop)  # the first sentence that ends after the context
            for prop, rx in self.counts.items():
                hit = self._best_count(rx, text, start, stop)
                if "|current|" in key:  # the page's wave: its running total may stand anywhere (a headline)
                    hit = self._best_count(rx, text, 0, len(text), cumulative_only=True, skip=clustered) or hit
                    if hit is not None and _inside(hit.start(), clustered):
                        hit = None
                if hit is None and keys:
                    hit = self._later_count(text, prop, rx, sorted(keys), first, later, by_key, sents)
                if hit is not None:
                    raw = next((g for g in hit.groups() if g), None)
                    lower = bool(self.lower_bound_re.search(hit.group()))
                    share = self._share(text, hit, keys, places, at, sent_ends) if keys else None
                    if share is not None:  # 其中某市16例: the chain named after 某市 has its share, not the total
                        raw, lower = share.group(1), False
                    add_relation(doc, chain, prop, to_int(raw) if raw else None, hit.start(), lower_bound=lower)
        return

    def _share(self, text: str, hit: re.Match, keys: set[str], places: list[Mention], at: list[int],
               sent_ends: list[int]) -> re.Match | None:
        """Where a total is broken down by place in its sentence (累计报告确诊病例50例，其中某市30例), the share of
        the place a chain is named after (``keys``), as a match whose group 1 is the number."""
        i = bisect_right(sent_ends, hit.end())
        end = sent_ends[i] if i < len(sent_ends) else len(text)
        breakdown = text.find(self.breakdown, hit.end(), end)
        begin = sent_ends[i - 1] if i else 0
        if breakdown == -1 or len(self.count_re.findall(text, begin, breakdown)) != 1:
            return None  # 确诊3例、无症状14例，其中某区9例: the breakdown is of no one of the counts
        for p in places[bisect_left(at, breakdown):bisect_left(at, end)]:
            if p.key in keys and (share := self.share_re.match(text, p.end)):
                return share
        return None

    def _home_if_unplaced(self, doc: Doc, chain: Mention, at: int, first_relation: int) -> None:
        """A cluster (某超市关联) that nothing places is reported where the page reports: its home city.
        (Its own relations are those from ``first_relation`` on: a page of many clusters stays linear.)"""
        if any(r.subj is chain and r.pred == Prop.reportedIn for r in relations(doc)[first_relation:]):
            return
        info = meta(doc)
        home = self.gaz.get(info.home_city) if info is not None and info.home_city else None
        if home is not None:
            pm = add_mention(doc, Mention(home.level, home.code, home.name, at, at, attrs={"implied": True}))
            add_relation(doc, chain, Prop.reportedIn, pm, at)

    def _reporting_sentences(self, doc: Doc, chain: Mention, in_name: list[Mention],
                             sents: list[tuple[int, int]], places: list[Mention], at: list[int]) -> None:
        """Cities and counties of the context's sentences that report cases (报告) are where it was reported,
        but for places people came from (某地返…) or are natives of (某地籍)."""
        text = text_of(doc)
        for s_start, s_end in sents:
            if self.reported not in text[s_start:s_end]:
                continue
            for p in places[bisect_left(at, s_start):bisect_left(at, s_end)]:
                if p.cls in (Class.City, Class.County) and p not in in_name and self._within_name(p, in_name) \
                        and not self.origin_cue_re.match(text[p.end:p.end + 8]) \
                        and text[p.end:p.end + 1] != self.native_mark:
                    add_relation(doc, chain, Prop.reportedIn, p, p.start)

    def _within_name(self, p: Mention, in_name: list[Mention]) -> bool:
        """Can a chain named after ``in_name`` be reported in ``p``: any place for a chain named after none; else
        a place within the city or province it is named after (某市疫情 is not reported in another city), or
        within the city of the county it is named after (某县疫情 spreads to the city's other districts)."""
        if not in_name:
            return True
        for q in in_name:
            scope = q.key
            if q.cls not in (Class.Province, Class.City) and (place := self.gaz.get(q.key)) is not None \
                    and place.parent:
                scope = place.parent
            if p.key == scope or self.gaz.is_within(p.key, scope):
                return True
        return False

    def _spread(self, doc: Doc, chain: Mention, end: int, places: list[Mention], at: list[int]) -> None:
        """本轮疫情出现在A、B、C等地: the places of the clause after the chain's name are where it was reported."""
        text = text_of(doc)
        spread = self.spread_re.match(text, end)
        if spread:
            reach = min(len(text), spread.end() + SPREAD_REACH)  # bounded: a page without punctuation stays linear
            stop_at = SPREAD_END.search(text, spread.end(), reach)
            clause_end = stop_at.start() if stop_at else reach
            for p in places[bisect_left(at, spread.end()):bisect_left(at, clause_end)]:
                if p.cls in (Class.City, Class.County, Class.Township):
                    add_relation(doc, chain, Prop.reportedIn, p, p.start)

    def _later_count(self, text: str, prop: str, rx: re.Pattern, keys: list[str], first: int, later: dict,
                     by_key: dict[str, list[Mention]], sents: list[tuple[int, int]]) -> re.Match | None:
        """The first count of ``rx`` after sentence ``first`` in a sentence that names one of the places ``keys``
        as the subject of the counting (``later`` remembers them per place and property)."""
        found: list[tuple[int, re.Match]] = []
        sent_starts = [s for s, _ in sents]
        for k in keys:
            if (k, prop) not in later:
                later[k, prop] = self._later_counts(text, by_key.get(k, []), sents, sent_starts, rx)
            idx, counts = later[k, prop]
            j = bisect_left(idx, first)
            if j < len(idx):
                found.append(counts[j])
        return min(found, key=lambda x: x[0])[1] if found else None

    def _case_places(self, label: str, records: dict[str, tuple[int, int]], places: list[Mention],
                     at: list[int]) -> list[Mention]:
        """The places of the records of the numbered cases a cluster is named after (阳性感染者7关联)."""
        out: list[Mention] = []
        for n in self.case_numbers_re.findall(label):
            if n in records:
                lo, hi = records[n]
                out += places[bisect_left(at, lo):bisect_left(at, hi)]
        return out

    def _case_records(self, text: str) -> dict[str, tuple[int, int]]:
        """Each numbered case's record on the page (阳性感染者7：…), to the end of its line: number -> span."""
        records: dict[str, tuple[int, int]] = {}
        for m in self.case_record_re.finditer(text):
            end = text.find("\n", m.end())
            records.setdefault(m.group("n"), (m.end(), min(end if end != -1 else len(text), m.end() + RECORD_REACH)))
        return records

    def _context_places(self, doc: Doc, chain: Mention, ctx_places: list[Mention], in_name: list[Mention],
                        origins_only: bool = False, cases: list[tuple[int, int]] | None = None) -> None:
        """Where the chain came from, its sites, and where it was reported, among the places of its context
        (``origins_only``: where it came from; not from inside ``cases``, numbered cases' records: where one
        case came from is its cluster's origin, not the wave's)."""
        text, info = text_of(doc), meta(doc)
        origins = []
        for p in ctx_places:
            after = text[p.end:p.end + 8]
            here = info is not None and p.key in (info.home_city, info.home_province)
            if self.origin_cue_re.match(after) and p not in in_name and not here and p.end - p.start > 1:
                if not (cases and _inside(p.start, cases, RECORD_REACH)):
                    origins.append(p)
            elif origins_only:
                continue
            elif p.cls == Class.Site:
                add_relation(doc, chain, Prop.site, p, p.start)
            elif p.cls in (Class.City, Class.County, Class.Township) and p not in in_name \
                    and self._within_name(p, in_name) and (
                    self.cases_after_re.match(text, p.end)
                    or self.lives_in_re.search(text, max(0, p.start - 4), p.start)) \
                    and not self.origin_before_re.search(text, max(0, p.start - 3), p.start):
                add_relation(doc, chain, Prop.reportedIn, p, p.start)
        for p in origins:  # 天津市河西区: the district, not also its city
            if not any(o.start == p.end or (o.key != p.key and self.gaz.is_within(o.key, p.key)) for o in origins):
                add_relation(doc, chain, Prop.origin, p, p.start)

    def _later_counts(self, text: str, places: list[Mention], sents: list[tuple[int, int]], sent_starts: list[int],
                      rx: re.Pattern) -> tuple[list[int], list[tuple[int, re.Match]]]:
        """The sentences that name one place (``places``: its mentions) as the subject of the counting (not as
        where people came from) and hold a count of ``rx``: their indices, and (index, the first count) of each."""
        qualifying = set()
        for p in places:
            i = bisect_right(sent_starts, p.start) - 1
            if i < 0 or p.start >= sents[i][1]:
                continue
            if not self.origin_cue_re.match(text[p.end:p.end + 8]) and \
                    not self.origin_before_re.search(text, max(sents[i][0], p.start - 3), p.start):
                qualifying.add(i)
        counts = []
        for i in sorted(qualifying):
            c = _first_count(rx, text, *sents[i])
            if c is not None:
                counts.append((i, c))
        return [i for i, _ in counts], counts

    def _best_count(self, rx: re.Pattern, text: str, start: int, end: int, cumulative_only: bool = False,
                    skip: list[tuple[int, int]] | None = None) -> re.Match | None:
        """The count a reader takes for a chain in ``text[start:end]``: the first cumulative one
        (累计报告…56例, 共发现…), else the first (新增3例 is the day's, not the chain's); none in ``skip``'s
        spans (sorted and disjoint)."""
        first = None
        for c in rx.finditer(text, start, end):
            raw = next((g for g in c.groups() if g), None)
            if not raw or to_int(raw) is None or (skip and _inside(c.start(), skip)):
                continue
            if self.cumulative_re.search(text, max(start, c.start() - 14), c.start() + 4):
                return c
            first = first or c
        return None if cumulative_only else first

    def _first_reported(self, doc: Doc, chain: Mention, text: str, stop: int) -> None:
        """The day a chain was first reported: its “8·17” code, else the first date of its context."""
        code = CODE.search(chain.label)
        if code:
            date = resolve(int(code.group(1)), int(code.group(2)), meta(doc))
            if date:
                add_relation(doc, chain, Prop.firstReported, date, chain.start)
            return
        for d in self.date_re.finditer(text, chain.start, stop):
            year = int(d.group("y")) if d.group("y") else None
            date = resolve(int(d.group("m")), int(d.group("d")), meta(doc), year)
            if date:
                add_relation(doc, chain, Prop.firstReported, date, d.start())
            break


def _inside(at: int, spans: list[tuple[int, int]], longest: int = 0) -> bool:
    """Is ``at`` inside one of ``spans``, sorted by start: disjoint ones (a cluster's context stops at the next
    chain), or ones that may overlap, none longer than ``longest`` (numbered cases' records)?"""
    i = bisect_right(spans, at, key=lambda s: s[0])
    while i > 0:
        i -= 1
        if spans[i][0] <= at < spans[i][1]:
            return True
        if not longest or spans[i][0] <= at - longest:
            return False
    return False


def _context(text: str, chains: list[tuple], i: int, sents: list[tuple[int, int]],
             sent_starts: list[int]) -> tuple[int, int]:
    """Where the text about chain ``i`` starts and stops: from its sentence's start (unless the previous
    chain's name runs into it) to the next chain, a blank line, or ``CONTEXT`` characters."""
    start, end, key = chains[i][:3]
    # the next chain ends this one's context; a cluster inside an outbreak's bulletin does not
    nxt = next((c[0] for c in chains[i + 1:i + 8] if c[2] != key and not c[2].startswith("cluster|")), len(text))
    stop = min(nxt, start + CONTEXT)
    if key.startswith("cluster|") and i + 1 < len(chains):
        stop = min(stop, chains[i + 1][0])
    # a chain's own paragraphs: stop at the next blank line after the context's first 200 characters
    para = text.find("\n\n", end + 200, stop)
    if para != -1:
        stop = para
    # the chain's own sentence counts from its start: 从A返回B的一名学生锁定了B疫情的来源
    k = bisect_right(sent_starts, start) - 1
    ctx_start = sents[k][0] if k >= 0 and start < sents[k][1] else start
    if i > 0 and chains[i - 1][1] > ctx_start:
        ctx_start = start
    return ctx_start, stop


def _first_count(rx: re.Pattern, text: str, start: int, end: int) -> re.Match | None:
    """The first match of a count pattern in ``text[start:end]`` whose number reads as a number."""
    for c in rx.finditer(text, start, end):
        raw = next((g for g in c.groups() if g), None)
        if raw and to_int(raw) is not None:
            return c
    return None


def _cluster_site(doc: Doc, chain: Mention, at_start: list[Mention]) -> None:
    """与某购物中心关联: the site a cluster is named by is where it came from."""
    for p in at_start:
        if p.cls == Class.Site:
            add_relation(doc, chain, Prop.origin, p, p.start)

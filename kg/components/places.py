"""kg_places: places from the gazetteer, home-place anaphora, abbreviations and suffix patterns.

Gazetteer names are matched with spaCy's PhraseMatcher (longest match wins);
我省 / 我市 resolve through the page's manifest entry; one-character
abbreviations (返京, 入并, 入川, 来蓉) only in the contexts listed in
``place_abbrev.tsv`` or after a verb of travel (``place_short.tsv``, read by
kg.lexicon); townships, villages and sites that no gazetteer lists are
found by the suffixes in ``place_patterns.tsv`` with a guarded left boundary
(what bounds or spoils such a name, and the home-place words, are in ``lex/places.tsv``).
Every place gets ``partOf`` its parent (gazetteer, or the place written right
before it: 晋源区赤桥村) and gazetteer places get ``adminCode``.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import Counter
from dataclasses import replace

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

from kg.components.base import KgComponent, add_mention, add_relation, meta, state, text_of
from kg.gazetteer import Place, data_rows, gazetteer
from kg.lexicon import Lexicon, alternation, short_form_pattern, words
from kg.model import Mention
from kg.ns import Class, Prop
from kg.ontology import PLACE_RANK

RANK = PLACE_RANK  # a smaller rank contains a larger one (kg.ontology)
MAX_ITEM = 6  # characters of an item of a counted list (某街道的A、B两个小区)
CONTEXT_CHARS = 600  # how far back a contextual parent may be named
PARAGRAPH_REACH = 3000  # how far back before that the paragraph start is looked for (a page without any)
MUNICIPALITIES = {"110000", "120000", "310000", "500000"}  # province-level cities: 市委 is theirs
CJK = r"[\u4e00-\u9fff]"
NAME_RUN = re.compile(r"[\u4e00-\u9fff0-9A-Za-z]+")
WHITE_SPACE = " \n\t\u3000"  # ends a name's run on its left, as the characters of lex/places.tsv name_boundary do
SEP = "\u3001"  # the list comma
NEEDS_PLACE = ("always", "unless_listed")  # the values of place_patterns.tsv's needs_place column


_LEVELS = frozenset((Class.Country, Class.Province, Class.City, Class.County, Class.Township))


def _class(level: str) -> str:
    """The class of a gazetteer level (a level the ontology has no class for is a plain Place)."""
    return level if level in _LEVELS else Class.Place


@Language.factory("kg_places", assigns=["doc._.kg_mentions", "doc._.kg_relations", "doc._.kg_places", "doc._.kg_meta"],
                  default_config={"lexicon": {}})
class PlaceRecognizer(KgComponent):
    kind = "kg_places"

    def __init__(self, nlp: Language, name: str, lexicon: dict[str, str] | None = None) -> None:
        self.name = name
        self.gaz = gazetteer()
        # Names are matched character by character whatever the pipeline's segmenter,
        # so a word segmenter (pkuseg) cannot hide a place inside a longer token.
        from kg.nlp import blank

        self.chars = nlp if getattr(nlp.tokenizer, "segmenter", "char") == "char" else blank()
        self.matcher = PhraseMatcher(self.chars.vocab)
        names = sorted(self.gaz.by_name)
        self.matcher.add("PLACE", [self.chars.make_doc(n) for n in names])
        self.abbrevs = [(re.compile(p), code) for p, code in data_rows("place_abbrev.tsv")]
        # every province's (and a few cities') short form after a verb of travel (入川, 返京, 来蓉),
        # where place_abbrev.tsv does not already say how that character is read
        special = frozenset(m.group(1) for p, _ in self.abbrevs for m in re.finditer(r"\(\?P<p>(.)\)", p.pattern))
        self.short_re, self.short_code = short_form_pattern(special)
        self._read_lexicon(lexicon)
        patterns = []
        self.need_place: dict[str, str] = {}  # suffix -> how it needs a place before it (NEEDS_PLACE)
        self.word_after: dict[str, str] = {}  # suffix -> characters after it that make it a word (乡镇)
        self.written_out: dict[str, str] = {}  # suffix -> the suffix its label takes (街 -> 街道)
        self.located: set[str] = set()  # suffixes of sites a place before only locates (某区某购物中心)
        for row in data_rows("place_patterns.tsv"):
            suffix, cls, max_name = row[0], row[1], int(row[2])
            patterns.append((suffix, cls, max_name))
            need, after, full, locator = (row[4:8] + ["", "", "", ""])[:4]
            if full:
                self.written_out.setdefault(suffix, full)
            if locator == "yes":
                self.located.add(suffix)
            if need and need not in NEEDS_PLACE:
                raise ValueError(f"kg/data/place_patterns.tsv: {suffix!r} has needs_place {need!r}, "
                                 f"not one of {', '.join(NEEDS_PLACE)}")
            if need:
                self.need_place.setdefault(suffix, need)
            if after:
                self.word_after.setdefault(suffix, after)
        patterns.sort(key=lambda p: -len(p[0]))
        self.suffixes = patterns
        alternation = "|".join(re.escape(s) for s, _, _ in patterns)
        # what a suffix place looks like; suffix_spans finds the same matches faster
        self.suffix_re = re.compile(rf"(?:{CJK}|[0-9A-Za-z]){{1,12}}?(?:{alternation})+")
        self.suffix_alt = re.compile(alternation)
        self.suffix_first = re.compile("[" + "".join(sorted({re.escape(s[0]) for s, _, _ in patterns})) + "]")
        self.suffix_only = re.compile(rf"({alternation})$")

    def _read_lexicon(self, lexicon: dict[str, str] | None) -> None:
        """The vocabulary of ``lex/places.tsv`` and its word lists, as sets and compiled patterns."""
        lex = Lexicon("places", lexicon)
        # 我省 / 全省 stand for the home province, 我市 / 全市 for the home city
        self.home_re = re.compile(f"(?P<province>{lex['home_province']})|{lex['home_city']}")
        self.local_after = re.compile(lex["local_after"])
        self.zone = re.compile(lex["zone"])  # a development zone is named by its city
        # a verb inside what runs before a suffix: a clause, not a name (在职党员下沉社区)
        self.clause_verb = re.compile(lex["clause_verb"])
        # verbs that begin a clause, never a place name (报告韵达快递物流园 is 报告 + the park)
        self.verb_prefix = re.compile(lex["verb_prefix"])
        self.estate_verb = re.compile(lex["estate_verb"])  # 采样点位进小区: a verb phrase, not an estate's name
        # 社区居民, 社区（村）: the word used as a modifier, not as a name
        self.generic_after = re.compile(lex["generic_after"])
        self.bad_start = frozenset(lex["name_bad_start"])  # cannot start a name written without a gazetteer prefix
        self.start_also = frozenset(lex["name_start_also"])  # … unless what follows is too short for a name
        self.bad_name = frozenset(words("place_not_names"))
        self.bad_part = re.compile(lex["name_bad_part"])
        self.committee = re.compile(lex["committee"])
        self.office_after = re.compile(lex["office_after"])
        self.parts_after = re.compile(lex["parts_after"])
        self.counted_re = re.compile(lex["counted_stem"])
        self.counted_of = lex["counted_of"]
        self._foreign: dict[int, int] = {}  # end -> start of a gazetteer township name that is not the page's
        self.org_after = re.compile(lex["org_after"])  # 上海大学: an organization's name, not the place
        self.road_after = re.compile(lex["road_after"])
        self.county_city = re.compile(lex["county_city"])
        self.own_leader_re = re.compile(lex["own_leader_after"])
        self.short_suffix_then = frozenset(lex["short_suffix_then"])
        stopped = list(self.gaz.stopped_counties)
        self.stopped_re = re.compile(alternation(stopped)) if stopped else None
        self.first_person_city_re = re.compile(lex["first_person_city"])
        self.boundary = frozenset(lex["name_boundary"] + WHITE_SPACE)
        self.edge_words = words("place_edge_words")
        self.edge_reach = max(map(len, self.edge_words), default=0)

    # -------------------------------------------------------------- gazetteer
    def _gazetteer_spans(self, doc: Doc) -> list[tuple[int, int, str]]:
        """(start, end, text) of the gazetteer names in the text, longest first where they overlap:
        spaCy's ``filter_spans`` over the matches, on token offsets rather than Span objects."""
        text = text_of(doc)
        cdoc = doc if self.chars.vocab is doc.vocab else self.chars.make_doc(text)
        matches = sorted(((s, e) for _, s, e in self.matcher(cdoc)), key=lambda m: (m[1] - m[0], -m[0]),
                         reverse=True)
        kept = []
        seen: set[int] = set()
        for s, e in matches:
            if s not in seen and e - 1 not in seen:
                kept.append((s, e))
                seen.update(range(s, e))
        out = []
        for s, e in sorted(kept):
            first, last = cdoc[s], cdoc[e - 1]
            out.append((first.idx, last.idx + len(last), text[first.idx:last.idx + len(last)]))
        return out

    def _gazetteer_mentions(self, doc: Doc, spans: list[tuple[int, int, str]]) -> list[tuple[int, int, Place]]:
        found: list[tuple[int, int, Place]] = []
        context: list[str] = []
        info = meta(doc)
        home = [c for c in (info.home_city, info.home_province) if c] if info else []
        self._foreign = {}
        for start_char, end_char, text in spans:
            prev = [code for s, e, p in found[-1:] if start_char - e <= 1 for code in [p.code]]
            code = self.gaz.pick(text, prev + context[-6:][::-1] + home)
            if code is None:
                continue
            place = self.gaz.get(code)
            if place is None:  # pick() returns codes of the gazetteer
                continue
            if place.level == Class.Township and (len(place.name) < 3 or place.name in self.bad_name
                                              or text in self.gaz.stoplist):
                continue
            if place.level == Class.Township and not self._township_here(place, prev, info):
                self._foreign[end_char] = start_char  # another province's township of that name: found by suffix
                continue
            if text != place.name and place.level in (Class.Province, Class.City, Class.County) and \
                    self.local_after.match(text_of(doc), end_char):
                continue  # 株洲街道, 北京街道: a street of its own, not the city 株洲 or 北京 short
            if place.level == Class.County and (text != place.name or text in self.gaz.stoplist):
                # a county's short form counts at home, or right after its own city or province;
                # a name that is also a common word (郊区) only right after its city
                near = set(prev) | (set() if text in self.gaz.stoplist else set(home))
                if not any(self.gaz.is_within(code, c) for c in near):
                    continue
            found.append((start_char, end_char, place))
            context.append(code)
        return found

    def _township_here(self, place: Place, prev: list[str], info) -> bool:
        """Is a gazetteer township the one the text means: written right after its own county or city, or on
        a page whose home province holds it (三桥街道 on another province's page is that province's own)?"""
        if any(self.gaz.is_within(place.code, c) for c in prev):
            return True
        return info is None or not info.home_province or self.gaz.is_within(place.code, info.home_province)

    def _mention(self, doc: Doc, start: int, end: int, place: Place) -> Mention:
        alt = [text_of(doc)[start:end]] if text_of(doc)[start:end] != place.name else []
        return add_mention(doc, Mention(_class(place.level), self._key(place), place.name, start, end, alt,
                                        {"adminCode": place.code if place.code.isdigit() else None}))

    def _key(self, place: Place) -> str:
        if place.code.isdigit():
            return place.code
        return place.name if len(self.gaz.by_name.get(place.name, [])) <= 1 else place.code

    def _with_ancestors(self, doc: Doc, m: Mention, place: Place, done: set[str]) -> None:
        """Code and parents up to the country, once per page (the first mention is the evidence)."""
        child = None
        for p in [place, *self.gaz.ancestors(place.code)]:
            pm = m
            if child is not None:  # a parent: an implied mention at the child's place in the text
                pm = self._mention(doc, m.start, m.end, p)
                pm.alt_labels = []
                pm.attrs["implied"] = True
                add_relation(doc, child, Prop.partOf, pm, m.start)
            if p.code in done:
                return
            done.add(p.code)
            if p.code.isdigit():
                add_relation(doc, pm, Prop.adminCode, p.code, m.start)
            child = pm

    # -------------------------------------------------------------- patterns
    def suffix_spans(self, text: str) -> list[tuple[int, int]]:
        """The (start, end) of ``self.suffix_re.finditer(text)``, found faster.

        The lazy run of 1–12 name characters makes the regex try every suffix
        up to twelve times at every position. The same matches: take the
        suffixes where they start (in order); a match ends at the first suffix
        that has a name character right before it, past the previous match,
        and starts as far back as the run of name characters, the twelve
        characters and the previous match allow.
        """
        runs = [m.span() for m in NAME_RUN.finditer(text)]
        out: list[tuple[int, int]] = []
        pos = 0
        r = 0
        for first in self.suffix_first.finditer(text):
            q = first.start()
            if q - 1 < pos:
                continue
            while r < len(runs) and runs[r][1] < q:
                r += 1
            if r == len(runs) or not runs[r][0] < q:  # no name character right before q
                continue
            suffix = self.suffix_alt.match(text, q)
            if suffix is None:
                continue
            end = suffix.end()
            while (more := self.suffix_alt.match(text, end)) is not None:
                end = more.end()  # 梅花村 + 街道: the name runs on through a second suffix
            out.append((max(pos, q - 12, runs[r][0]), end))
            pos = end
        return out

    def _suffix_places(self, doc: Doc,
                       taken: list[tuple[int, int, Place]]) -> list[tuple[int, int, str, str, Place | int | None]]:
        """Townships, villages and sites by suffix, with a guarded left edge.

        The name runs back from its suffix to a place written right before it
        (晋源区|赤桥村), or to a clause boundary (punctuation, 、, 的/在/到 …);
        a run longer than the suffix allows is not a name. Generic uses (社区居民,
        社区（村）) are skipped. The place right before may itself be one found here
        (某某镇|某某村): its index in the list returned stands for it as the parent.
        """
        text = text_of(doc)
        ends: dict[int, tuple[int, Place | int]] = {}
        for s, e, p in taken:
            self._address_end(text, ends, s, e, p.level, p)
        covered = bytearray(len(text) + 1)
        for s, e, _ in taken:
            covered[s:e] = b"\x01" * (e - s)
        out: list[tuple[int, int, str, str, Place | int | None]] = []
        for m_start, end in self.suffix_spans(text):
            hit = self.suffix_only.search(text, m_start, end)
            assert hit is not None  # suffix_spans ends every span with a suffix
            suffix = hit.group(1)
            cls, max_name = next((c, n) for s, c, n in self.suffixes if s == suffix)
            name_end = end - len(suffix)
            if name_end <= 0 or (covered[name_end - 1] and name_end not in ends) or covered[name_end] \
                    or (cls in (Class.Community, Class.Township) and self.generic_after.match(text, end)) \
                    or self._not_a_suffix_here(text, end, suffix):
                continue
            parent, start, k = self._name_edge(text, end, name_end, max_name, ends)
            if start is None:
                continue
            if parent is not None and start == name_end:
                if isinstance(parent, int) or (cls != Class.Site and not self.zone.search(suffix)):
                    continue
                # the site or zone is named by the place itself (太原站, 平遥古城, 某市经济技术开发区)
                start = ends[start][0]
            if isinstance(parent, int) and RANK[out[parent][3]] >= RANK[cls]:
                parent = None  # found here right before the name, no larger than it: a neighbour, not its parent
            name = text[start:end]
            verb = self.verb_prefix.match(name)
            if verb and parent is None:
                start = self._after_verbs(text, start, end)
                name = text[start:end]
            elif parent is not None and (verb := self.verb_prefix.match(text[k:end])):
                # 清徐县报告韵达快递物流园: a clause starts after the place; the name after its verb
                start, parent = k + verb.end(), None
                name = text[start:end]
            stem = name[: -len(suffix)]
            counted = self.counted_re.search(stem)
            if counted:  # 某街道的A、B两个小区: A and B are the estates
                out += self._counted_items(text, start, start + counted.start(), cls, ends)
                continue
            if self._not_a_name(name, stem):
                continue
            need = self.need_place.get(suffix) if parent is None else None
            if need is not None and not (
                    need == "unless_listed" and "、" in (text[end:end + 1], text[start - 1:start])
                    and len(stem) <= 4 and not self.estate_verb.search(stem)):
                # generic without a place name before them: 网站, 农贸市场, 指导景区
                # (a housing estate in a list of them stands: 云杉小区、青禾小区)
                continue
            if isinstance(parent, Place) and cls == Class.Site and start in ends and suffix not in self.located:
                start = ends[start][0]  # 山西孟信垣省级自然保护区: the place is part of the site's name
                name = text[start:end]
            self._address_end(text, ends, start, end, cls, len(out))
            out.append((start, end, name, cls, parent))
        return self._confident(text, out)

    def _counted_items(self, text: str, start: int, end: int, cls: str,
                       ends: dict[int, tuple[int, Place | int]]) -> list[tuple[int, int, str, str, Place | int | None]]:
        """The places of a counted list written without their shared suffix (某街道的A、B两个小区): each item
        (2 to MAX_ITEM characters back to a boundary or a 、), part of the place written before the list with
        的 (a gazetteer entry, or the index of one found by suffix)."""
        items = [(start, end)] if end - start >= 2 else []
        s = start
        while items and s > 0 and text[s - 1] == "、":
            e = s - 1
            s = e
            while s > 0 and e - s < MAX_ITEM and text[s - 1] not in self.boundary:
                s -= 1
            if e - s < 2 or (s > 0 and text[s - 1] not in self.boundary):
                break
            items.append((s, e))
        first = min((a for a, _ in items), default=start)
        of = first - len(self.counted_of)
        parent = ends[of][1] if of >= 0 and text.startswith(self.counted_of, of) and of in ends else None
        return [(a, b, text[a:b], cls, parent) for a, b in sorted(items)]

    def _address_end(self, text: str, ends: dict[int, tuple[int, Place | int]], start: int, end: int, cls: str,
                     place: Place | int) -> None:
        """Record that a place (gazetteer entry, or index of one found by suffix) is written at start:end,
        so a name right after it can be its part; after a township also past its office (某某街道办事处)."""
        ends.setdefault(end, (start, place))
        if cls == Class.Township and (office := self.office_after.match(text, end)):
            ends.setdefault(office.end(), (start, place))

    def _not_a_name(self, name: str, stem: str) -> bool:
        """A run before a suffix that is no place name: too short, a listed non-name, a clause (its verb or
        the word that starts it; 和平社区 keeps its 和, as 平 alone is no name)."""
        return len(stem) < 2 or name in self.bad_name or stem in self.bad_name or bool(self.bad_part.search(name)) \
            or (stem[0] in self.bad_start and not (stem[0] in self.start_also and len(stem) == 2)) \
            or bool(self.clause_verb.search(stem))

    def _name_edge(self, text: str, end: int, name_end: int, max_name: int,
                   ends: dict[int, tuple[int, Place | int]]) -> tuple[Place | int | None, int | None, int]:
        """:meth:`_left_edge`, but a township name the gazetteer knows in another province stands as written."""
        if end in self._foreign:
            start = self._foreign[end]
            return (ends[start][1] if start in ends else None), start, start
        return self._left_edge(text, name_end, max_name, ends)

    def _left_edge(self, text: str, name_end: int, max_name: int,
                   ends: dict[int, tuple[int, Place | int]]) -> tuple[Place | int | None, int | None, int]:
        """Where a name ending at ``name_end`` starts, running back at most ``max_name`` characters:
        (the place written right before it or None, the start or None when the run is too long, where the scan
        stopped)."""
        boundary, edge_words, reach = self.boundary, self.edge_words, self.edge_reach
        k = name_end
        while k > 0 and name_end - k <= max_name:
            if k in ends:
                return ends[k][1], k, k
            if (text[k - 1] in boundary and not (text[k - 1] in self.start_also and name_end - k < 2)) \
                    or text.endswith(edge_words, max(0, k - reach), k):
                return None, k, k
            k -= 1
        if k == 0 and name_end <= max_name:
            return None, 0, k  # the text's start is a boundary too
        return None, None, k

    def _confident(self, text: str, found: list) -> list:
        """Villages and communities without a place before them count when the page repeats them,
        lists them with 、, names their committee (党总支, 村委会), writes a smaller place right
        after them (某某镇某某村) or its estates (某某街道的某某小区). A parent given as an index into
        ``found`` is an index into the list returned."""
        names = [f[2] for f in found]
        hosts = {f[4] for f in found if isinstance(f[4], int)}
        new_index: dict[int, int] = {}
        keep: list[tuple[int, int, str, str, Place | int | None]] = []
        for i, f in enumerate(found):
            start, end, name, cls, parent = f
            if parent is None and cls in (Class.Community, Class.Township) and i not in hosts:
                listed = text[end:end + 1] == "、" or text[start - 1:start] == "、"
                committee = self.committee.match(text, end) is not None
                holds = self.parts_after.match(text, end) is not None  # 某街道的某某、某某两个小区
                if not (names.count(name) >= 2 or listed or committee or holds):
                    continue
            new_index[i] = len(keep)
            keep.append((start, end, name, cls, new_index[parent]) if isinstance(parent, int) else f)
        return keep

    def find(self, doc: Doc) -> None:
        text = text_of(doc)
        spans = self._gazetteer_spans(doc)
        found = self._gazetteer_mentions(doc, spans)
        before = meta(doc)
        info = self._infer_home(doc, found)
        if info is not before and info is not None:
            found = self._gazetteer_mentions(doc, spans)  # short county names count now that home is known
        done: set[str] = set()
        found = sorted([*found, *self._listed_siblings(text, found)], key=lambda f: (f[0], -f[1]))
        starts = {s for s, _, _ in found}
        for start, end, place in found:
            if self._named_after(text, start, end, place, starts):
                continue
            m = self._mention(doc, start, end, place)
            self._with_ancestors(doc, m, place, done)
        for hm in self.home_re.finditer(text):
            code = None
            if info is not None:
                code = info.home_province if hm.group("province") else info.home_city
            home = self.gaz.get(code) if code else None
            if home is not None:
                m = self._mention(doc, hm.start(), hm.end(), home)
                m.alt_labels = []
                self._with_ancestors(doc, m, home, done)
        for pattern, code in self.abbrevs:
            abbreviated = self.gaz.get(code)
            if abbreviated is None:
                continue
            for am in pattern.finditer(text):
                self._abbreviation(doc, am, abbreviated, done)
        for am in self.short_re.finditer(text):  # every province's short form after a verb of travel
            abbreviated = self.gaz.get(self.short_code[am.group("p")])
            if abbreviated is not None:
                self._abbreviation(doc, am, abbreviated, done)
        self._add_suffix_places(doc, found)

    def _add_suffix_places(self, doc: Doc, found: list[tuple[int, int, Place]]) -> None:
        """The mentions of the places found by suffix, each part of the place written before it, else of
        the nearest larger place the text has just named."""
        local: list[Mention] = []  # the mentions of _suffix_places' list, in its order
        self._local_ends: list[int] = []
        for start, end, name, cls, parent in self._suffix_places(doc, found):
            label = self._written_out(name)
            m = add_mention(doc, Mention(cls, label, label, start, end, [name] if label != name else []))
            if isinstance(parent, int):
                add_relation(doc, m, Prop.partOf, local[parent], start)
            elif parent is not None:
                pm = self._mention(doc, start, start, parent)
                pm.alt_labels = []
                add_relation(doc, m, Prop.partOf, pm, start)
            else:
                # no place written before it: the nearest larger place the text has just named
                # (a site in an article about a village, a village in a county's report)
                host = self._context_parent(doc, start, cls, found, local)
                if host is not None:
                    add_relation(doc, m, Prop.partOf, host, start)
            local.append(m)
            self._local_ends.append(m.end)

    def _after_verbs(self, text: str, start: int, end: int) -> int:
        """Where a name starts after the verbs that open its clause (封闭管控小区: after 封闭 and 管控)."""
        while verb := self.verb_prefix.match(text[start:end]):
            start += verb.end()
        return start

    def _named_after(self, text: str, start: int, end: int, place: Place, starts: set[int]) -> bool:
        """The name is part of something named after the place: 上海大学 (an organization), 上海路 (a street;
        but not 唐山路南区, where another place's name starts right after it)."""
        if place.level != Class.County and self.org_after.match(text, end):
            return True
        return text[start:end] != place.name and end not in starts and bool(self.road_after.match(text, end))

    def _not_a_suffix_here(self, text: str, end: int, suffix: str) -> bool:
        """乡镇, 乡亲: the suffix is part of a word; 某区青松街阳光花园: a short suffix in an address."""
        after = text[end:end + 1]
        return bool(after) and after in self.word_after.get(suffix, "") or \
            suffix in self.written_out and after not in self.short_suffix_then

    def _listed_siblings(self, text: str, found: list[tuple[int, int, Place]]) -> list[tuple[int, int, Place]]:
        """A county's short name that is also a word (和顺) read in a list of its sibling counties
        (灵石、和顺、左权): written right before or after, with 、 between, a county of the same city."""
        if self.stopped_re is None:
            return []
        counties = {(s, e): p for s, e, p in found if p.level == Class.County}
        by_end = {e: p for (_, e), p in counties.items()}
        by_start = {s: p for (s, _), p in counties.items()}
        out = []
        for m in self.stopped_re.finditer(text):
            s, e = m.span()
            sibling = (by_end.get(s - 1) if text[s - 1:s] == SEP else None) or \
                (by_start.get(e + 1) if text[e:e + 1] == SEP else None)
            if sibling is None:
                continue
            same = [c for c in self.gaz.stopped_counties[m.group()]
                    if (p := self.gaz.get(c)) is not None and p.parent == sibling.parent]
            if len(same) == 1 and (place := self.gaz.get(same[0])) is not None:
                out.append((s, e, place))
        return out

    def _written_out(self, name: str) -> str:
        """The label of a place found by its suffix: a short suffix written out (某区青松街 -> 青松街道)."""
        short = self.suffix_only.search(name)
        full = self.written_out.get(short.group(1)) if short is not None else None
        return name[:short.start()] + full if short is not None and full else name

    def _abbreviation(self, doc: Doc, am: re.Match, place: Place, done: set[str]) -> None:
        s, e = am.span("p")
        m = self._mention(doc, s, e, place)
        m.alt_labels = []
        self._with_ancestors(doc, m, place, done)

    def _infer_home(self, doc: Doc, found: list[tuple[int, int, Place]]):
        """A page without a manifest entry: its home province and city are the ones its places
        mostly belong to (a local paper writes about its own area), when one clearly leads.

        A province-level city (北京, 重庆) is its own home city; a county-level city written more
        often than any prefecture (某县级市 on its own page) is the home city that 市委 / 全市 mean there.
        """
        info = meta(doc)
        if info is None or (info.home_province and info.home_city):
            return info
        votes: dict[str, Counter] = {Class.Province: Counter(), Class.City: Counter()}
        written: Counter = Counter()
        for _, _, place in found:
            written[place.code] += 1
            for p in [place, *self.gaz.ancestors(place.code)]:
                if p.level in votes:
                    votes[p.level][p.code] += 1
        home = {level: code for level, counter in votes.items() if (code := _leader(counter))}
        province = info.home_province or home.get(Class.Province)
        city = info.home_city or home.get(Class.City)
        if city and province and not self.gaz.is_within(city, province):
            city = None
        if not info.home_city:
            county_cities = Counter({c: n for c, n in written.items() if self._county_city(c, province)})
            top = _leader(county_cities, least=2)
            cities = [n for c, n in written.items() if (city_place := self.gaz.get(c)) is not None
                      and city_place.level == Class.City]
            led = self._led_county_city(doc, found, province, written, max(cities, default=0))
            if led:
                city = led
            elif top and county_cities[top] >= max(cities, default=0):
                city = top
            elif province and province in MUNICIPALITIES:
                city = province
        doc._.kg_meta = replace(info, home_province=province, home_city=city)
        state(doc).guessed_home = frozenset(
            level for level, given, code in (("city", info.home_city, city), ("province", info.home_province, province))
            if code and not given)
        return doc._.kg_meta

    def _led_county_city(self, doc: Doc, found: list[tuple[int, int, Place]], province: str | None,
                         written: Counter, most_city: int) -> str | None:
        """On a page that speaks as a city (我市召开…), the county-level city whose own leader it names
        (某某市委书记韩某): that city is 我市, however often its prefecture is written; else the one its
        headline names (某某市召开…), when no prefecture is written more often (``written``: how often each
        place is; ``most_city``: the most any prefecture is)."""
        text = text_of(doc)
        if not self.first_person_city_re.search(text):
            return None
        led = {p.code for _, e, p in found if self._county_city(p.code, province) and self.own_leader_re.match(text, e)}
        if not led:
            headline = text.find("\n")
            led = {p.code for s, _, p in found if s < headline and self._county_city(p.code, province)}
            if len(led) == 1 and written[next(iter(led))] < most_city:
                return None  # a prefecture's page with a county-level city in its headline
        return led.pop() if len(led) == 1 else None

    def _county_city(self, code: str, province: str | None) -> bool:
        place = self.gaz.get(code)
        return place is not None and place.level == Class.County and self.county_city.search(place.name) is not None \
            and (province is None or self.gaz.is_within(code, province))

    def _context_parent(self, doc: Doc, at: int, cls: str, found, local: list[Mention]) -> Mention | None:
        rank = RANK[cls]
        lo = max(0, at - CONTEXT_CHARS - PARAGRAPH_REACH)
        window = max(text_of(doc).rfind("\n\n", lo, max(0, at - CONTEXT_CHARS)), lo - 1)
        text = text_of(doc)
        info = meta(doc)
        home = info.home_province if info else None

        def at_home(place: Place) -> bool:
            return home is None or self.gaz.is_within(place.code, home)

        # a place followed by 、 is a sibling in a list, not the host of what follows
        found = found[bisect_right(found, window, key=lambda f: f[0]):bisect_left(found, at, key=lambda f: f[0])]
        ends = self._local_ends  # local places are found in the order of their ends
        i = j = bisect_right(ends, at, hi=len(local))
        while i > 0 and ends[i - 1] > window:
            i -= 1
        local = local[i:j]
        candidates: list[tuple[bool, int, int, tuple]] = [
            (at_home(p), e, RANK[_class(p.level)], ("gaz", s, e, p)) for s, e, p in found
                      if e <= at and s > window and RANK[_class(p.level)] < rank and p.level != Class.Country
                      and _class(p.level) in (Class.County, Class.Township, Class.City) and text[e:e + 1] != "、"]
        candidates += [(True, m.end, RANK[m.cls], ("local", m)) for m in local
                       if m.end <= at and m.start > window and RANK[m.cls] < rank and text[m.end:m.end + 1] != "、"]
        if not candidates:
            return None
        *_, best = max(candidates, key=lambda c: (c[0], c[1], c[2]))
        if best[0] == "local":
            return best[1]
        place = best[3]
        pm = self._mention(doc, at, at, place)
        pm.alt_labels = []
        return pm


def _leader(counter: Counter, least: int = 2) -> str | None:
    """The code named at least ``least`` times and at least twice as often as any other."""
    ranked = counter.most_common(2)
    if ranked and ranked[0][1] >= least and (len(ranked) == 1 or ranked[0][1] >= 2 * ranked[1][1]):
        return ranked[0][0]
    return None

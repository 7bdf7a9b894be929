"""kg_places: places from the gazetteer, home-place anaphora, abbreviations and suffix patterns.

Gazetteer names are matched with spaCy's PhraseMatcher (longest match wins);
我省 / 我市 resolve through the page's manifest entry; one-character
abbreviations (返晋, 入并) only in the contexts listed in
``place_abbrev.tsv``; townships, villages and sites that no gazetteer lists are
found by the suffixes in ``place_patterns.tsv`` with a guarded left boundary.
Every place gets ``partOf`` its parent (gazetteer, or the place written right
before it: 晋源区赤桥村) and gazetteer places get ``adminCode``.
"""

from __future__ import annotations

import re

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc
from spacy.util import filter_spans

from kg.components.base import add_mention, add_relation, meta
from kg.gazetteer import Place, data_rows, gazetteer
from kg.model import Mention

HOME_PROVINCE = ("我省", "全省", "本省")
HOME_CITY = ("我市", "全市", "本市")
HOME = re.compile("|".join(HOME_PROVINCE + HOME_CITY))
# Characters that cannot start a place name written without a gazetteer prefix.
BAD_START = set("的在对和与及到从于至将把向等个各全该本每这那其了是为被由以经赴抵返入来去回并或所有进驻近内外上下中新老大小")
BAD_NAME = {"乡镇", "城镇", "村镇", "农村", "乡村", "街道", "社区", "村村", "全村", "各村", "本村", "该村", "进村",
            "驻村", "村庄", "小区", "市场", "景区", "古城", "车站", "网站", "站站"}
CJK = r"[\u4e00-\u9fff]"
# Only these suffixes may follow a bare two-character guess; the rest need a place before them.
GUESSABLE = {"Township", "Community"}


def _class(level: str) -> str:
    return {"Country": "Country", "Province": "Province", "City": "City", "County": "County",
            "Township": "Township"}.get(level, "Place")


@Language.factory("kg_places")
class PlaceRecognizer:
    def __init__(self, nlp: Language, name: str) -> None:
        self.name = name
        self.gaz = gazetteer()
        self.matcher = PhraseMatcher(nlp.vocab)
        names = sorted(self.gaz.by_name)
        self.matcher.add("PLACE", [nlp.make_doc(n) for n in names])
        self.abbrevs = [(re.compile(p), code) for p, code in data_rows("place_abbrev.tsv")]
        patterns = []
        for row in data_rows("place_patterns.tsv"):
            suffix, cls, max_name = row[0], row[1], int(row[2])
            patterns.append((suffix, cls, max_name))
        patterns.sort(key=lambda p: -len(p[0]))
        self.suffixes = patterns
        alternation = "|".join(re.escape(s) for s, _, _ in patterns)
        self.suffix_re = re.compile(rf"(?:{CJK}|[0-9A-Za-z]){{1,12}}?(?:{alternation})(?!{CJK}*?[村镇乡])")
        self.suffix_only = re.compile(rf"({alternation})$")

    # -------------------------------------------------------------- gazetteer
    def _gazetteer_mentions(self, doc: Doc) -> list[tuple[int, int, Place]]:
        spans = filter_spans([doc[s:e] for _, s, e in self.matcher(doc)])
        found: list[tuple[int, int, Place]] = []
        context: list[str] = []
        info = meta(doc)
        home = [c for c in (info.home_city, info.home_province) if c] if info else []
        for span in spans:
            text = span.text
            prev = [code for s, e, p in found[-1:] if span.start_char - e <= 1 for code in [p.code]]
            code = self.gaz.pick(text, prev + context[-6:][::-1] + home)
            if code is None:
                continue
            place = self.gaz.get(code)
            if place.level == "Township" and (len(place.name) < 3 or place.name in BAD_NAME):
                continue
            if text != place.name and place.level == "County":
                # a county's short form counts at home, or right after its own city or province
                near = set(prev) | set(home)
                if not any(self.gaz.is_within(code, c) for c in near):
                    continue
            found.append((span.start_char, span.end_char, place))
            context.append(code)
        return found

    def _mention(self, doc: Doc, start: int, end: int, place: Place) -> Mention:
        alt = [doc.text[start:end]] if doc.text[start:end] != place.name else []
        return add_mention(doc, Mention(_class(place.level), self._key(place), place.name, start, end, alt,
                                        {"adminCode": place.code if place.code.isdigit() else None}))

    def _key(self, place: Place) -> str:
        if place.code.isdigit():
            return place.code
        return place.name if len(self.gaz.by_name.get(place.name, [])) <= 1 else place.code

    def _with_ancestors(self, doc: Doc, m: Mention, place: Place) -> None:
        if place.code.isdigit():
            add_relation(doc, m, "adminCode", place.code, m.start)
        child, child_place = m, place
        for parent in self.gaz.ancestors(place.code):
            pm = self._mention(doc, m.start, m.end, parent)
            pm.alt_labels = []
            add_relation(doc, child, "partOf", pm, m.start)
            if parent.code.isdigit():
                add_relation(doc, pm, "adminCode", parent.code, m.start)
            child, child_place = pm, parent

    # -------------------------------------------------------------- patterns
    def _suffix_places(self, doc: Doc, taken: list[tuple[int, int, Place]]) -> list[tuple[int, int, str, str, Place | None]]:
        text = doc.text
        ends = {e: p for s, e, p in taken}
        starts = {s for s, e, p in taken}
        covered = bytearray(len(text) + 1)
        for s, e, _ in taken:
            covered[s:e] = b"\x01" * (e - s)
        out = []
        for m in self.suffix_re.finditer(text):
            suffix = self.suffix_only.search(m.group()).group(1)
            cls, max_name = next((c, n) for s, c, n in self.suffixes if s == suffix)
            end = m.end()
            name_end = end - len(suffix)
            if covered[name_end - 1] and name_end - 1 >= 0 and not any(e == name_end for e in ends):
                continue  # inside a gazetteer name (e.g. 太原站 where 太原 ends right here is fine)
            # the name starts after the nearest place written right before it
            parent, start = None, None
            for k in range(name_end, max(m.start(), name_end - max_name - 8) - 1, -1):
                if k in ends:
                    parent, start = ends[k], k
                    break
            if parent is not None and start == name_end:
                if cls != "Site" or suffix in ("古城",):
                    continue  # 太谷区 + 镇? no name of its own
                name = text[start - len(parent.name):end] if text[start - len(parent.name):start] == parent.name \
                    else text[m.start():end]
                # X站 after a place name: the station is named by the place (太原站)
                name = text[_start_of(ends, start, parent, text):end]
            elif parent is not None:
                name = text[start:end]
            else:
                if cls not in GUESSABLE:
                    continue
                begin = max(name_end - 2, m.start())
                name = text[begin:end]
                start = begin
                if name[0] in BAD_START:
                    continue
            stem = name[: -len(suffix)] if len(name) > len(suffix) else ""
            if not stem or name in BAD_NAME or stem[0] in BAD_START or len(stem) > max_name or \
                    any(covered[i] for i in range(start, name_end) if i not in starts and parent is None):
                continue
            if re.search(r"[，。、；：“”（）]", name):
                continue
            out.append((end - len(name), end, name, cls, parent))
        return out

    def __call__(self, doc: Doc) -> Doc:
        text = doc.text
        found = self._gazetteer_mentions(doc)
        for start, end, place in found:
            m = self._mention(doc, start, end, place)
            self._with_ancestors(doc, m, place)
        info = meta(doc)
        for hm in HOME.finditer(text):
            code = None
            if info is not None:
                code = info.home_province if hm.group() in HOME_PROVINCE else info.home_city
            place = self.gaz.get(code) if code else None
            if place is not None:
                m = self._mention(doc, hm.start(), hm.end(), place)
                m.alt_labels = []
                self._with_ancestors(doc, m, place)
        for pattern, code in self.abbrevs:
            place = self.gaz.get(code)
            for am in pattern.finditer(text):
                s, e = am.span("p")
                m = self._mention(doc, s, e, place)
                m.alt_labels = []
                self._with_ancestors(doc, m, place)
        for start, end, name, cls, parent in self._suffix_places(doc, found):
            key = name
            m = add_mention(doc, Mention(cls, key, name, start, end))
            if parent is not None:
                pm = self._mention(doc, start, start + 1, parent)
                pm.alt_labels = []
                add_relation(doc, m, "partOf", pm, start)
        return doc


def _start_of(ends: dict, end: int, parent: Place, text: str) -> int:
    for length in range(len(parent.name), 0, -1):
        if text[end - length:end] in (parent.name, *parent.aliases):
            return end - length
    return end

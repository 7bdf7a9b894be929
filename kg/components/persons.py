"""kg_persons: persons and their posts, from the genre's patterns.

Patterns (all general, none names anyone): a chain of titles before a name
(省委副书记、省长、省…领导小组组长X), lists after 省领导 / 市领导, bylines (记者 X、Y;
（X）closing a report; X 摄), a name before a cue verb (X主持 / X讲话 in headlines), and
anonymised names (王某某). A name is a common surname plus one or two characters,
ending where a cue, punctuation or a space begins. Every (person, title) gives a
kg:Post with ``title``, ``postIn`` (the organization inside the title, or the
default of its role) and ``jurisdiction``.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from itertools import accumulate

from spacy.language import Language
from spacy.tokens import Doc

from kg.components.base import (
    KgComponent,
    add_mention,
    add_relation,
    matches_near,
    mentions,
    meta,
    of_class,
    relations,
    state,
    text_of,
    written_places,
)
from kg.components.orgs import org_key
from kg.gazetteer import data_rows, data_text, gazetteer
from kg.lexicon import Lexicon
from kg.model import Mention, Relation
from kg.ns import Class, Prop

# kinds of organization whose post holders are officials (a police bureau's team leader)
GOVERNING = {"government", "department", "party-committee", "leading-group", "task-force", "fixed", "scoped"}
PUNCT = set("，。、；：！？“”‘’（）()《》「」【】[] \n\t\u3000,.;:!?")
# two or three characters of a byline's name, a spaced one (王 明) included
BYLINE_NAME = re.compile(r"[\u4e00-\u9fff](?:[ \u3000](?=[\u4e00-\u9fff][）)、 \u3000\n]))?[\u4e00-\u9fff]{1,2}")
SEP = "、"
SPACE = re.compile(r"[ \u3000]")


def _load_surnames() -> tuple[set[str], set[str]]:
    names = [w.strip() for w in data_text("surnames.txt").splitlines() if w.strip() and not w.startswith("#")]
    return {n for n in names if len(n) == 1}, {n for n in names if len(n) == 2}


def _occurrences(text: str, words: list[str]) -> list[tuple[int, int, str]]:
    """(start, end, word) as ``re.finditer("|".join(words), text)`` gives them (at each place the
    first word that is written there, no overlaps), without compiling a regex for every page."""
    hits = []
    for rank, word in enumerate(words):
        i = text.find(word)
        while i != -1:
            hits.append((i, rank, word))
            i = text.find(word, i + 1)
    hits.sort()
    out = []
    pos = 0
    for start, _, word in hits:
        if start >= pos:
            out.append((start, start + len(word), word))
            pos = start + len(word)
    return out


@Language.factory("kg_persons", requires=["doc._.kg_places", "doc._.kg_orgs", "doc._.kg_relations", "doc._.kg_meta"],
                  assigns=["doc._.kg_mentions", "doc._.kg_relations", "doc._.kg_persons", "doc._.kg_orgs"],
                  default_config={"lexicon": {}})
class PersonRecognizer(KgComponent):
    kind = "kg_persons"

    def __init__(self, nlp: Language, name: str, lexicon: dict[str, str] | None = None) -> None:
        # org id -> its jurisdiction, read from the relations list _jur_rels up to _jur_seen (see _jurisdiction)
        self._jur_rels: list[Relation] | None = None
        self._jur_seen = 0
        self._jur: dict[int, Mention] = {}
        self.name = name
        self.gaz = gazetteer()
        self.single, self.double = _load_surnames()
        rows = data_rows("titles.tsv")
        self.roles = {r[0]: (r[1] == "yes", r[2] if len(r) > 2 else "") for r in rows}
        self.role_re = re.compile("|".join(re.escape(r) for r in sorted(self.roles, key=len, reverse=True)))
        cues = data_rows("person_cues.tsv")
        self.cues = {c[0]: c[1] for c in cues}
        self.cue_re = re.compile("|".join(re.escape(c) for c in sorted(self.cues, key=len, reverse=True)))
        lex = Lexicon("persons", lexicon)
        self.name_then_cue = lex["name_then_cue"]  # one-character cues that end a name before punctuation
        self.not_in_bare = frozenset(lex["not_in_bare_name"])
        self.dotted_head_re = re.compile(lex["dotted_name_head"])
        self.leaders_re = re.compile(lex["leader_list"])
        self.byline_re = re.compile(lex["byline"])
        # an editor's line (责任编辑：X, 【编辑：X】) and a dateline's bracketed byline (…电（X Y）)
        self.editor_re = re.compile(lex["editor"])
        self.dateline_byline_re = re.compile(lex["dateline_byline"])
        self.paren_re = re.compile(r"[（(]([\u4e00-\u9fff][ \u3000]?[\u4e00-\u9fff]{1,2})[)）][ \u3000]*(?=\n|$)")
        self.photo_re = re.compile(lex["photo"])
        self.author_re = re.compile(lex["author"])
        self.credit_re = re.compile(lex["credit"])
        self.byline_then = lex["byline_then"]
        # an anonymised name: X某某, or X某 where the name ends (张某萍 masks a given name, no name of its own)
        self.anon_re = re.compile(lex["anonymised"])
        self.case_record_re = re.compile(lex["case_record"])
        # where a title's run starts, read back from its role
        self.title_cut_re = re.compile(lex["title_cut"])
        self.as_title_re = re.compile(lex["as_title"])
        self.scope_start = lex["scope_start"]
        self.party_body_end_re = re.compile(lex["party_body_end"])
        # a chain's regions written after its name (某超市华北区): no part of a post's title
        self.region_prefix_re = re.compile(lex["region_prefix"])
        self.chain_region_re = re.compile(lex["chain_region"])
        self.anaphor_re = re.compile(lex["anaphor"])
        self.not_name_start = lex["not_name_start"]
        self.not_names = {w.strip() for w in data_text("not_names.txt").splitlines()
                          if w.strip() and not w.startswith("#")}
        nouns = [w.strip() for w in data_text("person_nouns.txt").splitlines()
                 if w.strip() and not w.startswith("#")]
        self.nouns = set(nouns)
        self.noun_re = re.compile("|".join(re.escape(w) for w in sorted(nouns, key=len, reverse=True)))
        # a person's former home or memorial hall: 某某故居
        self.home_re = re.compile(lex["former_home"])
        # a spaced two-character byline closing a report: （王 某）
        self.spaced_paren_re = re.compile(
            r"(?<=[。！？”])[ \u3000]*[（(]([\u4e00-\u9fff][ \u3000][\u4e00-\u9fff])[)）][ \u3000]*(?=\n|$)")
        # the few titles written after the name: X总书记
        self.after_re = re.compile(lex["name_before_title"])
        self.after_title_re = re.compile(lex["title_after_name"])

    # ------------------------------------------------------------ names
    def is_surname_start(self, text: str) -> bool:
        return text[:2] in self.double or text[:1] in self.single

    def boundary(self, text: str, i: int) -> bool:
        return i >= len(text) or text[i] in PUNCT or text[i].isascii() or text[i].isdigit() or bool(
            self.cue_re.match(text, i)) or bool(self.role_re.match(text, i))

    def name_at(self, text: str, i: int) -> tuple[int, int] | None:
        """(start, end) of a name starting at ``i`` (2–3 characters, 4 with a two-character surname)."""
        if not self.is_surname_start(text[i:i + 2]):
            return None
        lengths = (4, 3) if text[i:i + 2] in self.double else (3, 2)
        for n in lengths:
            chunk = text[i:i + n]
            if len(chunk) == n and re.fullmatch(r"[\u4e00-\u9fff]+", chunk) and self.boundary(text, i + n):
                if n == 3 and self.boundary(text, i + 2) and (not (i + 3 >= len(text) or text[i + 3] in PUNCT)
                                                              or text[i + 2] in self.name_then_cue):
                    continue  # 王明主持 / 王明说。: the third character starts the cue
                return i, i + n
        return None

    def dotted_name_at(self, text: str, i: int) -> tuple[int, int] | None:
        """A transliterated name of parts joined by a middle dot at ``i`` (主任买买提·艾力介绍): its last part
        of two to eight characters ends at a cue or a character that is not Chinese."""
        head = self.dotted_head_re.match(text, i)
        if head is None or self.not_in_bare.intersection(text[i:head.end()]):
            return None
        for n in range(2, 9):
            end = head.end() + n
            part = text[head.end():end]
            if len(part) < n or not re.fullmatch(r"[\u4e00-\u9fff]+", part) or self.not_in_bare.intersection(part):
                return None
            nxt = text[end:end + 1]
            if not re.match(r"[\u4e00-\u9fff]", nxt) or self.cue_re.match(text, end):  # "" too
                return i, end
        return None

    def bare_name_at(self, text: str, i: int) -> tuple[int, int] | None:
        """A name of no known surname right after a title (副局长扎西顿珠、, 主任 阿依古丽介绍): four or
        three characters (one space before them allowed) that end at 、, a line's end or a cue,
        and hold no cue, title or function character."""
        if text[i:i + 1] in (" ", "\u3000"):
            i += 1
        for n in (4, 3):
            chunk = text[i:i + n]
            if len(chunk) < n or not re.fullmatch(r"[\u4e00-\u9fff]+", chunk) or self.not_in_bare.intersection(chunk):
                continue
            after = text[i + n:i + n + 1]
            if not (after in ("", "、", "\n") or self.cue_re.match(text, i + n)):
                continue
            if self.cue_re.search(chunk) or self.role_re.search(chunk) or chunk in self.not_names \
                    or self.noun_re.search(chunk):
                continue
            return i, i + n
        return None

    def _confirmed_name(self, text: str, i: int) -> tuple[int, int] | None:
        """A name at ``i`` whose end is unclear (刘某最近…): the longest reading written again on the page."""
        span = self.name_at(text, i)
        if span is not None:
            return span
        for n in (3, 2):
            chunk = text[i:i + n]
            if len(chunk) == n and re.fullmatch(r"[\u4e00-\u9fff]+", chunk) and self.is_surname_start(chunk) \
                    and text.count(chunk) >= 2 and not self.role_re.match(chunk):
                return i, i + n
        return None

    def spaced_name(self, text: str, start: int, end: int) -> str:
        return re.sub(r"[ \u3000]", "", text[start:end])

    # ------------------------------------------------------------ mentions
    def _person(self, doc: Doc, start: int, end: int, official: bool, titles=()) -> Mention:
        surface = text_of(doc)[start:end]
        name = self.spaced_name(text_of(doc), start, end)
        alts = [surface] if surface != name else []
        return add_mention(doc, Mention(Class.Official if official else Class.Person, name, name, start, end, alts,
                                        {"titles": list(titles)}))

    def _title_text(self, doc: Doc, start: int, end: int, role: str, orgs: list[Mention]) -> str:
        """The title as a reader names it: 省委书记 and 省…领导小组组长 keep their scope, but a post in a
        named body or place drops the name (赤桥村党总支书记 -> 党总支书记, X银行董事长 -> 董事长)."""
        text = text_of(doc)
        cut = start
        limit = end - len(role)
        inner = self._inner_places
        scoped = [o for o in self._orgs_from(orgs, start, limit) if o.attrs.get("kind") in ("fixed", "scoped")]
        for m in inner[bisect_left(self._inner_at, start):bisect_left(self._inner_at, limit)]:
            if m.end <= limit and not any(o.start <= m.start and m.end <= o.end for o in scoped):
                cut = max(cut, m.end)  # but 平遥县委书记 keeps the county its party committee is named by
        for o in self._orgs_from(orgs, start, limit):
            surface = text[o.start:o.end]
            if o.end <= limit and o.end > o.start and surface[:1] not in self.scope_start \
                    and o.attrs.get("kind") not in ("fixed", "scoped"):
                party = self.party_body_end_re.search(surface)  # 党总支书记 is the title
                cut = max(cut, o.end - (len(party.group()) if party else 0))
        title = text[cut:end]
        region = self.region_prefix_re.match(title) if cut > start else None
        if region and len(title) > 3 + len(role) and (self.chain_region_re.fullmatch(region.group(1)) or any(
                (pl := self.gaz.get(c)) is not None and pl.level == Class.Province
                for c in self.gaz.by_name.get(region.group(1), ()))):
            title = title[3:]  # 某超市山西区食品安全负责人: the chain's region
        anaphor = self.anaphor_re.match(title)
        if anaphor:  # 该物流园经理: the body is named elsewhere; 该社区党支部书记 keeps 党支部
            party = self.party_body_end_re.search(title[:-len(role)])
            title = (party.group() if party else "") + role
        return title or role

    def _post(self, doc: Doc, person: Mention, title: str, t_start: int, t_end: int, role: str,
              orgs: list[Mention]) -> None:
        org = None
        for o in self._orgs_from(orgs, t_start, t_end + 1):  # the organization inside the title (省委 in 省委书记)
            if t_start <= o.start and o.end <= t_end - len(role) + (1 if o.end == t_end else 0):
                org = o if org is None or o.end > org.end else org
        if org is None:
            org = self._default_org(doc, role, t_start)
        key = f"{title}|{org.key if org is not None else ''}"
        post = add_mention(doc, Mention(Class.Post, key, title, t_start, t_end))
        add_relation(doc, person, Prop.holds, post, person.start)
        add_relation(doc, post, Prop.title, title, person.start)
        if org is not None:
            add_relation(doc, post, Prop.postIn, org, person.start)
            place = self._jurisdiction(doc, org)
            if place is not None:
                add_relation(doc, post, Prop.jurisdiction, place, person.start)

    def _default_org(self, doc: Doc, role: str, at: int) -> Mention | None:
        template = self.roles.get(role, (False, ""))[1]
        if not template:
            return None
        info = meta(doc)
        codes = {"{province}": info.home_province if info else None, "{city}": info.home_city if info else None}
        for slot, code in codes.items():
            if slot in template:
                place = self.gaz.get(code) if code else None
                if place is None:
                    return None
                name = template.replace(slot, place.name)
                org = add_mention(doc, Mention(Class.Organization, org_key(name), name, at, at))
                pm = add_mention(doc, Mention(place.level, place.code, place.name, at, at))
                add_relation(doc, org, Prop.jurisdiction, pm, at)
                return org
        return add_mention(doc, Mention(Class.Organization, org_key(template), template, at, at))

    def _jurisdiction(self, doc: Doc, org: Mention) -> Mention | None:
        """The object of the first jurisdiction relation of ``org`` (relations are only appended:
        each is looked at once)."""
        rels = relations(doc)
        if self._jur_rels is not rels:
            self._jur_rels, self._jur_seen, self._jur = rels, 0, {}
        for rel in rels[self._jur_seen:]:
            if rel.pred == Prop.jurisdiction and isinstance(rel.obj, Mention):
                self._jur.setdefault(id(rel.subj), rel.obj)
        self._jur_seen = len(rels)
        return self._jur.get(id(org))

    def _orgs_from(self, orgs: list[Mention], lo: int, hi: int) -> list[Mention]:
        """The organizations of ``orgs`` (the page's, in text order) that start in ``lo:hi``."""
        return orgs[bisect_left(self._org_at, lo):bisect_left(self._org_at, hi)]

    # ------------------------------------------------------------ patterns
    def _title_chains(self, doc: Doc, orgs: list[Mention], found: dict) -> None:
        text = text_of(doc)
        for m in self.role_re.finditer(text):
            span = self.dotted_name_at(text, m.end()) or self.name_at(text, m.end())
            if span is None and text[m.end():m.end() + 1] in "：: ":
                span = self.name_at(text, m.end() + 1)
            if span is None and text[m.end():m.end() + 1] == "，" \
                    and self.as_title_re.search(text, max(0, m.start() - 24), m.start()):
                span = self._confirmed_name(text, m.end() + 1)
            if span is None and not self.is_surname_start(text[m.end():m.end() + 2]):
                span = self.bare_name_at(text, m.end())
            if span is None or span in found:
                continue
            # walk back over the chain of titles: T1、T2、T3
            titles = []
            end = m.end()
            role = m.group()
            while True:
                start = end - len(role)
                while start > 0 and text[start - 1] not in PUNCT and end - start < 24:
                    start -= 1
                title = text[start:end]
                cut = self.title_cut_re.search(title)
                if cut and cut.end() <= len(title) - len(role):
                    start += cut.end()
                    title = text[start:end]
                titles.append((title, start, end, role))
                if start == 0 or text[start - 1] != SEP:
                    break
                prev_end = start - 1
                prev_role = None
                for r in self.role_re.finditer(text, max(0, prev_end - 24), prev_end):
                    if r.end() == prev_end:
                        prev_role = r.group()
                if prev_role is None:
                    break
                end, role = prev_end, prev_role
            official = any(self.roles[r][0] for _, _, _, r in titles) or any(
                o.attrs.get("kind") in GOVERNING and s <= o.start and o.end <= e - len(r)
                for _, s, e, r in titles for o in self._orgs_from(orgs, s, e - len(r)))
            person = self._person(doc, span[0], span[1], official, [t for t, _, _, _ in titles])
            found[span] = person
            for _title, start, end, role in reversed(titles):
                self._post(doc, person, self._title_text(doc, start, end, role, orgs), start, end, role, orgs)

    def _leader_lists(self, doc: Doc, found: dict) -> None:
        text = text_of(doc)
        for m in self.leaders_re.finditer(text):
            i = m.end()
            while i < len(text):
                span = self.name_at(text, i)
                if span is None:
                    break
                if span not in found:
                    found[span] = self._person(doc, span[0], span[1], True)
                i = span[1]
                if text[i:i + 1] != SEP:
                    break
                i += 1

    def _bylines(self, doc: Doc, orgs: list[Mention], found: dict) -> None:
        text = text_of(doc)
        for m in self.byline_re.finditer(text):
            i = m.end()
            while i < len(text):
                span = self._byline_name(text, i)
                if span is None:
                    break
                if span not in found:
                    p = self._person(doc, span[0], span[1], False, [m.group(1)])
                    found[span] = p
                    # a post only where the byline names the paper (某某日报记者): a bare 记者 says
                    # what the person does, not a post held in any body
                    newspaper = self._org_by_end.get(m.start(), [])
                    if newspaper:
                        title = text[newspaper[0].start:m.start() + len(m.group(1))]
                        self._post(doc, p, title, newspaper[0].start, m.start() + len(m.group(1)), m.group(1), orgs)
                i = span[1]
                if text[i:i + 1] in (SEP, " ", "\u3000") and not self.byline_re.match(text, i + 1):
                    i += 1
                    continue
                break
        editors = list(self.editor_re.finditer(text))
        for k, m in enumerate([*editors, *self.dateline_byline_re.finditer(text)]):
            i = m.end()
            while (span := self._byline_name(text, i, any_surname=k < len(editors))) is not None:
                if span not in found:
                    found[span] = self._person(doc, span[0], span[1], False)
                i = span[1]
                if text[i:i + 1] not in (SEP, " ", "\u3000"):
                    break
                i += 1
        # 摄 comes after a name of 2-4 characters and a space: try the pattern only before spaces
        photos = matches_near(self.photo_re, text, (m.start() for m in SPACE.finditer(text)), 4, 2)
        for found_by in (self.paren_re.finditer(text), photos, self.author_re.finditer(text)):
            for m in found_by:
                s, e = m.span(1)
                if self.is_surname_start(self.spaced_name(text, s, e)) and (s, e) not in found:
                    found[(s, e)] = self._person(doc, s, e, False)

    def _byline_name(self, text: str, i: int, any_surname: bool = False) -> tuple[int, int] | None:
        """The name a byline or credit starts at ``i``: two or three characters that end at punctuation, the
        text's end or the next credit, and start with a surname (``any_surname``: in an editor's line,
        where a pen name stands as well: 责任编辑：晓岚, with no known surname, but never a function word)."""
        m = BYLINE_NAME.match(text, i)
        if not m:
            return None
        end = m.end()
        if end < len(text) and text[end] not in PUNCT and text[end] not in self.byline_then \
                and not self.credit_re.match(text, end):  # 编辑：X责编：Y, credits run together
            return None
        name = self.spaced_name(text, i, end)
        named = self.is_surname_start(name) or (any_surname and name[0] not in self.not_name_start
                                                 and name not in self.not_names)
        return (i, end) if 2 <= len(name) <= 3 and named else None

    def _cued(self, doc: Doc, found: dict) -> None:
        """X主持 / X讲话 … at the start of a clause or headline."""
        text = text_of(doc)
        for m in self.cue_re.finditer(text):
            if self.cues[m.group()] == "other":
                continue
            for n in (3, 2, 4):
                s = m.start() - n
                if s < 0:
                    continue
                if n == 3 and text[m.start() - 1] in self.name_then_cue:
                    continue  # 王明等出席: 等 is no part of the name
                if (s == 0 or text[s - 1] in PUNCT) and re.fullmatch(r"[\u4e00-\u9fff]+", text[s:m.start()]) \
                        and self.is_surname_start(text[s:m.start()]) and (n != 4 or text[s:s + 2] in self.double):
                    if (s, m.start()) not in found:
                        found[(s, m.start())] = self._person(doc, s, m.start(), False)
                    break

    def _repeat_known(self, doc: Doc, found: dict) -> None:
        """Other occurrences on the page of a name already found (X指出, X书记)."""
        text = text_of(doc)
        names = {p.key: p for p in found.values() if len(p.key) >= 2}
        if not names:
            return
        covered = {(s, e) for s, e in found}
        for start, after, name in _occurrences(text, sorted(names, key=len, reverse=True)):
            if (start, after) in covered or any(s <= start < e for s, e in covered):
                continue
            if after < len(text) and not (text[after] in PUNCT or self.cue_re.match(text, after)
                                          or self.role_re.match(text, after)):
                continue
            p = names[name]
            found[(start, after)] = self._person(doc, start, after, p.cls == Class.Official)

    def find(self, doc: Doc) -> None:
        orgs = of_class(doc, Class.Organization)
        # indexes of what this component reads but does not change: every lookup a bisection
        self._org_at = [o.start for o in orgs]
        self._org_reach = list(accumulate((o.end for o in orgs), max))
        self._org_by_end: dict[int, list[Mention]] = {}
        for o in orgs:
            self._org_by_end.setdefault(o.end, []).append(o)
        self._inner_places = written_places(doc, Class.County, Class.Township, Class.Community, Class.Site)
        self._inner_at = [m.start for m in self._inner_places]
        self._jur_rels, self._jur_seen, self._jur = None, 0, {}
        found: dict[tuple[int, int], Mention] = {}
        self._bylines(doc, orgs, found)
        self._title_chains(doc, orgs, found)
        self._leader_lists(doc, found)
        self._cued(doc, found)
        for m in self.anon_re.finditer(text_of(doc)):
            if self.is_surname_start(m.group()) and m.span() not in found \
                    and not self.case_record_re.match(text_of(doc), m.end()):  # 王某，女，45岁: a case
                found[m.span()] = self._person(doc, m.start(), m.end(), False)
        after = (m.start() for m in self.after_title_re.finditer(text_of(doc)))
        for m in matches_near(self.after_re, text_of(doc), after, 3, 2):
            s, e = m.span(1)
            i = bisect_left(self._org_at, e)  # the organizations starting before e: does one reach past s?
            if i and self._org_reach[i - 1] > s:
                continue  # 国务院总理: the organization, not a name
            if self.is_surname_start(m.group(1)) and len(m.group(1)) == 3 and (s, e) not in found:
                title = self.after_title_re.match(text_of(doc), e)  # the lookahead of after_re: always there
                role = title.group() if title else ""
                p = self._person(doc, s, e, True, [role])
                found[(s, e)] = p
                self._post(doc, p, role, e, e + len(role), role, orgs)
        self._described(doc, found)
        self._repeat_known(doc, found)
        self._drop_not_names(doc)
        return

    def _drop_not_names(self, doc: Doc) -> None:
        """Words that look like a surname and a name but are none (官方, 连日来) and place names read as
        bylines (编辑 某地): dropped with what was said of them."""
        bad = {id(m) for m in mentions(doc) if m.cls in (Class.Person, Class.Official) and (
            m.key in self.not_names or self.gaz.by_name.get(m.key))}
        if not bad:
            return
        rels = relations(doc)
        posts = {id(r.obj) for r in rels if id(r.subj) in bad and r.pred == Prop.holds}
        gone = bad | posts
        rels[:] = [r for r in rels if id(r.subj) not in gone and id(r.obj) not in gone]
        ms = mentions(doc)
        ms[:] = [m for m in ms if id(m) not in gone]
        state(doc).by_class.clear()  # of_class keeps sorted views of the mention list: rebuild them

    def _described(self, doc: Doc, found: dict) -> None:
        """女孩儿某某，… (a noun for a person before a name), 某某故居, and a spaced closing byline."""
        text = text_of(doc)
        for m in self.noun_re.finditer(text):
            span = self.name_at(text, m.end())
            if span is None or span in found or any(text.startswith(n, span[0]) for n in self.nouns):
                continue  # 司机师傅介绍: a second noun, not a name
            if text[span[1]:span[1] + 1] in ("，", "、") or self.cue_re.match(text, span[1]):
                found[span] = self._person(doc, span[0], span[1], False)
        for m in self.home_re.finditer(text):
            e = m.start()
            for n in (3, 2):
                s = e - n
                chunk = text[max(s, 0):e]
                if s < 0 or not re.fullmatch(r"[\u4e00-\u9fff]+", chunk) or not self.is_surname_start(chunk) \
                        or (n == 3 and text[s] in self.not_name_start):
                    continue
                if (s, e) not in found and not any(a < e and s < b for a, b in found):
                    found[(s, e)] = self._person(doc, s, e, False)
                break
        for m in self.spaced_paren_re.finditer(text):
            s, e = m.span(1)
            if (s, e) not in found and not any(a <= s < b for a, b in found):
                found[(s, e)] = self._person(doc, s, e, False)

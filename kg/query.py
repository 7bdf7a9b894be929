"""SPARQL queries and neighbourhood lookups on the Oxigraph store.

Light by design: this module imports neither spaCy, networkx nor rdflib, so
``kg query`` and ``kg neighbours`` start in a few tens of milliseconds. Names
from the user are passed to SPARQL as bound values (substitutions), never
pasted into query text.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from kg.errors import LookupFailed, QueryError, UsageError
from kg.ns import Class, Prop
from kg.ontology import PERSON_CLASSES, PLACE_CLASSES, subclasses
from kg.prefixes import DATA_IRI, KG_IRI, PREFIXES

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
ALT = "http://www.w3.org/2004/02/skos/core#altLabel"
PLACE_TYPES = frozenset(PLACE_CLASSES)
NOT_ENTITIES = ("/evidence/", "/sentence/", "/doc/")  # parts of the data IRIs that name no entity
HIDDEN = {RDF_TYPE, LABEL, ALT, Prop.mentionedIn.iri, Prop.adminCode.iri, Prop.inSentence.iri}
QUERY_PREFIXES = {k: v for k, v in PREFIXES.items()}
# The class a node is shown as, when it has several (an Official is also a Person), first match wins.
SHOWN_TYPES = (Class.Official, Class.Meeting, Class.InfectionChain, Class.Policy, Class.Post, Class.Organization,
               Class.Person)
DETAILS = frozenset(p.iri for p in (Prop.date, Prop.ordinal, Prop.title, Prop.firstReported, Prop.policyKind))
DETAILED = (Class.Meeting, Class.InfectionChain, Class.Post)  # classes whose details are shown beside the label
_PLAIN_LOCAL = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")


def queries_dir() -> Path:
    """The named example queries shipped with the package (kg/data/queries)."""
    from importlib import resources

    return Path(str(resources.files("kg").joinpath("data", "queries")))


def named_queries() -> dict[str, tuple[Path, str]]:
    """name -> (file, one-line description from its first comment)."""
    out = {}
    for path in sorted(queries_dir().glob("*.rq")):
        first = next((line[1:].strip() for line in path.read_text(encoding="utf-8").splitlines()
                      if line.startswith("#")), "")
        out[path.stem] = (path, first)
    return out


def query_text(arg: str) -> str:
    """The SPARQL to run for ``arg``: a named example query, a .rq file, or the query itself."""
    named = named_queries()
    if arg in named:
        return named[arg][0].read_text(encoding="utf-8")
    path = Path(arg)
    looks_like_file = arg.endswith(".rq") or (len(arg) < 200 and "\n" not in arg and _is_file(path))
    if looks_like_file:
        shown = arg.encode("utf-8", "backslashreplace").decode("utf-8")
        try:
            return path.read_bytes().decode("utf-8")
        except UnicodeDecodeError as err:
            raise QueryError(f"{shown}: the query file is not UTF-8 text (byte {err.start}).") from None
        except OSError as err:
            raise QueryError(f"{shown}: cannot read the query file ({err.strerror}).") from None
    if not any(c.isspace() or c in "{}?" for c in arg):
        shown = arg.encode("utf-8", "backslashreplace").decode("utf-8")
        raise QueryError(f"no named query or file {shown} (see kg query --list).")
    return arg


def _is_file(path: Path) -> bool:
    try:
        return path.is_file()
    except (OSError, ValueError):
        return False


def _text(term) -> str:
    import pyoxigraph as ox

    if term is None:
        return ""
    if isinstance(term, ox.Literal):
        return term.value
    return term.value if hasattr(term, "value") else str(term)


@dataclass
class Table:
    columns: list[str]
    rows: list[list[object]]  # pyoxigraph terms or None
    labels: dict[str, str] = field(default_factory=dict)

    def cell(self, term) -> str:
        import pyoxigraph as ox

        if term is None:
            return ""
        if isinstance(term, ox.NamedNode):
            return self.labels.get(term.value) or shorten(term.value)
        return _text(term)

    def to_text(self) -> str:
        cells = [[self.cell(t) for t in row] for row in self.rows]
        sized = [[(c, _width(c)) for c in r] for r in cells]  # each cell's width measured once
        widths = [max([_width(c)] + [r[i][1] for r in sized]) for i, c in enumerate(self.columns)]
        lines = ["  ".join(_pad(c, w) for c, w in zip(self.columns, widths, strict=True)).rstrip()]
        lines.append("  ".join("-" * w for w in widths))
        lines += ["  ".join(c + " " * (w - n) for (c, n), w in zip(r, widths, strict=True)).rstrip() for r in sized]
        lines.append(f"({len(self.rows)} rows)")
        return "\n".join(lines)

    def with_labels(self) -> tuple[list[str], list[list[object]]]:
        """Columns and rows with a ``<column>Label`` column after each column of IRIs that have labels."""
        import pyoxigraph as ox

        def iri(term: object) -> str | None:
            return term.value if isinstance(term, ox.NamedNode) else None

        labelled = {i for i in range(len(self.columns)) if any(iri(r[i]) in self.labels for r in self.rows)}
        columns: list[str] = []
        rows: list[list[object]] = [[] for _ in self.rows]
        for i, c in enumerate(self.columns):
            columns.append(c)
            for out, row in zip(rows, self.rows, strict=True):
                out.append(row[i])
            if i in labelled:
                name = c + "Label"
                while name in self.columns or name in columns:
                    name += "_"
                columns.append(name)
                for out, row in zip(rows, self.rows, strict=True):
                    label = self.labels.get(iri(row[i]) or "")
                    out.append(ox.Literal(label, language="zh") if label is not None else None)
        return columns, rows

    def to_csv(self, sep: str = ",", bom: bool = False) -> str:
        """CSV (or TSV) with a label column beside each column of IRIs; ``bom`` for Excel."""
        columns, rows = self.with_labels()
        buf = io.StringIO()
        w = csv.writer(buf, delimiter=sep, lineterminator="\n")
        w.writerow(columns)
        for row in rows:
            w.writerow([_text(t) for t in row])
        return ("\ufeff" if bom else "") + buf.getvalue()

    def to_json(self, labels: bool = True) -> str:
        """SPARQL 1.1 Query Results JSON, with a ``<variable>Label`` binding beside each labelled IRI."""
        import pyoxigraph as ox

        def binding(t):
            if isinstance(t, ox.Triple):  # RDF 1.2 triple term (SPARQL 1.2 results JSON)
                return {"type": "triple", "value": {"subject": binding(t.subject),
                                                    "predicate": binding(t.predicate),
                                                    "object": binding(t.object)}}
            if isinstance(t, ox.NamedNode):
                return {"type": "uri", "value": t.value}
            if isinstance(t, ox.BlankNode):
                return {"type": "bnode", "value": t.value}
            out = {"type": "literal", "value": t.value}
            if t.language:
                out["xml:lang"] = t.language
            elif t.datatype and t.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
                out["datatype"] = t.datatype.value
            return out

        columns, rows = self.with_labels() if labels else (self.columns, self.rows)
        bindings = [{c: binding(t) for c, t in zip(columns, row, strict=True) if t is not None} for row in rows]
        return json.dumps({"head": {"vars": columns}, "results": {"bindings": bindings}},
                          ensure_ascii=False, indent=1)


def _width(s: str) -> int:
    import unicodedata

    if s.isascii():
        return len(s)
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)


def _pad(s: str, w: int) -> str:
    return s + " " * (w - _width(s))


def shorten(iri: str) -> str:
    """``prefix:local`` when that is a legal SPARQL/Turtle prefixed name, else the full ``<IRI>``.

    Entity IRIs (kgd:place/140100) have a '/' in their local part, which a
    prefixed name may not hold unescaped: they print in full so that they can be
    pasted into a query as they are.
    """
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and _PLAIN_LOCAL.fullmatch(iri[len(ns):]):
            return f"{prefix}:{iri[len(ns):]}"
    return f"<{iri}>"


def labels_of(store, iris: list[str]) -> dict[str, str]:
    """rdfs:label of each IRI (bound one by one: indexed look-ups, no scan)."""
    import pyoxigraph as ox

    out = {}
    for iri in dict.fromkeys(iris):
        for q in store.quads_for_pattern(ox.NamedNode(iri), ox.NamedNode(LABEL), None):
            out[iri] = q.object.value
            break
    return out


def run_query(store, text: str) -> Table:
    """Run SPARQL ``text`` here, in this process, with the project's prefixes predeclared (no time limit)."""
    try:
        result = store.query(text, prefixes=QUERY_PREFIXES)
    except SyntaxError as err:
        raise QueryError(f"SPARQL syntax {err}") from None
    except (OSError, RuntimeError) as err:
        raise QueryError(f"query failed: {err}") from None
    return to_table(store, result)


def to_table(store, result) -> Table:
    """A Table from query results (solutions, a boolean or triples), with the labels of its IRIs."""
    import pyoxigraph as ox

    if isinstance(result, (bool, ox.QueryBoolean)):
        return Table(["result"], [[ox.Literal("true" if bool(result) else "false")]])
    if isinstance(result, (list, ox.QueryTriples)):
        table = Table(["subject", "predicate", "object"], [[t.subject, t.predicate, t.object] for t in result])
    else:
        columns = [v.value for v in result.variables]
        table = Table(columns, [[sol[c] for c in columns] for sol in result])
    iris = [t.value for row in table.rows for t in row if isinstance(t, ox.NamedNode)]
    table.labels = labels_of(store, iris) if store is not None else {}
    return table


_SERVICE = None


def uses_service(text: str) -> bool:
    """Whether a SPARQL query has a SERVICE clause (outside strings, IRIs and comments)."""
    import re

    global _SERVICE
    if _SERVICE is None:
        _SERVICE = re.compile(r"""
            (?P<skip> "\"\"\"(?:[^\\]|\\.)*?"\"\"\" | '\'\'(?:[^\\]|\\.)*?'\'\'  # long strings
                    | "(?:[^"\\\n]|\\.)*" | '(?:[^'\\\n]|\\.)*'          # strings
                    | <[^<>"{}|^`\\\s]*> | \#[^\n]*                          # IRIs, comments
                    | [?$]\w* | [\w.-]*:[\w.:%-]* )                          # variables, prefixed names
            | (?P<service> \bSERVICE\b )""", re.IGNORECASE | re.VERBOSE)
    # SPARQL allows \uXXXX and \UXXXXXXXX escapes anywhere in a query: read them as the parser may
    text = re.sub(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})",
                  lambda m: chr(min(int(m.group(1) or m.group(2), 16), 0x10FFFF)), text)
    return any(m.group("service") for m in _SERVICE.finditer(text))


def refuse_service(text: str, allow_service: bool = False) -> None:
    """QueryError when ``text`` would call another server and that was not allowed."""
    if not allow_service and uses_service(text):
        raise QueryError("the query calls another server (SERVICE); kg query stays offline unless "
                         "you pass --allow-service.")


def run_sparql(store_dir: Path, text: str, *, timeout: float = 60.0, allow_service: bool = False) -> Table:
    """Run SPARQL ``text`` on the store in ``store_dir`` in a worker process that can be stopped.

    SERVICE clauses (which make Oxigraph call other servers) are refused unless
    ``allow_service``; the query is stopped after ``timeout`` seconds, and at once
    on Ctrl-C (KeyboardInterrupt reaches the caller with the worker ended).
    """
    from kg.query_worker import run_in_worker

    refuse_service(text, allow_service)
    return run_in_worker(Path(store_dir), text, QUERY_PREFIXES, timeout)


# ---------------------------------------------------------------- neighbours

@dataclass
class Edge:
    pred: str  # local name
    direction: str  # "out" or "in"
    other: str  # IRI
    label: str
    type: str
    evidence: list[dict] = field(default_factory=list)
    children: list[Edge] = field(default_factory=list)
    evidence_total: int = 0  # evidence statements of the fact, of which ``evidence`` holds the first few
    totals: dict[tuple[str, str], int] = field(default_factory=dict)  # (direction, relation) -> neighbours of ``other``


@dataclass
class Node:
    iri: str
    label: str
    type: str
    detail: str = ""
    edges: list[Edge] = field(default_factory=list)
    totals: dict[tuple[str, str], int] = field(default_factory=dict)  # (direction, relation) -> all neighbours


def kg_classes() -> dict[str, frozenset[Class]]:
    """Each class of the ontology -> itself and all its subclasses (:mod:`kg.ontology`)."""
    return {c.value: subclasses(c) for c in Class}


def type_filter_classes(type_: str | None) -> frozenset[Class] | None:
    """The classes ``--type TYPE`` keeps (TYPE and its subclasses, any letter case); UsageError when unknown."""
    if not type_:
        return None
    tree = kg_classes()
    by_lower = {name.lower(): name for name in tree}
    name = by_lower.get(type_.strip().lower())
    if name is None:
        raise UsageError(f"--type {type_}: not a class of the graph; use one of {', '.join(sorted(tree))}.")
    return tree[name]


def local(iri: str) -> str:
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def _type(store, iri: str) -> str:
    import pyoxigraph as ox

    types = [q.object.value for q in store.quads_for_pattern(ox.NamedNode(iri), ox.NamedNode(RDF_TYPE), None)]
    kg_types = sorted(local(t) for t in types if t.startswith(KG_IRI))
    for preferred in SHOWN_TYPES:
        if preferred in kg_types:
            return preferred
    specific = [t for t in kg_types if t != Class.Place]
    return (specific or kg_types or ["?"])[0]


def _detail(store, iri: str) -> str:
    """Date, ordinal, title or code shown beside a node (a lookup per property: a hub has thousands of others)."""
    node = _node(iri)
    parts = sorted(f"{local(p)} {q.object.value}" for p in sorted(DETAILS)
                   for q in store.quads_for_pattern(node, _node(p), None))
    return ", ".join(parts)


def _relations(store, center: str) -> list[tuple[str, str]]:
    """(direction, predicate IRI) of the ``kg:`` properties with a statement from ("out") or to ("in")
    ``center``: one index probe per property of the ontology, never a pass over the evidence nodes and
    documents that point at a hub."""
    import pyoxigraph as ox

    from kg.ontology import terms

    node = _node(center)
    found = []
    for name in sorted(terms()[1]):
        pred = Prop(name).iri
        if pred in HIDDEN:
            continue
        p = _node(pred)
        for direction, pattern in (("in", (None, p, node)), ("out", (node, p, None))):
            first = next(iter(store.quads_for_pattern(*pattern)), None)
            # a property whose values are literals (a date, a title) is a detail, not a relation
            if first is not None and isinstance(first.object, ox.NamedNode):
                found.append((direction, pred))
    return sorted(found, key=lambda f: (f[0], local(f[1])))


_ENTITY = "isIRI(?x) && " + " && ".join(f'!CONTAINS(STR(?x), "{part}")' for part in NOT_ENTITIES)


def _neighbours(store, center: str, direction: str, pred: str, limit: int = 0,
                classes: frozenset[Class] | None = None) -> tuple[int, list[tuple[str, str]]]:
    """How many entities ``center`` links to by ``pred`` (or that link to it, ``direction`` "in"), and
    ``limit`` of them (0: all) as (IRI, label), sorted by label then IRI.

    With a limit, the neighbours kept are the first in the store's index order: Oxigraph
    keys a term by a hash of its text, so the choice is the same for the same graph, and
    neither it nor the count reads the text of the neighbours left out (on the on-disk
    store that reading, not the lookups, is what a hub's thousands of neighbours cost).
    ``classes`` keeps the neighbours typed with one of them.
    """
    # the relations are the properties whose values are entities (:func:`_relations`), and the kg:
    # properties shown never link an entity to an evidence node, sentence or document (those are
    # HIDDEN): no filter here, which would read every neighbour's text
    pattern = "?c ?p ?x ." if direction == "out" else "?x ?p ?c ."
    typed = ""
    if classes is not None:
        typed = "FILTER EXISTS { ?x a ?t . VALUES ?t { " + " ".join(c.term for c in sorted(classes)) + " } }"
    where = f"{pattern} {typed}"
    bound = {_var("c"): _node(center), _var("p"): _node(pred)}
    rows = store.query(f"SELECT ?c ?p (COUNT(?x) AS ?n) WHERE {{ {where} }} GROUP BY ?c ?p", prefixes=QUERY_PREFIXES,
                       substitutions=bound)
    total = next((int(r["n"].value) for r in rows), 0)
    if not total:
        return 0, []
    cut = f"LIMIT {int(limit)}" if limit else ""
    rows = store.query(f"SELECT ?c ?p ?x WHERE {{ {where} }} {cut}", prefixes=QUERY_PREFIXES, substitutions=bound)
    iris = [r["x"].value for r in rows if not any(part in r["x"].value for part in NOT_ENTITIES)]
    labels = labels_of(store, iris)
    return total, sorted(((iri, labels.get(iri, "")) for iri in iris), key=lambda pair: (pair[1], pair[0]))


def _var(name):
    import pyoxigraph as ox

    return ox.Variable(name)


def _node(iri):
    import pyoxigraph as ox

    return ox.NamedNode(iri)


QUOTES = str.maketrans({c: None for c in "“”‘’\"'「」『』《》〈〉 \u3000"} | {c: "·" for c in "•・‧∙⋅"})


def _norm(text: str) -> str:
    """A label or name as compared loosely: NFKC, no quotes or spaces, one interpunct, lower case."""
    import unicodedata

    return unicodedata.normalize("NFKC", text).translate(QUOTES).lower()


def _pinyin_key(text: str) -> str:
    """Toneless pinyin letters of ``text`` (Latin letters kept, tone marks and digits dropped)."""
    import unicodedata

    from pypinyin import lazy_pinyin

    latin = "".join(lazy_pinyin(text))
    bare = unicodedata.normalize("NFKD", latin.replace("ü", "v")).lower()
    return "".join(c for c in bare if "a" <= c <= "z")


def _initials(text: str) -> str:
    """The letters the first character of ``text`` can start with in pinyin (any of its readings)."""
    import unicodedata

    from pypinyin.pinyin_dict import pinyin_dict

    if not text:
        return ""
    first = text[0]
    if first.isascii():
        return first.lower()
    readings = pinyin_dict.get(ord(first), "")
    return "".join(unicodedata.normalize("NFKD", r[:1])[:1] for r in readings.split(",") if r)


def _is_latin(name: str) -> bool:
    import unicodedata

    bare = unicodedata.normalize("NFKD", name)
    return any(c.isalpha() for c in bare) and all(c.isascii() or unicodedata.combining(c) or c in "üÜ" for c in bare)


def _affixes() -> tuple[list[str], list[str]]:
    """(prefixes, suffixes) from kg/data/lookup_affixes.tsv, plus the post titles as suffixes (longest first)."""
    from importlib import resources

    prefixes, suffixes = [], []
    data = resources.files("kg").joinpath("data")
    for line in data.joinpath("lookup_affixes.tsv").read_text(encoding="utf-8").splitlines()[1:]:
        kind, _, text = line.partition("\t")
        if kind == "prefix":
            prefixes.append(text.strip())
        elif kind == "suffix":
            suffixes.append(text.strip())
    for line in data.joinpath("titles.tsv").read_text(encoding="utf-8").splitlines():
        role = line.split("\t", 1)[0]
        if line and not line.startswith("#") and role != "role":
            suffixes.append(role)
    return prefixes, sorted(set(suffixes), key=len, reverse=True)


def _entity(iri: str) -> bool:
    return iri.startswith(DATA_IRI) and not any(part in iri for part in NOT_ENTITIES)


def _names(store) -> list[tuple[str, str]]:
    """(IRI, label or alternative label) of every entity: one pass over the label index."""
    import pyoxigraph as ox

    out = []
    for pred in (LABEL, ALT):
        for q in store.quads_for_pattern(None, ox.NamedNode(pred), None):
            if isinstance(q.subject, ox.NamedNode) and _entity(q.subject.value) and isinstance(q.object, ox.Literal):
                out.append((q.subject.value, q.object.value))
    return out


def find(store, name: str) -> list[tuple[str, str, str]]:
    """(iri, label, type) of the entities ``name`` most likely means.

    Tried in order, the first step that finds something wins: the exact label or
    alternative label; the label with a party prefix (山西省委 → 中共山西省委);
    labels holding the name in quotes (8·18 → every “8·18”… chain); the label ignoring quotes, spaces
    and interpunct forms (8·18 → “8·18”…), then
    as a prefix, then inside the label; the name without a title or honorific
    after it (王某同志, 王某书记 → 王某); Traditional → Simplified; and for names
    in Latin letters, pinyin with or without tones and spaces (Taiyuan, Lin Wu,
    Tàiyuán → 太原), the whole name first, then as a prefix.
    """
    hits = _find(store, name.strip(), depth=0)
    labels = labels_of(store, hits)
    return sorted((h, labels.get(h, h), _type(store, h)) for h in dict.fromkeys(hits))


def _exact(store, text: str) -> list[str]:
    import pyoxigraph as ox

    hits = []
    for pred in (LABEL, ALT):
        for lang in ("zh", None):
            literal = ox.Literal(text, language=lang) if lang else ox.Literal(text)
            for q in store.quads_for_pattern(None, ox.NamedNode(pred), literal):
                if isinstance(q.subject, ox.NamedNode) and _entity(q.subject.value):
                    hits.append(q.subject.value)
    return list(dict.fromkeys(hits))


def _find(store, name: str, depth: int) -> list[str]:
    if not name:
        return []
    hits = _exact(store, name)
    if hits:
        return hits
    prefixes, suffixes = _affixes()
    for prefix in prefixes:
        if not name.startswith(prefix) and (hits := _exact(store, prefix + name)):
            return hits
    names = _names(store)
    hits = _in_labels(names, name)
    if not hits and depth < 2:
        hits = _find_variant(store, name, suffixes, depth)
    if not hits and _is_latin(name):
        hits = _by_pinyin(names, name)
    return hits


def _in_labels(names: list[tuple[str, str]], name: str) -> list[str]:
    """Labels holding ``name`` in quotes (我市“8·18”疫情), else equal to it, starting with it, holding it
    (ignoring quotes, spaces and interpunct forms)."""
    quoted = [f"“{name}”", f'"{name}"', f"「{name}」", f"‘{name}’"]
    hits = [iri for iri, label in names if any(q in label for q in quoted)]
    key = _norm(name)
    for test in (str.__eq__, str.startswith, str.__contains__):
        if hits or not key:
            break
        hits = [iri for iri, label in names if test(_norm(label), key)]
    return hits


def _find_variant(store, name: str, suffixes, depth: int) -> list[str]:
    """``name`` without a title or honorific, or in Simplified characters."""
    import opencc

    for suffix in suffixes:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2 and \
                (hits := _find(store, name[: -len(suffix)], depth + 1)):
            return hits
    simplified = opencc.OpenCC("t2s").convert(name)
    return _find(store, simplified, depth + 1) if simplified != name else []


def _by_pinyin(names: list[tuple[str, str]], name: str) -> list[str]:
    """Labels read in pinyin, equal to the name's or starting with it."""
    wanted = _pinyin_key(name)
    if not wanted:
        return []
    # convert only labels whose first character can be read with the name's first letter (about 1 in 15)
    keyed = [(iri, _pinyin_key(label)) for iri, label in names if wanted[0] in _initials(label.lstrip("“\"「‘《"))]
    for test in (str.__eq__, str.startswith):
        hits = [iri for iri, k in keyed if test(k, wanted)]
        if hits:
            return hits
    return []


def posts_of(store, iri: str) -> list[str]:
    rows = store.query("SELECT ?s ?t WHERE { ?s kg:holds ?p . ?p kg:title ?t } ORDER BY ?t",
                       prefixes=QUERY_PREFIXES, substitutions={_var("s"): _node(iri)})
    return [r["t"].value for r in rows]


def _linked_labels(store, iri: str, pred: str) -> list[str]:
    import pyoxigraph as ox

    objects = [q.object.value for q in store.quads_for_pattern(_node(iri), _node(Prop(pred).iri), None)
               if isinstance(q.object, ox.NamedNode)]
    labels = labels_of(store, objects)
    return sorted(labels.get(o, o) for o in objects)


def distinguishing(store, iri: str, type_: str) -> str:
    """What tells this entity from others of the same name: a person's posts, a meeting's date and
    organizer, a post's organization, a chain's first report, else the place it belongs to."""
    if type_ in PERSON_CLASSES:
        return "、".join(posts_of(store, iri)[:3])
    if type_ == Class.Meeting:
        return ", ".join(filter(None, [_detail(store, iri), "、".join(_linked_labels(store, iri, Prop.organizer))]))
    if type_ == Class.Post:
        return "、".join(_linked_labels(store, iri, Prop.postIn))
    parts = [_detail(store, iri), "、".join(_linked_labels(store, iri, Prop.partOf)[:1])]
    return ", ".join(filter(None, parts))


def resolve_name(store, name: str, iri: str | None = None, type_: str | None = None) -> tuple[str, str, str]:
    if iri:
        full = iri.strip().removeprefix("<").removesuffix(">")
        full = full if "://" in full else DATA_IRI + full.removeprefix("kgd:")
        try:
            label = labels_of(store, [full]).get(full)
        except ValueError:
            raise LookupFailed(f"--id {iri}: not an IRI; copy one from kg nb or kg query output.") from None
        if label is None:
            raise LookupFailed(f"no entity {iri} in the graph.")
        return full, label, _type(store, full)
    hits = find(store, name)
    if type_:
        wanted = type_filter_classes(type_) or frozenset()
        hits = [h for h in hits if h[2] in wanted]
    if not hits:
        raise LookupFailed(f"nothing called {name!r} in the graph; try a shorter name or kg query.")
    if len(hits) > 1:
        exact = [h for h in hits if h[1] == name]
        if len(exact) == 1:
            return exact[0]
        lines = []
        for h_iri, label, t in hits[:20]:
            told = distinguishing(store, h_iri, t)
            lines.append(f"  {label} ({t}{', ' + told if told else ''})  --id {shorten(h_iri)}")
        if len(hits) > 20:
            lines.append(f"  … {len(hits) - 20} more; give a longer name or --type")
        raise LookupFailed(f"{name!r} names {len(hits)} entities; choose one with --id:\n" + "\n".join(lines))
    return hits[0]


# The evidence of a fact: the evidence statements with its subject and object (rdf:subject,
# rdf:object). Each end's evidence statements lie together in the store's index, so they are
# read as two runs and matched in a hash join (the subqueries): a fact between two hubs costs
# two scans, not a lookup per evidence statement of the smaller end (on the on-disk store a
# lookup costs as much as reading a hundred statements of a run). Many facts are answered by
# one query, so a centre's run is read once for all its facts; the match is made on the subject
# and object only, which is exact when a single kg: property links them. For the few pairs
# linked by several, the same query lists their matched statements (GROUP_CONCAT, in the order
# SAMPLE takes them) and the property of each is then looked up, bound one by one; a pair with
# many such statements is counted with the property in the join instead (_PAIRS_P).
_SIDE = "{{ SELECT ?{v} ?e WHERE {{ VALUES ?{v} {{ {iris} }} ?e rdf:{prop} ?{v} }} }}"
_PAIRS = ("SELECT ?s ?o (COUNT(?e) AS ?n) (SAMPLE(?e) AS ?one) {listed} WHERE {{ {first} {second} }} "
          "GROUP BY ?s ?o")
# the statements of the pairs linked twice, bound to ?f on their end's side of the join (one copy per
# statement of that small run; an expression over every matched row would cost more than the join)
_MARKED = "{{ VALUES ?{v} {{ {iris} }} ?e rdf:{prop} ?{v} BIND(?e AS ?f) }}"
_PLAIN = "{{ VALUES ?{v} {{ {iris} }} ?e rdf:{prop} ?{v} }}"
_LISTED = '(GROUP_CONCAT(STR(?f); SEPARATOR=" ") AS ?es)'
_PAIRS_P = ("SELECT ?s ?o ?p (COUNT(?e) AS ?n) (SAMPLE(?e) AS ?one) WHERE {{ {first} {second} ?e rdf:predicate ?p }} "
            "GROUP BY ?s ?o ?p")
_PREDICATES = "SELECT ?e ?p WHERE {{ VALUES ?e {{ {evidence} }} ?e rdf:predicate ?p }}"
_LISTED_MAX = 1000  # statements of the pairs linked twice, above which their property is read in a join
_SENTENCES = ("SELECT ?e ?sent ?start ?end ?d ?file ?date WHERE {{ VALUES ?e {{ {evidence} }} "
              "?e kg:inSentence ?sen . ?sen kg:sentence ?sent ; kg:charStart ?start ; kg:charEnd ?end ; "
              "prov:wasDerivedFrom ?d . ?d kg:sourceFile ?file . OPTIONAL {{ ?d kg:published ?date }} }}")
_IRI_SAFE = re.compile(r"[^<>\"{}|^`\\\s]+")
_CHUNK = 200  # IRIs per VALUES block


def _iri(iri: str) -> str:
    """``<iri>`` for a VALUES block: IRIs read from the store, checked to hold nothing that would end it."""
    if not _IRI_SAFE.fullmatch(iri):
        raise ValueError(f"not an IRI: {iri!r}")
    return f"<{iri}>"


def _batches(pairs: set[tuple[str, str]]) -> list[tuple[list[tuple[str, str]], str]]:
    """(subject, object) pairs in groups that share one end (a centre and its neighbours), largest first,
    each with the shared end ("s" or "o"): each query then reads that end's evidence statements once."""
    left: set[tuple[str, str]] = set(pairs)
    out = []
    while left:
        ends = Counter([("s", s) for s, _ in left] + [("o", o) for _, o in left])
        (side, value), _ = max(ends.items(), key=lambda kv: (kv[1], kv[0]))
        batch = sorted(pair for pair in left if pair[0 if side == "s" else 1] == value)
        left -= set(batch)
        out += [(batch[i:i + _CHUNK], side) for i in range(0, len(batch), _CHUNK)]
    return out


def _iri_list(iris) -> str:
    return " ".join(_iri(i) for i in sorted(set(iris)))


def evidence_of(store, facts: list[tuple[str, str, str]]) -> dict[tuple[str, str, str], tuple[int, dict | None]]:
    """For each fact (subject, predicate IRI, object): how many evidence statements it has, and one of
    them (its sentence, file, date, document and offsets; None when it has none)."""
    pairs = {(s, o) for s, _, o in facts}
    several = _linked_twice(store, pairs)
    counted, listed = _count_pairs(store, pairs, several)
    if sum(len(es) for es in listed.values()) > _LISTED_MAX:  # many: the property read in the join
        for batch, shared in _batches(set(listed)):
            subjects = _SIDE.format(v="s", iris=_iri_list(s for s, _ in batch), prop="subject")
            objects = _SIDE.format(v="o", iris=_iri_list(o for _, o in batch), prop="object")
            first, second = (objects, subjects) if shared == "s" and len(batch) > 1 else (subjects, objects)
            for r in store.query(_PAIRS_P.format(first=first, second=second), prefixes=QUERY_PREFIXES):
                counted[(r["s"].value, r["p"].value, r["o"].value)] = (int(r["n"].value), r["one"].value)
    elif listed:
        counted |= _by_property(store, listed)
    found = {(s, p, o): counted.get((s, p, o)) or counted.get((s, None, o)) or (0, "") for s, p, o in facts}
    ones = sorted({e for _, e in found.values() if e})
    sentences = {}
    for start in range(0, len(ones), _CHUNK):
        text = _SENTENCES.format(evidence=" ".join(_iri(e) for e in ones[start:start + _CHUNK]))
        for r in store.query(text, prefixes=QUERY_PREFIXES):
            sentences[r["e"].value] = {"sentence": r["sent"].value, "file": r["file"].value,
                                       "date": r["date"].value if r["date"] is not None else None,
                                       "doc": r["d"].value, "start": int(r["start"].value),
                                       "end": int(r["end"].value)}
    return {fact: (n, sentences.get(e)) for fact, (n, e) in found.items()}


def _linked_twice(store, pairs: set[tuple[str, str]]) -> set[tuple[str, str]]:
    """The (subject, object) pairs linked by more than one kg: property."""
    several: set[tuple[str, str]] = set()
    ordered = sorted(pairs)
    for start in range(0, len(ordered), _CHUNK):
        values = " ".join(f"({_iri(s)} {_iri(o)})" for s, o in ordered[start:start + _CHUNK])
        rows = store.query(f"SELECT ?s ?o WHERE {{ VALUES (?s ?o) {{ {values} }} ?s ?p ?o "
                           f"FILTER(STRSTARTS(STR(?p), STR(kg:))) }} GROUP BY ?s ?o HAVING (COUNT(?p) > 1)",
                           prefixes=QUERY_PREFIXES)
        several |= {(r["s"].value, r["o"].value) for r in rows}
    return several


def _count_pairs(store, pairs: set[tuple[str, str]], several: set[tuple[str, str]]):
    """(subject, None, object) -> (evidence statements, the one SAMPLE takes) for the pairs linked once,
    and (subject, object) -> its statements in the order SAMPLE takes them for those linked twice."""
    texts = []
    for batch, shared in _batches(pairs):
        # the end that varies within the batch (the neighbours'): the subject's for a single pair
        vary = "o" if shared == "s" and len(batch) > 1 else "s"
        sides = {}
        for v, prop in (("s", "subject"), ("o", "object")):
            iris = {pair[0 if v == "s" else 1]: pair in several for pair in batch}
            marked = sorted(i for i, twice in iris.items() if twice) if v == vary else []
            if not marked:
                sides[v] = _SIDE.format(v=v, iris=_iri_list(iris), prop=prop)
                continue
            plain = sorted(i for i, twice in iris.items() if not twice)
            branches = [_PLAIN.format(v=v, iris=_iri_list(plain), prop=prop)] if plain else []
            branches.append(_MARKED.format(v=v, iris=_iri_list(marked), prop=prop))
            sides[v] = f"{{ SELECT ?{v} ?e ?f WHERE {{ {' UNION '.join(branches)} }} }}"
        # the neighbours' end first (faster to build the join on), the subject first for a single pair
        first, second = (sides["o"], sides["s"]) if vary == "o" else (sides["s"], sides["o"])
        wanted = _LISTED if any(pair in several for pair in batch) else ""
        texts.append(_PAIRS.format(first=first, second=second, listed=wanted))
    counted: dict[tuple[str, str | None, str], tuple[int, str]] = {}
    listed: dict[tuple[str, str], list[str]] = {}
    for rows in _run_all(store, texts):
        for r in rows:
            s, o = r["s"].value, r["o"].value
            if (s, o) in several:
                listed[(s, o)] = r["es"].value.split() if r["es"] is not None else []
            else:
                counted[(s, None, o)] = (int(r["n"].value), r["one"].value)
    return counted, listed


def _run_all(store, texts: list[str]) -> list[list]:
    """The solutions of each query, in order, two queries evaluated at once.

    Oxigraph evaluates a query without holding Python's lock, so a centre's facts and its fact with
    a neighbour that is itself a hub (a city and its province: two long runs of evidence statements)
    are read side by side when a second core is free, and one after the other when it is not."""
    if len(texts) < 2:
        return [list(store.query(t, prefixes=QUERY_PREFIXES)) for t in texts]
    import threading

    results: list[list | BaseException] = [[] for _ in texts]
    todo = iter(range(len(texts)))
    lock = threading.Lock()

    def work() -> None:
        while True:
            with lock:
                i = next(todo, None)
            if i is None:
                return
            try:
                results[i] = list(store.query(texts[i], prefixes=QUERY_PREFIXES))
            except BaseException as err:  # noqa: BLE001 - raised again in the caller's thread
                results[i] = err

    helper = threading.Thread(target=work, daemon=True)
    helper.start()
    work()
    helper.join()
    for r in results:
        if isinstance(r, BaseException):
            raise r
    return results  # type: ignore[return-value]


def _by_property(store, listed: dict[tuple[str, str], list[str]]) -> dict[tuple[str, str | None, str], tuple[int, str]]:
    """(subject, property, object) -> (statements, the first) from each pair's statements and their
    rdf:predicate, looked up one by one."""
    every = sorted({e for es in listed.values() for e in es})
    predicate: dict[str, str] = {}
    for start in range(0, len(every), _CHUNK):
        text = _PREDICATES.format(evidence=" ".join(_iri(e) for e in every[start:start + _CHUNK]))
        predicate.update((r["e"].value, r["p"].value) for r in store.query(text, prefixes=QUERY_PREFIXES))
    counted: dict[tuple[str, str | None, str], tuple[int, str]] = {}
    for (s, o), es in listed.items():
        for e in es:  # per property: how many, and the first as SAMPLE takes it
            if e in predicate:
                key = (s, predicate[e], o)
                n, one = counted.get(key, (0, e))
                counted[key] = (n + 1, one)
    return counted


def neighbourhood(store, iri: str, *, depth: int = 1, type_filter: str | None = None,
                  evidence: bool = True, limit: int = 0) -> Node:
    """The entity and everything within ``depth`` steps, grouped by relation, with evidence.

    With ``limit`` > 0 each relation keeps its first ``limit`` neighbours in label, then
    IRI order, chosen in the store (:func:`_neighbours`): type, details, evidence and,
    below ``depth``, the neighbours' own neighbours are looked up for those only, so a
    hub with thousands of neighbours costs what a small entity does. ``Node.totals`` and
    ``Edge.totals`` count every neighbour of each relation. Each edge holds one evidence
    sentence of its fact and ``evidence_total``, how many the fact has.
    """
    wanted_types = type_filter_classes(type_filter)
    label = labels_of(store, [iri]).get(iri, iri)
    root = Node(iri, label, _type(store, iri), _detail(store, iri))
    seen = {iri}

    def edge(direction: str, pred: str, other: str, text: str) -> Edge:
        t = _type(store, other)
        detail = _detail(store, other) if t in DETAILED else ""
        return Edge(pred, direction, other, text + (f" [{detail}]" if detail else ""), t)

    def expand(center: str, level: int) -> tuple[list[Edge], dict[tuple[str, str], int]]:
        # with --type and a step still to go, a neighbour of any class may lead to a matching one:
        # then every neighbour is looked at, and the limit applied to those kept
        every = wanted_types is not None and level < depth
        edges, totals = [], {}
        for direction, pred in _relations(store, center):
            total, members = _neighbours(store, center, direction, pred, 0 if every else limit,
                                         None if every else wanted_types)
            group = []
            shown = sorted((edge(direction, local(pred), other, text) for other, text in members),
                           key=lambda e: (e.label, e.other))  # by label with its details ([date …]), then IRI
            for e in shown:  # in the order shown: a neighbour met twice is expanded where first shown
                if level < depth and e.other not in seen:
                    seen.add(e.other)
                    e.children, e.totals = expand(e.other, level + 1)
                if every and e.type not in (wanted_types or ()) and not e.children:
                    continue  # --type keeps the matching nodes and the paths that lead to them
                group.append(e)
            if every:
                total, group = len(group), group[:limit] if limit else group
            if total:
                totals[(direction, local(pred))] = total
            edges += group
        if evidence:
            _add_evidence(store, center, edges)
        return edges, totals

    root.edges, root.totals = expand(iri, 1)
    if root.type in PLACE_TYPES and (wanted_types is None or Class.Meeting in wanted_types):
        total, held = _meetings_held(store, iri, limit)
        if total:
            root.totals[("in", HELD)] = total
        found = evidence_of(store, [(m, Prop.organizer.iri, o) for m, o, _ in held]) if evidence else {}
        for m, o, text in held:
            detail = _detail(store, m)
            e = Edge(HELD, "in", m, text + (f" [{detail}]" if detail else ""), Class.Meeting)
            if evidence:
                e.evidence_total, one = found[(m, Prop.organizer.iri, o)]
                e.evidence = [one] if one else []
            root.edges.append(e)
    return root


def _add_evidence(store, center: str, edges: list[Edge]) -> None:
    """One evidence sentence of each edge's fact, and how many it has (:func:`evidence_of`)."""
    facts = [(center, Prop(e.pred).iri, e.other) if e.direction == "out" else (e.other, Prop(e.pred).iri, center)
             for e in edges]
    found = evidence_of(store, facts)
    for e, fact in zip(edges, facts, strict=True):
        e.evidence_total, one = found[fact]
        e.evidence = [one] if one else []


HELD = "organizer·jurisdiction"  # a place's meetings: held by a body whose jurisdiction it is, two steps
_HELD_WHERE = "?o kg:jurisdiction ?place . ?m kg:organizer ?o ."  # Oxigraph joins in the order written


def _meetings_held(store, place: str, limit: int = 0) -> tuple[int, list[tuple[str, str, str]]]:
    """How many meetings the bodies of ``place`` organized (organizer -> jurisdiction), and the first
    ``limit`` (0: all) as (meeting, organizer, label): by earliest date (undated last), then IRI.

    Dates are held inline in Oxigraph's keys: ordering by them reads no text."""
    bound = {_var("place"): _node(place)}
    rows = store.query(f"SELECT ?place (COUNT(DISTINCT ?m) AS ?n) WHERE {{ {_HELD_WHERE} }} GROUP BY ?place",
                       prefixes=QUERY_PREFIXES, substitutions=bound)
    total = next((int(r["n"].value) for r in rows), 0)
    if not total:
        return 0, []
    cut = f"LIMIT {int(limit)}" if limit else ""
    rows = store.query(
        f"SELECT ?place ?m (MIN(?o) AS ?org) (MIN(?d0) AS ?d) WHERE {{ {_HELD_WHERE} "
        "OPTIONAL { ?m kg:date ?d0 } } "
        f"GROUP BY ?place ?m ORDER BY (!BOUND(?d)) ?d ?m {cut}", prefixes=QUERY_PREFIXES, substitutions=bound)
    found = [(r["m"].value, r["org"].value) for r in rows]
    labels = labels_of(store, [m for m, _ in found])
    return total, [(m, o, labels.get(m, "")) for m, o in found]


def snippet(sentence: str, words: list[str], n: int = 60) -> str:
    """About ``n`` characters of ``sentence`` around the first of ``words`` found in it (… where cut).

    A word not found as written is looked for by its longest part the sentence
    holds (中共太原市委 → 太原市委), so the snippet shows where the sentence names
    the entity rather than its first characters.
    """
    s = " ".join(sentence.split())
    if len(s) <= n:
        return s
    at, width = -1, 0
    for word in words:  # the longest part of the first word that the sentence holds
        for k in range(len(word), 1, -1):
            at = next((i for i in (s.find(word[j:j + k]) for j in range(len(word) - k + 1)) if i >= 0), -1)
            if at >= 0:
                width = k
                break
        if at >= 0:
            break
    if at < 0:
        return s[: n - 1] + "…"
    start = max(0, min(at + width // 2 - n // 2, len(s) - n))
    end = start + n
    text = s[start:end]
    return ("…" if start > 0 else "") + text + ("…" if end < len(s) else "")


def render_tree(node: Node, evidence: bool = True, limit: int = 0) -> str:
    """The neighbourhood as an indented tree, grouped by relation.

    A relation with more neighbours than shown (``limit`` > 0, or a node built with a
    limit) gives its total and says how many were left out; a fact with more evidence
    sentences than the one printed says how many more.
    """
    lines = [f"{node.label} ({node.type}{', ' + node.detail if node.detail else ''})  {shorten(node.iri)}"]
    cut = 0

    def walk(edges: list[Edge], totals: dict[tuple[str, str], int], indent: str, centre: str) -> None:
        nonlocal cut
        groups: dict[tuple[str, str], list[Edge]] = {}
        for e in edges:
            groups.setdefault((e.direction, e.pred), []).append(e)
        for (direction, pred), group in groups.items():
            arrow = f"{pred} →" if direction == "out" else f"← {pred}"
            shown = group[:limit] if limit else group
            total = max(totals.get((direction, pred), 0), len(group))
            lines.append(f"{indent}{arrow} ({total})" if total > len(shown) else f"{indent}{arrow}")
            for e in shown:
                lines.append(f"{indent}  {e.label} ({e.type})")
                name = e.label.split(" [", 1)[0]
                if evidence:
                    for ev in e.evidence[:1]:
                        when = f", {ev['date']}" if ev["date"] else ""
                        more = e.evidence_total - 1
                        rest = f" (+{more} more sentence{'s' if more > 1 else ''})" if more > 0 else ""
                        lines.append(f"{indent}    “{snippet(ev['sentence'], [name, centre])}” [{ev['file']}{when}]"
                                     f"{rest}")
                if e.children or e.totals:
                    walk(e.children, e.totals, indent + "    ", name)
            if len(shown) < total:
                cut += total - len(shown)
                lines.append(f"{indent}  … {total - len(shown)} more {pred} (--limit 0 shows all)")

    walk(node.edges, node.totals, "  ", node.label)
    if cut:
        lines.append(f"({cut} more neighbours not shown: at most {limit or 'a few'} per relation; "
                     "--all shows every one)")
    return "\n".join(lines)


def tree_json(node: Node) -> str:
    def edge(e: Edge) -> dict:
        out = {"relation": e.pred, "direction": e.direction, "iri": e.other, "label": e.label, "type": e.type,
               "evidence": e.evidence, "evidenceTotal": e.evidence_total, "children": [edge(c) for c in e.children]}
        if e.totals:
            out["totals"] = totals(e.totals)
        return out

    def totals(counts: dict[tuple[str, str], int]) -> list[dict]:
        return [{"relation": pred, "direction": direction, "total": n} for (direction, pred), n in counts.items()]

    return json.dumps({"iri": node.iri, "label": node.label, "type": node.type, "detail": node.detail,
                       "totals": totals(node.totals), "edges": [edge(e) for e in node.edges]},
                      ensure_ascii=False, indent=1)

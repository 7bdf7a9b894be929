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


@dataclass
class Node:
    iri: str
    label: str
    type: str
    detail: str = ""
    edges: list[Edge] = field(default_factory=list)


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


def _links(store, center: str) -> tuple[list[tuple[str, object]], list[tuple[str, object]]]:
    """(predicate, other end) of the ``kg:`` statements from and to ``center``, one index lookup per
    property of the ontology: never a pass over the evidence nodes and documents that point at a hub."""
    from kg.ontology import terms

    node = _node(center)
    outgoing, incoming = [], []
    for name in sorted(terms()[1]):
        pred = Prop(name).iri
        if pred in HIDDEN:
            continue
        p = _node(pred)
        outgoing += [(pred, q.object) for q in store.quads_for_pattern(node, p, None)]
        incoming += [(pred, q.subject) for q in store.quads_for_pattern(None, p, node)]
    return outgoing, incoming


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


# Oxigraph joins in the order written: the evidence nodes of a statement are found from its
# end with fewer of them (a hub has thousands; the neighbour on the other end, often a few),
# and the search stops at the first ``limit`` found: a fact stated on thousands of pages costs
# no more than one stated once. They are shown in file and offset order.
EVIDENCE_QUERY = (
    "SELECT ?s ?p ?o ?sent ?start ?end ?d ?file ?date WHERE {{ "
    "{{ SELECT ?s ?p ?o ?e WHERE {{ {first} {second} ?e rdf:predicate ?p }} LIMIT {limit} }} "
    "?e kg:inSentence ?sen . ?sen kg:charStart ?start ; prov:wasDerivedFrom ?d ; kg:sentence ?sent ; kg:charEnd ?end . "
    "?d kg:sourceFile ?file . OPTIONAL {{ ?d kg:published ?date }} }} ORDER BY ?file ?start")
_BY = {"s": "?e rdf:subject ?x .", "o": "?e rdf:object ?x ."}


def _evidence_count(store, side: str, term) -> int:
    """How many evidence nodes have ``term`` as subject (side "s") or object ("o"), counted in the store."""
    rows = store.query(f"SELECT ?x (COUNT(?e) AS ?n) WHERE {{ {_BY[side]} }} GROUP BY ?x", prefixes=QUERY_PREFIXES,
                       substitutions={_var("x"): term})
    return next((int(r["n"].value) for r in rows), 0)


def _more_than(store, side: str, term, n: int) -> bool:
    """Whether more than ``n`` evidence nodes have ``term`` on ``side``: reads at most n + 1 of them."""
    rows = store.query(f"SELECT ?x ?e WHERE {{ {_BY[side]} }} OFFSET {int(n)} LIMIT 1", prefixes=QUERY_PREFIXES,
                       substitutions={_var("x"): term})
    return any(True for _ in rows)


def _object_side_smaller(store, s, o, counts: dict | None = None) -> bool:
    """Whether fewer evidence nodes have ``o`` as object than ``s`` as subject.

    One side is counted (once per term, in ``counts``) and the other probed just past
    that count, so the cost follows the smaller side after the first statement of a hub.
    """
    counts = {} if counts is None else counts
    if ("o", o) in counts and ("s", s) not in counts:
        return _more_than(store, "s", s, counts[("o", o)])
    if ("s", s) not in counts:
        counts[("s", s)] = _evidence_count(store, "s", s)
    return not _more_than(store, "o", o, counts[("s", s)])


def _evidence(store, s: str, p: str, o, limit: int = 3, counts: dict | None = None) -> list[dict]:
    obj = _node(o) if isinstance(o, str) else o
    subj = _node(s)
    if _object_side_smaller(store, subj, obj, counts):
        first, second = _BY["o"].replace("?x", "?o"), _BY["s"].replace("?x", "?s")
    else:
        first, second = _BY["s"].replace("?x", "?s"), _BY["o"].replace("?x", "?o")
    rows = store.query(
        EVIDENCE_QUERY.format(first=first, second=second, limit=int(limit)),
        prefixes=QUERY_PREFIXES,
        substitutions={_var("s"): subj, _var("p"): _node(p), _var("o"): obj})
    return [{"sentence": r["sent"].value, "file": r["file"].value,
             "date": r["date"].value if r["date"] is not None else None,
             "doc": r["d"].value, "start": int(r["start"].value), "end": int(r["end"].value)} for r in rows]


def _first_of_each_relation(edges: list[Edge], limit: int) -> list[Edge]:
    """The edges render_tree shows: the first ``limit`` of each relation (0: all)."""
    if not limit:
        return edges
    seen: dict[tuple[str, str], int] = {}
    out = []
    for e in edges:
        n = seen[(e.direction, e.pred)] = seen.get((e.direction, e.pred), 0) + 1
        if n <= limit:
            out.append(e)
    return out


def neighbourhood(store, iri: str, *, depth: int = 1, type_filter: str | None = None,
                  evidence: bool = True, limit: int = 0) -> Node:
    """The entity and everything within ``depth`` steps, grouped by relation, with evidence.

    With ``limit``, evidence is looked up only for the first ``limit`` neighbours
    of each relation: those :func:`render_tree` shows with the same limit.
    """
    import pyoxigraph as ox

    wanted_types = type_filter_classes(type_filter)
    label = labels_of(store, [iri]).get(iri, iri)
    root = Node(iri, label, _type(store, iri), _detail(store, iri))
    seen = {iri}

    def expand(center: str, level: int) -> list[Edge]:
        found = []
        outgoing, incoming = _links(store, center)
        for direction, items in (("out", outgoing), ("in", incoming)):
            for pred, other in items:
                if not isinstance(other, ox.NamedNode) or any(part in other.value for part in NOT_ENTITIES):
                    continue
                t = _type(store, other.value)
                detail = _detail(store, other.value) if t in DETAILED else ""
                text = labels_of(store, [other.value]).get(other.value, "") + (f" [{detail}]" if detail else "")
                found.append(Edge(local(pred), direction, other.value, text, t))
        # in the order shown, so that a neighbour met twice is expanded where it is first shown
        found.sort(key=lambda e: (e.direction, e.pred, e.label, e.other))
        edges = []
        for edge in found:
            if level < depth and edge.other not in seen:
                seen.add(edge.other)
                edge.children = expand(edge.other, level + 1)
            if wanted_types is not None and edge.type not in wanted_types and not edge.children:
                continue  # --type keeps the matching nodes and the paths that lead to them
            edges.append(edge)
        if evidence:
            counts: dict = {}  # evidence nodes per end of a statement: the centre's are counted once
            for e in _first_of_each_relation(edges, limit):
                side = "s" if e.direction == "out" else "o"
                if (side, _node(center)) not in counts:
                    counts[(side, _node(center))] = _evidence_count(store, side, _node(center))
                s, o = (center, e.other) if side == "s" else (e.other, center)
                e.evidence = _evidence(store, s, Prop(e.pred).iri, o, counts=counts)
        return edges

    root.edges = expand(iri, 1)
    if root.type in PLACE_TYPES and (wanted_types is None or Class.Meeting in wanted_types):
        # meetings held by the place's bodies (organizer -> jurisdiction), one step for the reader
        rows = store.query("SELECT ?place ?m ?o WHERE { ?m kg:organizer ?o . ?o kg:jurisdiction ?place } ORDER BY ?m",
                           prefixes=QUERY_PREFIXES, substitutions={_var("place"): _node(iri)})
        held = []
        for r in rows:
            m, o = r["m"].value, r["o"].value
            label = labels_of(store, [m]).get(m, "")
            detail = _detail(store, m)
            held.append((detail, o, Edge("organizer·jurisdiction", "in", m,
                                         label + (f" [{detail}]" if detail else ""), Class.Meeting)))
        held.sort(key=lambda h: (h[0], h[2].label))
        for i, (_, o, edge) in enumerate(held):
            if evidence and (not limit or i < limit):
                edge.evidence = _evidence(store, edge.other, Prop.organizer.iri, o)
        root.edges += [edge for _, _, edge in held]
    return root


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

    ``limit`` > 0 shows at most that many neighbours per relation and says how
    many were left out.
    """
    lines = [f"{node.label} ({node.type}{', ' + node.detail if node.detail else ''})  {shorten(node.iri)}"]

    def walk(edges: list[Edge], indent: str, centre: str) -> None:
        groups: dict[tuple[str, str], list[Edge]] = {}
        for e in edges:
            groups.setdefault((e.direction, e.pred), []).append(e)
        for (direction, pred), group in groups.items():
            arrow = f"{pred} →" if direction == "out" else f"← {pred}"
            lines.append(f"{indent}{arrow} ({len(group)})" if limit and len(group) > limit else f"{indent}{arrow}")
            shown = group[:limit] if limit else group
            for e in shown:
                lines.append(f"{indent}  {e.label} ({e.type})")
                name = e.label.split(" [", 1)[0]
                if evidence:
                    for ev in e.evidence[:1]:
                        when = f", {ev['date']}" if ev["date"] else ""
                        lines.append(f"{indent}    “{snippet(ev['sentence'], [name, centre])}” [{ev['file']}{when}]")
                if e.children:
                    walk(e.children, indent + "    ", name)
            if len(shown) < len(group):
                lines.append(f"{indent}  … {len(group) - len(shown)} more {pred} (--limit 0 shows all)")

    walk(node.edges, "  ", node.label)
    return "\n".join(lines)


def tree_json(node: Node) -> str:
    def edge(e: Edge) -> dict:
        return {"relation": e.pred, "direction": e.direction, "iri": e.other, "label": e.label, "type": e.type,
                "evidence": e.evidence, "children": [edge(c) for c in e.children]}

    return json.dumps({"iri": node.iri, "label": node.label, "type": node.type, "detail": node.detail,
                       "edges": [edge(e) for e in node.edges]}, ensure_ascii=False, indent=1)

"""The HTML pages of ``kg serve``: search, entity, source text, picture, timeline, query.

Server-rendered from the store with the lookups of :mod:`kg.query`; the only
script is the small one of the query page, inline. Every value from the graph
or the user is escaped.
"""

from __future__ import annotations

import difflib
from html import escape
from pathlib import Path
from urllib.parse import quote

from kg import query as q
from kg.ns import Prop
from kg.ontology import PERSON_CLASSES
from kg.prefixes import DATA_IRI
from kg.textscan import merge_spans

STYLE = """
body{font-family:"Noto Sans CJK SC","WenQuanYi Micro Hei",sans-serif;margin:0;color:#222;line-height:1.5}
header{background:#2c3e50;padding:.5em 1em}header a{color:#fff;margin-right:1.2em;text-decoration:none}
header form{display:inline}main{padding:1em 2em;max-width:70em}
mark{background:#ffe066;padding:0 1px}mark.span{background:#ffd43b}
.type{color:#666;font-size:.9em}.ev{color:#444;margin:.2em 0 .6em 1.5em;font-size:.95em}
.ev a{font-size:.85em;color:#06c}h3{margin:1.2em 0 .3em;color:#555}ul{margin:.2em 0}
table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2em .5em;text-align:left}
pre.source{white-space:pre-wrap;background:#fafafa;border:1px solid #ddd;padding:1em}
textarea{width:100%;font-family:monospace}.err{color:#b00;white-space:pre-wrap}
.dot{display:inline-block;width:.8em;height:.8em;border-radius:50%;margin-right:.3em;vertical-align:middle}
"""


def page(title: str, body: str, search: str = "") -> str:
    return ("<!doctype html>\n<html lang=\"zh\"><head><meta charset=\"utf-8\">"
            f"<title>{escape(title)} · kg</title><style>{STYLE}</style></head><body>"
            "<header><a href=\"/\">kg</a><form action=\"/search\" method=\"get\">"
            f"<input name=\"q\" id=\"q\" value=\"{escape(search)}\" placeholder=\"name, place, measure…\">"
            " <button id=\"go\">Search</button></form> <a href=\"/timeline\">Timeline</a>"
            f"<a href=\"/query\">Query</a></header><main>{body}</main></body></html>\n")


def entity_link(iri: str, label: str) -> str:
    return f'<a href="/entity?iri={quote(iri, safe="")}">{escape(label)}</a>'


def _colour(type_: str) -> str:
    from kg.export import COLOURS

    return f'<span class="dot" style="background:{COLOURS.get(type_, "#7f7f7f")}"></span>'


def home() -> str:
    return page("kg", "<h1>Knowledge graph</h1><p>Search an official, place, organization, meeting, chain or "
                      "policy above (short names and Traditional characters work), read the <a href=\"/timeline\">"
                      "timeline</a> of meetings and infection chains, or ask the graph in <a href=\"/query\">"
                      "SPARQL</a>; the endpoint is <code>/sparql</code>.</p>")


def search(store, text: str) -> str:
    text = text.strip()
    if not text:
        return home()
    hits = q.find(store, text)
    if not hits:
        return page(f"{text}: nothing", f"<p>Nothing called {escape(text)} in the graph; try a shorter name.</p>",
                    text)
    items = []
    for iri, label, type_ in hits:
        posts = "、".join(q.posts_of(store, iri)[:3]) if type_ in PERSON_CLASSES else ""
        items.append(f"<li>{_colour(type_)}{entity_link(iri, label)} <span class=\"type\">{escape(type_)}"
                     f"{escape(' · ' + posts) if posts else ''}</span></li>")
    return page(f"{text}: {len(hits)} found", f"<h1>{len(hits)} found for {escape(text)}</h1><ul class=\"hits\">"
                + "".join(items) + "</ul>", text)


def names_of(store, iri: str) -> list[str]:
    """Label and alternative labels of ``iri``, longest first."""
    import pyoxigraph as ox

    names = {qd.object.value for pred in (q.LABEL, q.ALT)
             for qd in store.quads_for_pattern(ox.NamedNode(iri), ox.NamedNode(pred), None)}
    return sorted(names, key=lambda n: (-len(n), n))


def highlight_spans(sentence: str, names: list[str]) -> list[tuple[int, int]]:
    """Where the fact's words stand in the sentence: each name written there, else its longest shared run (≥ 3)."""
    spans = []
    for name in names:
        if len(name) < 2:
            continue
        at = sentence.find(name)
        found = False
        while at >= 0:
            spans.append((at, at + len(name)))
            found = True
            at = sentence.find(name, at + len(name))
        if not found and len(name) >= 4:
            m = difflib.SequenceMatcher(None, sentence, name, autojunk=False).find_longest_match(
                0, len(sentence), 0, len(name))
            if m.size >= 3:
                spans.append((m.a, m.a + m.size))
    return merge_spans(spans)


def marked(text: str, spans: list[tuple[int, int]], cls: str = "") -> str:
    out, pos = [], 0
    attr = f' class="{cls}"' if cls else ""
    for s, e in spans:
        out.append(escape(text[pos:s]))
        out.append(f"<mark{attr}>{escape(text[s:e])}</mark>")
        pos = e
    out.append(escape(text[pos:]))
    return "".join(out)


def entity(store, iri: str) -> str | None:
    if not iri.startswith(DATA_IRI) or not q.labels_of(store, [iri]):
        return None
    node = q.neighbourhood(store, iri, depth=1, evidence=True)
    names: dict[str, list[str]] = {}

    def names_for(x: str) -> list[str]:
        if x not in names:
            names[x] = names_of(store, x)
        return names[x]

    head = (f"<h1>{_colour(node.type)}{escape(node.label)} <span class=\"type\">{escape(node.type)}"
            f"{escape(', ' + node.detail) if node.detail else ''}</span></h1>"
            f"<p><code>{escape(q.shorten(iri))}</code> · <a id=\"picture\" href=\"/picture?iri="
            f"{quote(iri, safe='')}\">picture of its neighbourhood</a></p>")
    alts = [n for n in names_for(iri) if n != node.label]
    if alts:
        head += f"<p class=\"type\">also written {escape('、'.join(alts))}</p>"
    groups: dict[tuple[str, str], list[q.Edge]] = {}
    for e in node.edges:
        groups.setdefault((e.direction, e.pred), []).append(e)
    body = []
    for (direction, pred), edges in groups.items():
        arrow = f"{escape(pred)} →" if direction == "out" else f"← {escape(pred)}"
        body.append(f"<h3>{arrow} <span class=\"type\">({len(edges)})</span></h3><ul>")
        for e in edges:
            body.append(f"<li class=\"fact\">{_colour(e.type)}{entity_link(e.other, e.label)} "
                        f"<span class=\"type\">{escape(e.type)}</span>")
            words = names_for(iri) + names_for(e.other)
            for ev in e.evidence:
                spans = highlight_spans(ev["sentence"], words)
                src = (f"/source?doc={quote(ev['doc'], safe='')}&amp;start={ev['start']}&amp;end={ev['end']}"
                       "#span")
                when = f", {ev['date']}" if ev["date"] else ""
                body.append(f"<div class=\"ev\">“{marked(ev['sentence'], spans)}” <a class=\"src\" href=\"{src}\">"
                            f"{escape(ev['file'])}{escape(when)}, characters {ev['start']}–{ev['end']}</a></div>")
            body.append("</li>")
        body.append("</ul>")
    if not node.edges:
        body.append("<p>No relations.</p>")
    return page(node.label, head + "".join(body), node.label)


def source(store, doc: str, start: int, end: int, pages_dir: Path | None) -> tuple[int, str]:
    """The source page's text with the span [start, end) marked; (status, html)."""
    import pyoxigraph as ox

    from kg.corpus import read_document

    files = [qd.object.value for qd in store.quads_for_pattern(ox.NamedNode(doc), ox.NamedNode(
        Prop.sourceFile.iri), None)] if doc.startswith(DATA_IRI) else []
    if not files:
        return 404, page("no such page", "<p>No such source page in the graph.</p>")
    name = files[0]
    if pages_dir is None:
        return 404, page(name, f"<p>The text of {escape(name)} is not here: start kg serve with "
                               "<code>--pages FOLDER</code> (the folder the graph was built from).</p>")
    root = Path(pages_dir).resolve()
    path = (root / name).resolve()
    if not path.is_relative_to(root) or not path.is_file():
        return 404, page(name, f"<p>{escape(name)} is not in {escape(str(pages_dir))}.</p>")
    got = read_document(path, root, {}, year=None, max_bytes=200_000_000)
    text = getattr(got, "text", None)
    if text is None:
        return 404, page(name, f"<p>{escape(getattr(got, 'reason', name))}</p>")
    start, end = max(0, min(start, len(text))), max(0, min(end, len(text)))
    if end < start:
        start, end = end, start
    body = (f"<h1>{escape(name)}</h1><p>characters {start}–{end} marked</p><pre class=\"source\">"
            f"{escape(text[:start])}<mark class=\"span\" id=\"span\">{escape(text[start:end])}</mark>"
            f"{escape(text[end:])}</pre>")
    return 200, page(name, body)


def picture(store, iri: str) -> str | None:
    from kg import picture as pic

    if not iri.startswith(DATA_IRI) or not q.labels_of(store, [iri]):
        return None
    node = q.neighbourhood(store, iri, depth=1, evidence=False)
    drawing = pic.svg(node, link=lambda x: f"/picture?iri={quote(x, safe='')}")
    return page(f"{node.label}: picture", f"<h1>{entity_link(iri, node.label)} <span class=\"type\">"
                f"{escape(node.type)}</span></h1><p class=\"type\">Click a node to draw its neighbourhood; "
                f"the title opens the entity page.</p><div id=\"drawing\">{drawing}</div>", node.label)


TIMELINE = """
SELECT DISTINCT ?e ?kind ?date ?label %s WHERE {
  { ?e a kg:Meeting ; kg:date ?date . BIND("Meeting" AS ?kind) }
  UNION { ?e a kg:InfectionChain ; kg:firstReported ?date . BIND("InfectionChain" AS ?kind) }
  ?e rdfs:label ?label .
  %s
} ORDER BY ?date ?kind ?label"""
IN_PLACE = ("{ ?e kg:organizer/kg:jurisdiction/kg:partOf* ?place } UNION { ?e kg:reportedIn/kg:partOf* ?place }")
EVENT_PLACES = """
SELECT DISTINCT ?place ?label WHERE {
  { ?e a kg:Meeting ; kg:organizer/kg:jurisdiction/kg:partOf* ?place }
  UNION { ?e a kg:InfectionChain ; kg:reportedIn/kg:partOf* ?place }
  ?place rdfs:label ?label } ORDER BY ?label"""


def timeline(store, place: str = "") -> str:
    import pyoxigraph as ox

    places = [(r["place"].value, r["label"].value) for r in store.query(EVENT_PLACES, prefixes=q.QUERY_PREFIXES)]
    known = {p for p, _ in places}
    if place and place not in known:
        place = ""
    if place:
        rows = store.query(TIMELINE % ("?place", IN_PLACE), prefixes=q.QUERY_PREFIXES,
                           substitutions={ox.Variable("place"): ox.NamedNode(place)})
    else:
        rows = store.query(TIMELINE % ("", ""), prefixes=q.QUERY_PREFIXES)
    options = "".join(f"<option value=\"{escape(p)}\"{' selected' if p == place else ''}>{escape(label)}</option>"
                      for p, label in places)
    form = ("<form action=\"/timeline\" method=\"get\">Place: <select name=\"place\" id=\"place\">"
            f"<option value=\"\">everywhere</option>{options}</select> <button>Show</button></form>")
    items: list[str] = []
    year = ""
    for r in rows:
        date = r["date"].value
        if date[:4] != year:
            if items:
                items.append("</ul>")
            year = date[:4]
            items.append(f"<h3>{escape(year)}</h3><ul>")
        items.append(f"<li class=\"event\"><code>{escape(date)}</code> {_colour(r['kind'].value)}"
                     f"{entity_link(r['e'].value, r['label'].value)} <span class=\"type\">{escape(r['kind'].value)}"
                     "</span></li>")
    if items:
        items.append("</ul>")
    n = sum(1 for i in items if i.startswith("<li"))
    return page("timeline", f"<h1>Timeline: meetings and infection chains by date</h1>{form}"
                            f"<p class=\"type\">{n} events</p>" + "".join(items))


QUERY_JS = """
document.getElementById('qform').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const out = document.getElementById('out');
  out.textContent = 'running…';
  const r = await fetch('/sparql', {method: 'POST', body: document.getElementById('text').value,
    headers: {'Content-Type': 'application/sparql-query', 'Accept': 'application/sparql-results+json'}});
  const body = await r.text();
  if (!r.ok) { out.innerHTML = ''; const p = document.createElement('p'); p.className = 'err';
    p.textContent = r.status + ': ' + body; out.appendChild(p); return; }
  const data = JSON.parse(body);
  const table = document.createElement('table');
  const vars = data.head.vars || ['result'];
  const head = table.insertRow();
  for (const v of vars) { const th = document.createElement('th'); th.textContent = v; head.appendChild(th); }
  const rows = data.results ? data.results.bindings : [{result: {type: 'literal', value: String(data.boolean)}}];
  for (const b of rows) {
    const tr = table.insertRow();
    for (const v of vars) {
      const td = tr.insertCell(); const t = b[v];
      if (!t) continue;
      if (t.type === 'uri' && t.value.startsWith('DATA_IRI')) {
        const a = document.createElement('a'); a.href = '/entity?iri=' + encodeURIComponent(t.value);
        a.textContent = t.value; td.appendChild(a);
      } else { td.textContent = t.value; }
    }
  }
  out.innerHTML = ''; const n = document.createElement('p'); n.textContent = rows.length + ' rows';
  out.appendChild(n); out.appendChild(table);
});
""".replace("DATA_IRI", DATA_IRI)


def query_page(text: str = "") -> str:
    example = text or ("SELECT ?meeting ?date WHERE {\n  ?m a kg:Meeting ; rdfs:label ?meeting ; kg:date ?date\n}"
                       " ORDER BY ?date")
    names = "".join(f"<li><a href=\"/query?name={quote(n)}\">{escape(n)}</a> {escape(d)}</li>"
                    for n, (_, d) in q.named_queries().items())
    return page("query", "<h1>SPARQL</h1><p class=\"type\">The prefixes kg:, kgd:, rdf:, rdfs:, skos:, prov:, "
                         "xsd:, schema:, org: are predeclared. Read only.</p>"
                         "<form id=\"qform\" action=\"/sparql\" method=\"post\">"
                         f"<textarea id=\"text\" name=\"query\" rows=\"10\">{escape(example)}</textarea>"
                         "<button id=\"run\">Run</button></form><div id=\"out\"></div>"
                         f"<h3>Named queries</h3><ul>{names}</ul><script>{QUERY_JS}</script>")

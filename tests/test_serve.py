"""kg serve: the SPARQL 1.1 Protocol endpoint against kg query, updates refused, time limit, concurrency, pages."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import main

from .conftest import ROOT, SEEDS

QUERIES = sorted((ROOT / "queries").glob("*.rq"))
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
SR = "{http://www.w3.org/2005/sparql-results#}"


@pytest.fixture(scope="module")
def store_dir(seed_build) -> Path:
    from kg.store import store_for

    store_for(seed_build / "kg.oxigraph")  # loaded once from the seed kg.ttl
    return seed_build / "kg.oxigraph"


def _start(store_dir, **kw):
    from kg.serve import make_server, serve_in_thread

    server = make_server(store_dir, port=0, pages_dir=SEEDS, **kw)
    serve_in_thread(server)
    return server, f"http://127.0.0.1:{server.server_address[1]}"


@pytest.fixture(scope="module")
def server(store_dir):
    from kg.serve import shutdown

    srv, url = _start(store_dir, timeout=20, workers=2)
    yield url
    shutdown(srv)


def http(url, *, data=None, headers=None, method=None):
    req = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            return r.status, r.headers, r.read()
    except urllib.error.HTTPError as err:
        return err.code, err.headers, err.read()


def sparql_get(base, text, accept):
    return http(f"{base}/sparql?" + urllib.parse.urlencode({"query": text}), headers={"Accept": accept})


def kg_query_json(store_dir, text):
    result = CliRunner().invoke(main, ["query", text, "--format", "json", "--store", str(store_dir)])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def plain(bindings):
    """Bindings without the implicit xsd:string datatype."""
    out = []
    for b in bindings:
        row = {}
        for k, v in b.items():
            v = dict(v)
            if v.get("datatype") == XSD_STRING:
                del v["datatype"]
            row[k] = v
        out.append(row)
    return out


def xml_bindings(body):
    root = ET.fromstring(body)
    variables = [v.get("name") for v in root.iter(SR + "variable")]
    rows = []
    for result in root.iter(SR + "result"):
        row = {}
        for b in result.findall(SR + "binding"):
            term = b[0]
            kind = term.tag[len(SR):]
            value = {"type": {"uri": "uri", "bnode": "bnode", "literal": "literal"}[kind], "value": term.text or ""}
            if term.get("{http://www.w3.org/XML/1998/namespace}lang"):
                value["xml:lang"] = term.get("{http://www.w3.org/XML/1998/namespace}lang")
            if term.get("datatype"):
                value["datatype"] = term.get("datatype")
            row[b.get("name")] = value
        rows.append(row)
    return variables, rows


@pytest.mark.parametrize("rq", QUERIES, ids=[p.stem for p in QUERIES])
def test_every_named_query_answers_as_kg_query_does(server, store_dir, rq):
    text = rq.read_text(encoding="utf-8")
    expected = kg_query_json(store_dir, text)
    assert expected["results"]["bindings"], "a named query with no answer on the seeds checks nothing"
    vars_, rows = expected["head"]["vars"], plain(expected["results"]["bindings"])

    status, headers, body = sparql_get(server, text, "application/sparql-results+json")
    assert status == 200 and headers["Content-Type"].startswith("application/sparql-results+json")
    got = json.loads(body)
    # kg query adds a label column beside each column of IRIs; the endpoint answers the query as written
    keep = got["head"]["vars"]
    assert set(keep) <= set(vars_) and all(v in keep or v.endswith("Label") for v in vars_)
    vars_, rows = keep, [{k: v for k, v in r.items() if k in keep} for r in rows]
    assert plain(got["results"]["bindings"]) == rows

    status, headers, body = sparql_get(server, text, "application/sparql-results+xml")
    assert status == 200 and "xml" in headers["Content-Type"]
    assert xml_bindings(body) == (vars_, rows)

    status, headers, body = http(f"{server}/sparql", data=urllib.parse.urlencode({"query": text}).encode(),
                                 headers={"Accept": "text/csv", "Content-Type": "application/x-www-form-urlencoded"})
    assert status == 200 and headers["Content-Type"].startswith("text/csv")
    got_csv = list(csv.reader(io.StringIO(body.decode("utf-8"))))
    want = list(csv.reader(io.StringIO(
        CliRunner().invoke(main, ["query", text, "--format", "csv", "--store", str(store_dir)]).output)))
    columns = [want[0].index(v) for v in got_csv[0]]
    assert got_csv == [[row[i] for i in columns] for row in want]


def test_post_sparql_query_body_tsv_and_graph_formats(server):
    status, headers, body = http(f"{server}/sparql", data=b"SELECT (COUNT(*) AS ?n) WHERE { ?m a kg:Meeting }",
                                 headers={"Content-Type": "application/sparql-query",
                                          "Accept": "text/tab-separated-values"})
    assert status == 200 and headers["Content-Type"].startswith("text/tab-separated-values")
    assert body.decode().splitlines()[0] == "?n" and int(body.decode().splitlines()[1].split("^^")[0].strip('"')) >= 8
    construct = "CONSTRUCT { ?m a kg:Meeting } WHERE { ?m a kg:Meeting ; kg:ordinal 82 }"
    for accept, fmt in (("text/turtle", "TURTLE"), ("application/n-triples", "N_TRIPLES")):
        import pyoxigraph as ox

        status, headers, body = sparql_get(server, construct, accept)
        assert status == 200 and headers["Content-Type"].startswith(accept)
        triples = list(ox.parse(body, format=getattr(ox.RdfFormat, fmt)))
        assert len(triples) == 1 and triples[0].object.value.endswith("#Meeting")
    status, _, body = sparql_get(server, "ASK { ?m kg:ordinal 82 }", "application/sparql-results+json")
    assert json.loads(body)["boolean"] is True
    status, _, body = sparql_get(server, "ASK { ?m kg:ordinal 82 }", "image/png")
    assert status == 406 and b"sparql-results+json" in body
    status, headers, _ = sparql_get(server, "ASK { ?m kg:ordinal 82 }", "text/html,application/xml;q=0.9,*/*;q=0.8")
    assert status == 200 and "xml" in headers["Content-Type"]


def test_cors_headers_and_preflight(server):
    status, headers, _ = http(f"{server}/sparql", method="OPTIONS",
                              headers={"Origin": "http://example.org", "Access-Control-Request-Method": "POST"})
    assert status == 204 and headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in headers["Access-Control-Allow-Methods"]
    _, headers, _ = sparql_get(server, "ASK {}", "application/sparql-results+json")
    assert headers["Access-Control-Allow-Origin"] == "*"


def test_updates_are_refused_and_change_nothing(server):
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    before = json.loads(sparql_get(server, count, "application/json")[2])
    insert = "PREFIX ex: <http://example.org/> INSERT DATA { ex:a ex:b ex:c }"
    attempts = [
        http(f"{server}/sparql", data=urllib.parse.urlencode({"update": insert}).encode(),
             headers={"Content-Type": "application/x-www-form-urlencoded"}),
        http(f"{server}/sparql", data=insert.encode(), headers={"Content-Type": "application/sparql-update"}),
        http(f"{server}/sparql", data=urllib.parse.urlencode({"query": insert}).encode(),
             headers={"Content-Type": "application/x-www-form-urlencoded"}),
        sparql_get(server, "# a comment\nDELETE WHERE { ?s ?p ?o }", "application/json"),
    ]
    for status, _, body in attempts:
        assert 400 <= status < 500 and b"read-only" in body
    after = json.loads(sparql_get(server, count, "application/json")[2])
    assert after == before
    assert json.loads(sparql_get(server, "ASK { <http://example.org/a> ?p ?o }", "application/json")[2])[
        "boolean"] is False


def test_malformed_query_is_400_with_the_parsers_message(server):
    status, _, body = sparql_get(server, "SELECT ?x WHERE { ?x ?y }", "application/json")
    assert status == 400 and re.search(rb"1:\d+", body) and b"Traceback" not in body


def test_service_is_refused_but_the_word_elsewhere_is_not(server):
    status, _, body = sparql_get(server, "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
                                 "application/json")
    assert status == 403 and b"SERVICE" in body
    ok = 'SELECT ?service WHERE { BIND("SERVICE <x>" AS ?service) } # SERVICE'
    status, _, body = sparql_get(server, ok, "application/json")
    assert status == 200 and json.loads(body)["results"]["bindings"][0]["service"]["value"] == "SERVICE <x>"


def test_runaway_query_is_stopped_at_the_time_limit_and_the_server_goes_on(store_dir):
    from kg.serve import shutdown

    srv, url = _start(store_dir, timeout=1.5, workers=1)
    try:
        runaway = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
        t0 = time.monotonic()
        status, _, body = sparql_get(url, runaway, "application/json")
        took = time.monotonic() - t0
        assert status == 503 and b"stopped after 1.5 s" in body
        assert 1.4 < took < 6, took
        status, _, body = sparql_get(url, "ASK { ?m kg:ordinal 82 }", "application/json")
        assert status == 200 and json.loads(body)["boolean"] is True
    finally:
        shutdown(srv)


def test_fifty_concurrent_clients_each_get_their_own_answer(server, store_dir):
    import pyoxigraph as ox

    store = ox.Store.read_only(str(store_dir))
    labels = sorted({r["l"].value for r in store.query(
        "SELECT ?l WHERE { ?e a kg:Official ; rdfs:label ?l }",
        prefixes={"kg": "https://w3id.org/kg-news/ontology#", "rdfs": "http://www.w3.org/2000/01/rdf-schema#"})})
    assert len(labels) >= 10
    jobs = [labels[i % len(labels)] for i in range(50)]

    def ask(label):
        text = f'SELECT ?e WHERE {{ ?e rdfs:label "{label}"@zh ; a kg:Official }}'
        status, _, body = sparql_get(server, text, "application/sparql-results+json")
        return status, [b["e"]["value"] for b in json.loads(body)["results"]["bindings"]]

    expected = {label: ask(label) for label in set(jobs)}
    with ThreadPoolExecutor(50) as pool:
        answers = list(pool.map(ask, jobs))
    for label, got in zip(jobs, answers, strict=True):
        assert got == expected[label] and got[0] == 200 and len(got[1]) == 1


# ---------------------------------------------------------------- pages

def page(base, path):
    status, _, body = http(base + path)
    return status, body.decode("utf-8")


def test_search_entity_evidence_and_source_span(server):
    status, html = page(server, "/search?q=" + urllib.parse.quote("林武"))
    assert status == 200
    link = re.search(r'href="(/entity\?iri=[^"]+)">林武</a>', html).group(1)
    status, html = page(server, link)
    assert status == 200 and "第八十二次" in html
    facts = re.findall(r'<li class="fact">(.*?)</li>', html, re.DOTALL)
    meeting = next(f for f in facts if "第八十二次" in f)
    assert "<mark>林武</mark>" in meeting
    src = re.search(r'<a class="src" href="([^"]+)"', meeting).group(1).replace("&amp;", "&")
    sentence = re.sub(r"</?mark>", "", re.search(r"“(.*?)”", meeting).group(1))
    status, text = page(server, src.split("#")[0])
    assert status == 200
    span = re.search(r'<mark class="span" id="span">(.*?)</mark>', text, re.DOTALL).group(1)
    assert span == sentence


def test_search_finds_short_forms(server):
    _, html = page(server, "/search?q=" + urllib.parse.quote("林武"))
    _, trad = page(server, "/search?q=" + urllib.parse.quote("太原"))
    assert "太原市" in trad
    _, none = page(server, "/search?q=" + urllib.parse.quote("不存在的名字"))
    assert "Nothing called" in none and "林武" in html


def test_picture_page_and_cli_svg_are_the_same_drawing(server, store_dir, tmp_path):
    from kg.export import COLOURS

    _, html = page(server, "/search?q=" + urllib.parse.quote("林武"))
    iri = urllib.parse.unquote(re.search(r'/entity\?iri=([^"]+)">林武', html).group(1))
    status, html = page(server, "/picture?iri=" + urllib.parse.quote(iri, safe=""))
    assert status == 200 and "<svg" in html
    assert html.count('class="node"') >= 5 and COLOURS["Official"] in html and COLOURS["Meeting"] in html
    assert "/picture?iri=" in html  # each node opens its own picture
    status, headers, svg = http(server + "/picture.svg?iri=" + urllib.parse.quote(iri, safe=""))
    assert status == 200 and headers["Content-Type"].startswith("image/svg+xml")
    out = tmp_path / "lin.svg"
    result = CliRunner().invoke(main, ["nb", "林武", "--svg", str(out), "--store", str(store_dir)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes() == svg
    ET.fromstring(svg)  # well-formed


def test_timeline_is_by_date_and_filters_by_place(server):
    status, html = page(server, "/timeline")
    dates = re.findall(r'<li class="event"><code>([\d-]+)</code>', html)
    assert status == 200 and len(dates) >= 8 and dates == sorted(dates)
    assert "InfectionChain" in html and "Meeting" in html
    taiyuan = re.search(r'<option value="([^"]+)"[^>]*>太原市</option>', html).group(1)
    _, local = page(server, "/timeline?place=" + urllib.parse.quote(taiyuan, safe=""))
    local_dates = re.findall(r'<li class="event"><code>([\d-]+)</code>', local)
    assert 0 < len(local_dates) < len(dates)
    assert "第八十二次" not in local  # a provincial meeting is not Taiyuan's


def test_query_page_and_unknown_paths(server):
    status, html = page(server, "/query?name=relays")
    assert status == 200 and "kg:relays" in html and "<script>" in html and "http" not in html.split("<script>")[1] \
        .split("'/sparql'")[0]
    assert page(server, "/nothing")[0] == 404
    assert page(server, "/entity?iri=" + urllib.parse.quote("https://w3id.org/kg-news/id/person/none"))[0] == 404
    assert page(server, "/source?doc=x&start=a")[0] == 400


def test_kg_serve_command_says_its_address_and_stops_on_ctrl_c(store_dir):
    proc = subprocess.Popen([sys.executable, "-m", "kg.cli", "serve", "--store", str(store_dir), "--port", "0"],
                            stderr=subprocess.PIPE, text=True, cwd=ROOT, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        url = None
        for _ in range(20):
            line = proc.stderr.readline()
            m = re.search(r"serving (http://127\.0\.0\.1:\d+/)", line)
            if m:
                url = m.group(1)
                break
        assert url, "no address printed"
        status, _, body = sparql_get(url.rstrip("/"), "ASK { ?m kg:ordinal 82 }", "application/json")
        assert status == 200 and json.loads(body)["boolean"] is True
        proc.send_signal(signal.SIGINT)
        assert proc.wait(15) == 130
        assert "Traceback" not in proc.stderr.read()
    finally:
        if proc.poll() is None:
            proc.kill()

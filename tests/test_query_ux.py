"""Daily use of kg query and kg nb (issue 13) and their safety (issue 10, item 8)."""

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import main

from .conftest import ROOT

QUERY_FILES = sorted((ROOT / "queries").glob("*.rq"))


def run(args, **kw):
    return CliRunner().invoke(main, args, **kw)


def messages(output: str) -> list[str]:
    """The output's lines but the note that the store was loaded (which test runs first loads it)."""
    return [line for line in output.strip().splitlines() if not line.startswith("kg: loaded ")]


def store_args(seed_build):
    return ["--store", str(seed_build / "kg.oxigraph")]


@pytest.fixture(scope="module", autouse=True)
def loaded_store(seed_build):
    """The seed store loaded before any test here, so no output starts with the note that loads it."""
    assert run(["query", "relays", *store_args(seed_build)]).exit_code == 0


@pytest.fixture(scope="module")
def plain_store(seed_build):
    import pyoxigraph as ox

    store = ox.Store()
    store.load(path=str(seed_build / "kg.ttl"), format=ox.RdfFormat.TURTLE)
    return store


@pytest.mark.parametrize("path", QUERY_FILES, ids=lambda p: p.name)
def test_query_files_are_complete_sparql(plain_store, path: Path):
    """Each .rq runs as it is in plain pyoxigraph (as in Oxigraph server, Fuseki, QLever): no prefixes supplied."""
    rows = list(plain_store.query(path.read_text(encoding="utf-8")))
    assert rows, path.name


# ------------------------------------------------ issue 10 item 8: no network, a time limit, Ctrl-C

CARTESIAN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def test_service_is_refused_and_nothing_is_contacted(seed_build):
    import socket

    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    server.settimeout(0.5)
    port = server.getsockname()[1]
    try:
        for text in (f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}",
                     f"select * {{ service silent <http://127.0.0.1:{port}/> {{ ?s ?p ?o }} }}",
                     f"SELECT * {{ \\u0053ERVICE <http://127.0.0.1:{port}/> {{ ?s ?p ?o }} }}"):
            result = run(["query", text, *store_args(seed_build)])
            assert result.exit_code == 2, result.output
            assert "--allow-service" in result.output and len(messages(result.output)) == 1
        with pytest.raises(socket.timeout):
            server.accept()
    finally:
        server.close()


def test_service_words_elsewhere_are_not_refused(seed_build):
    text = 'SELECT ?service WHERE { ?service rdfs:label "SERVICE"@zh } # SERVICE'
    result = run(["query", text, *store_args(seed_build)])
    assert result.exit_code == 0, result.output


def test_a_query_past_its_time_limit_is_stopped(seed_build):
    import time

    start = time.monotonic()
    result = run(["query", CARTESIAN, "--timeout", "1", *store_args(seed_build)])
    assert time.monotonic() - start < 10
    assert result.exit_code == 1 and "--timeout" in result.output
    assert len(messages(result.output)) == 1


def test_ctrl_c_stops_a_running_query_at_once(seed_build):
    import signal
    import subprocess
    import sys
    import time

    proc = subprocess.Popen([sys.executable, "-m", "kg.cli", "query", CARTESIAN, *store_args(seed_build)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    time.sleep(2)
    assert proc.poll() is None  # still running
    proc.send_signal(signal.SIGINT)
    start = time.monotonic()
    _, err = proc.communicate(timeout=10)
    assert time.monotonic() - start < 3
    assert proc.returncode == 130 and "Traceback" not in err and "interrupted" in err


# ------------------------------------------------ issue 10, lesser: one line, no traceback

def test_unknown_query_name_is_one_line(seed_build):
    result = run(["query", "nosuchname", *store_args(seed_build)])
    assert result.exit_code == 2
    assert messages(result.output) == ["kg: no named query or file nosuchname (see kg query --list)."]


def test_non_utf8_query_file_name_and_content(seed_build, tmp_path):
    import os

    bad = tmp_path / "latin1.rq"
    bad.write_bytes("SELECT * WHERE { ?s rdfs:label \"caf\xe9\" }".encode("latin-1"))
    result = run(["query", str(bad), *store_args(seed_build)])
    assert result.exit_code == 2 and "not UTF-8" in result.output and "latin1.rq" in result.output
    assert len(messages(result.output)) == 1
    name = os.fsdecode(bytes(tmp_path) + b"/q\xff.rq")
    with open(os.fsencode(name), "wb") as fh:
        fh.write(b"SELECT (COUNT(*) AS ?n) WHERE { ?m a kg:Meeting }")
    result = run(["query", name, "--format", "csv", *store_args(seed_build)])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == "n"
    missing = os.fsdecode(bytes(tmp_path) + b"/none\xfe.rq")
    result = run(["query", missing, *store_args(seed_build)])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert len(messages(result.output)) == 1


def test_json_output_of_a_triple_term(seed_build):
    import json

    text = "SELECT (TRIPLE(kgd:a, kg:chair, kgd:b) AS ?t) WHERE {}"
    result = run(["query", text, "--format", "json", *store_args(seed_build)])
    assert result.exit_code == 0, result.output
    value = json.loads(result.output)["results"]["bindings"][0]["t"]
    assert value["type"] == "triple" and value["value"]["predicate"]["value"].endswith("#chair")


def test_id_that_is_not_an_iri_is_one_line(seed_build):
    result = run(["nb", "x", "--id", "kgd:a b", *store_args(seed_build)])
    assert result.exit_code == 1 and "not an IRI" in result.output
    assert len(messages(result.output)) == 1


def _exports_copy(seed_build, tmp_path):
    out = tmp_path / "exports"
    out.mkdir()
    (out / "kg.ttl").write_bytes((seed_build / "kg.ttl").read_bytes())
    return out


def test_read_only_exports_folder_queries_its_fresh_store(seed_build, tmp_path, monkeypatch):
    """A store already loaded needs no lock: a folder where no lock can be made still answers."""
    from kg import atomic

    out = _exports_copy(seed_build, tmp_path)
    assert run(["query", "relays", "--store", str(out / "kg.oxigraph")]).exit_code == 0

    def refuse(self):
        raise PermissionError(13, "Permission denied", str(self.path))

    monkeypatch.setattr(atomic.BuildLock, "__enter__", refuse)
    result = run(["query", "relays", "--store", str(out / "kg.oxigraph")])
    assert result.exit_code == 0, result.output
    assert "领导小组" in result.output


def test_store_beside_a_read_only_graph_goes_to_the_user_cache(seed_build, tmp_path, monkeypatch):
    from kg import atomic

    out = _exports_copy(seed_build, tmp_path)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    real_enter = atomic.BuildLock.__enter__

    def read_only(self):
        if self.path.parent == out:
            raise PermissionError(30, "Read-only file system", str(self.path))
        return real_enter(self)

    monkeypatch.setattr(atomic.BuildLock, "__enter__", read_only)
    result = run(["query", "relays", "--graph", str(out / "kg.ttl")])
    assert result.exit_code == 0, result.output
    assert "cache folder" in result.output and str(tmp_path / "cache") in result.output
    assert "领导小组" in result.output and not (out / "kg.oxigraph").exists()
    again = run(["nb", "林武", "--no-evidence", "--graph", str(out / "kg.ttl")])
    assert again.exit_code == 0 and "into the query store" not in again.output


def _truncate_sst(store):
    sst = max(store.glob("*.sst"), key=lambda p: p.stat().st_size)
    sst.write_bytes(sst.read_bytes()[: sst.stat().st_size // 2])


def _flip_sst(store):
    sst = max(store.glob("*.sst"), key=lambda p: p.stat().st_size)
    data = bytearray(sst.read_bytes())
    for i in range(100, len(data) - 2000, 997):
        data[i] ^= 0xFF
    sst.write_bytes(bytes(data))


def _bad_manifest(store):
    next(store.glob("MANIFEST*")).write_bytes(b"not a manifest" * 8)


@pytest.mark.parametrize("damage", [_truncate_sst, _flip_sst, _bad_manifest], ids=["truncated", "checksum", "manifest"])
@pytest.mark.parametrize("command", [["query", "relays"], ["nb", "林武", "--no-evidence"]], ids=["query", "nb"])
def test_damaged_store_is_rebuilt_from_the_turtle(seed_build, tmp_path, damage, command):
    out = _exports_copy(seed_build, tmp_path)
    assert run(["query", "relays", "--store", str(out / "kg.oxigraph")]).exit_code == 0
    damage(out / "kg.oxigraph")
    result = run([*command, "--store", str(out / "kg.oxigraph")])
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    notes = [line for line in result.output.splitlines() if line.startswith("kg:")]
    assert len(notes) == 1 and "rebuilt the damaged query store" in notes[0]
    assert "领导小组" in result.output or "林武" in result.output


# ------------------------------------------------ issue 13 item 6: lookups find what people type

@pytest.mark.parametrize("typed,found", [
    ("山西省委", "中共山西省委 (Organization)"),
    ("太原市委", "中共太原市委 (Organization)"),
    ("林武同志", "林武 (Official)"),
    ("林武书记", "林武 (Official)"),
    ("Taiyuan", "太原市 (City)"),
    ("tai yuan", "太原市 (City)"),
    ("Tàiyuán", "太原市 (City)"),
    ("tai4 yuan2", "太原市 (City)"),
    ("Lin Wu", "林武 (Official)"),
    ("linwu", "林武 (Official)"),
    ("Shanxi", "山西省 (Province)"),
    ("Shānxī", "山西省 (Province)"),
])
def test_lookup_finds_what_people_type(seed_build, typed, found):
    result = run(["nb", typed, "--no-evidence", *store_args(seed_build)])
    assert result.exit_code == 0, result.output
    assert messages(result.output)[0].startswith(found)


def test_a_quoted_code_finds_every_chain_it_names(seed_build):
    result = run(["nb", "8·18", *store_args(seed_build)])
    assert result.exit_code == 1 and "choose one with --id" in result.output
    assert "“8·18”阳泉盂县输入疫情 (InfectionChain, firstReported 2022-08-18" in result.output
    assert "我市“8·18”疫情 (InfectionChain" in result.output and "8·19" not in result.output
    one = run(["nb", "8·19", "--no-evidence", *store_args(seed_build)])
    assert one.exit_code == 0 and messages(one.output)[0].startswith("“8·19”晋中平遥核酸混检阳性链条 (InfectionChain")


def test_lookup_library_function(seed_build):
    from kg.query import find
    from kg.store import open_store

    store = open_store(seed_build / "kg.oxigraph")
    assert [label for _, label, _ in find(store, "Lin Wu")] == ["林武"]
    assert [t for _, _, t in find(store, "Taiyuan")] == ["City"]
    assert find(store, "zzzz") == [] and find(store, "不存在的人") == []


def test_type_place_includes_its_subclasses(seed_build):
    result = run(["nb", "太原", "--type", "Place", "--no-evidence", *store_args(seed_build)])
    assert result.exit_code == 0
    lines = result.output.splitlines()[1:]
    assert "(County)" in result.output and "(Site)" in result.output and "清徐县" in result.output
    assert not any("(Policy)" in line or "(Meeting)" in line for line in lines)


def test_type_is_matched_in_any_case_and_unknown_types_are_a_usage_error(seed_build):
    lower = run(["nb", "林武", "--type", "meeting", "--no-evidence", *store_args(seed_build)])
    assert lower.exit_code == 0 and "(Meeting)" in lower.output
    result = run(["nb", "太原", "--type", "Foo", *store_args(seed_build)])
    assert result.exit_code == 2
    assert "Foo" in result.output and "Meeting" in result.output and "Place" in result.output
    assert len(messages(result.output)) == 1


# ------------------------------------------------ issue 13 item 3: printed IRIs paste into SPARQL

def test_iri_printed_by_nb_pastes_into_a_query(seed_build):
    header = run(["nb", "林武", "--no-evidence", *store_args(seed_build)]).output.splitlines()[0]
    iri = header.split()[-1]
    assert iri.startswith("<https://") and iri.endswith(">")
    result = run(["query", f"SELECT ?l WHERE {{ {iri} rdfs:label ?l }}", *store_args(seed_build)])
    assert result.exit_code == 0, result.output
    assert "林武" in result.output and "(1 rows)" in result.output


def test_iri_from_the_candidate_list_pastes_into_id_and_a_query(seed_build):
    listing = run(["nb", "省委", *store_args(seed_build)]).output
    iri = next(line.split("--id ")[1].strip() for line in listing.splitlines() if "--id <" in line)
    assert run(["nb", "x", "--id", iri, "--no-evidence", *store_args(seed_build)]).exit_code == 0
    result = run(["query", f"ASK {{ {iri} a ?class }}", *store_args(seed_build)])
    assert result.exit_code == 0 and "true" in result.output


def test_unlabelled_iris_in_tables_are_legal_sparql(seed_build):
    result = run(["query", "SELECT ?e WHERE { ?e a kg:Evidence } LIMIT 1", *store_args(seed_build)])
    cell = result.output.splitlines()[2].strip()
    assert cell.startswith("<https://w3id.org/kg-news/id/evidence/")
    again = run(["query", f"ASK {{ {cell} a kg:Evidence }}", *store_args(seed_build)])
    assert "true" in again.output


# ------------------------------------------------ issue 13 item 5: one line instead of a traceback

@pytest.mark.parametrize("command", ["build", "extract"])
def test_out_that_cannot_be_written_is_one_line(tmp_path, command):
    blocker = tmp_path / "a-file"
    blocker.write_text("x", encoding="utf-8")
    for out in (blocker / "sub", Path("/proc/kg-test-out")):
        result = run([command, str(ROOT / "seeds"),
                      "--out", str(out), "--jobs", "1"])
        assert result.exit_code in (1, 2), result.output  # a folder that cannot be made is bad usage (2)
        assert "Traceback" not in result.output and str(out) in result.output
        assert len([line for line in result.output.splitlines() if line.startswith("kg:")]) == 1


def test_score_table_without_the_shared_folder_is_one_line(tmp_path):
    import shutil
    import subprocess
    import sys

    (tmp_path / "repo" / "scripts").mkdir(parents=True)
    shutil.copy(ROOT / "scripts" / "score_table.py", tmp_path / "repo" / "scripts")
    proc = subprocess.run([sys.executable, "scripts/score_table.py"], cwd=tmp_path / "repo",
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1 and "shared" in proc.stderr


# ------------------------------------------------ issue 13 item 9: kg nb on a hub

def _neighbours_per_relation(output: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    relation = None
    for line in output.splitlines()[1:]:
        if line.startswith("  ") and not line.startswith("    "):
            relation = line.strip().split(" (")[0]
            counts[relation] = 0
        elif line.startswith("    ") and not line.startswith("      ") and not line.strip().startswith("…"):
            counts[relation] += 1
        elif line.strip().startswith("…"):
            counts[relation] += int(line.split()[1])
    return counts


def test_limit_shows_a_few_per_relation_and_counts_the_rest(seed_build):
    full = run(["nb", "太原", "--limit", "0", "--no-evidence", *store_args(seed_build)])
    short = run(["nb", "太原", "--limit", "5", "--no-evidence", *store_args(seed_build)])
    assert full.exit_code == 0 and short.exit_code == 0
    assert len(short.output.splitlines()) < len(full.output.splitlines()) // 2
    total = re.search(r"← appliesTo \((\d+)\)", short.output)
    assert total and int(total.group(1)) > 5 and "more appliesTo" in short.output
    assert _neighbours_per_relation(short.output) == _neighbours_per_relation(full.output)
    default = run(["nb", "太原", "--no-evidence", *store_args(seed_build)])
    assert "more appliesTo (--limit 0 shows all)" in default.output


def _relations(output: str) -> dict[str, list[str]]:
    """Relation line -> the neighbour lines under it (top level of a depth-1 tree, no evidence)."""
    out: dict[str, list[str]] = {}
    relation = ""
    for line in output.splitlines()[1:]:
        if line.startswith("  ") and not line.startswith("    "):
            relation = line.strip().split(" (")[0]
            out[relation] = []
        elif line.startswith("    ") and not line.startswith("      ") and not line.strip().startswith("…"):
            out[relation].append(line.strip())
    return out


def test_limit_keeps_a_few_of_each_relation_in_label_order_and_gives_the_totals(seed_build):
    every = run(["nb", "太原", "--all", "--no-evidence", *store_args(seed_build)])
    assert every.exit_code == 0, every.output
    assert every.output == run(["nb", "太原", "--limit", "0", "--no-evidence", *store_args(seed_build)]).output
    assert "more neighbours not shown" not in every.output and "(--limit 0 shows all)" not in every.output
    short = run(["nb", "太原", "--limit", "2", "--no-evidence", *store_args(seed_build)])
    full, cut = _relations(every.output), _relations(short.output)
    assert list(full) == list(cut) and any(len(v) > 2 for v in full.values())
    for relation, neighbours in full.items():
        assert len(cut[relation]) == min(2, len(neighbours))
        assert [n for n in neighbours if n in cut[relation]] == cut[relation]  # kept in the full list's order
        if len(neighbours) > 2:
            assert f"  {relation} ({len(neighbours)})" in short.output
            assert f"… {len(neighbours) - 2} more {relation.strip('← →')}" in short.output
    left_out = sum(max(0, len(v) - 2) for v in full.values())
    assert short.output.rstrip().splitlines()[-1].startswith(f"({left_out} more neighbours not shown: at most 2 ")
    assert "--all shows every one" in short.output


def test_json_output_keeps_the_limit_and_gives_each_relations_total(seed_build):
    import json

    short = json.loads(run(["nb", "太原", "--format", "json", "--limit", "2", *store_args(seed_build)]).output)
    every = json.loads(run(["nb", "太原", "--format", "json", "--all", *store_args(seed_build)]).output)
    counted: dict = {}
    for e in every["edges"]:
        counted[(e["direction"], e["relation"])] = counted.get((e["direction"], e["relation"]), 0) + 1
    totals = {(t["direction"], t["relation"]): t["total"] for t in short["totals"]}
    assert totals == counted == {(t["direction"], t["relation"]): t["total"] for t in every["totals"]}
    kept: dict = {}
    for e in short["edges"]:
        kept[(e["direction"], e["relation"])] = kept.get((e["direction"], e["relation"]), 0) + 1
    assert kept == {k: min(2, n) for k, n in counted.items()}
    assert all(len(e["evidence"]) == min(1, e["evidenceTotal"]) for e in every["edges"])
    assert any(e["evidenceTotal"] > 3 for e in every["edges"])
    assert json.loads(run(["nb", "太原", "--format", "json", "--limit", "2", *store_args(seed_build)]).output) == short


def test_a_fact_with_more_evidence_says_how_many_more(seed_build):
    import json

    data = json.loads(run(["nb", "太原", "--format", "json", "--all", *store_args(seed_build)]).output)
    printed = run(["nb", "太原", "--all", *store_args(seed_build)]).output
    many = [e for e in data["edges"] if e["evidenceTotal"] > 1]
    assert many
    for e in many:
        more = e['evidenceTotal'] - 1
        assert f"(+{more} more sentence{'s' if more > 1 else ''})" in printed


def test_evidence_is_cut_around_the_matched_words():
    from kg.query import snippet

    sentence = "开头" * 40 + "太原市委书记主持召开会议" + "结尾" * 40
    cut = snippet(sentence, ["韦韬", "太原市委"], n=30)
    assert "太原市委" in cut and cut.startswith("…") and cut.endswith("…") and len(cut) == 32
    assert "太原" in snippet(sentence, ["太原市人民政府"], n=30)  # a shorter form of the name
    assert snippet("短句。", ["x"]) == "短句。"
    assert snippet("甲" * 100, ["x"], n=10) == "甲" * 9 + "…"


def test_printed_evidence_shows_where_the_sentence_names_the_neighbour(seed_build):
    from kg.query import neighbourhood, render_tree
    from kg.store import open_store

    store = open_store(seed_build / "kg.oxigraph")
    node = neighbourhood(store, "https://w3id.org/kg-news/id/place/140100")
    printed = render_tree(node, limit=0)
    checked = 0
    for edge in node.edges:
        name, sentence = edge.label.split(" [")[0], " ".join(edge.evidence[0]["sentence"].split())
        parts = [name[i:i + k] for k in range(len(name), 1, -1) for i in range(len(name) - k + 1)]
        longest = next((part for part in parts if part in sentence), None)
        if longest and len(sentence) > 60:
            line = next(line for line in printed.splitlines() if line.strip().startswith("“")
                        and line.strip()[1:].lstrip("…")[:10] in sentence
                        and any(p in line for p in parts[:1] + [longest]))
            assert longest in line
            checked += 1
    assert checked >= 20


# ------------------------------------------------ issue 13 item 7: same-named nodes told apart

def test_candidate_list_tells_meetings_and_posts_apart(seed_build):
    result = run(["nb", "省委", *store_args(seed_build)])
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if "--id" in line]
    meetings = [line for line in lines if "(Meeting" in line]
    posts = [line for line in lines if "(Post" in line]
    assert meetings and all("date 20" in line and "中共山西省委" in line for line in meetings)
    assert posts and all("中共山西省委" in line for line in posts)


def test_graphml_meetings_have_dates_and_posts_their_organization(seed_build):
    import networkx as nx

    graph = nx.read_graphml(seed_build / "kg.graphml")
    meetings = [d for _, d in graph.nodes(data=True) if d["type"] == "Meeting"]
    posts = [d for _, d in graph.nodes(data=True) if d["type"] == "Post"]
    assert meetings and all(len(d.get("date", "")) >= 10 and d.get("organizer") for d in meetings)
    assert sum(bool(d.get("org")) for d in posts) >= len(posts) // 2
    mayors = {d["org"] for d in posts if d["label"] == "市长"}
    assert "太原市人民政府" in mayors


# ------------------------------------------------ issue 13 item 8: labels beside IRIs, Excel, sorting

def test_csv_tsv_and_json_give_labels_beside_iris(seed_build):
    import csv
    import io
    import json

    result = run(["query", "officials_and_posts", "--format", "csv", *store_args(seed_build)])
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert list(rows[0]) == ["official", "officialLabel", "title", "organization", "organizationLabel"]
    lin = [r for r in rows if r["officialLabel"] == "林武"]
    assert lin and lin[0]["official"].startswith("https://w3id.org/kg-news/id/person/")
    tsv = run(["query", "relays", "--format", "tsv", *store_args(seed_build)]).output
    assert "meetingLabel" in tsv.splitlines()[0].split("\t") and "领导小组" in tsv
    data = json.loads(run(["query", "chains_and_places", "--format", "json", *store_args(seed_build)]).output)
    assert "chainLabel" in data["head"]["vars"]
    first = data["results"]["bindings"][0]
    assert first["chain"]["type"] == "uri" and first["chainLabel"]["xml:lang"] == "zh"


def test_csv_bom_for_excel(seed_build):
    plain = run(["query", "relays", "--format", "csv", *store_args(seed_build)]).output
    excel = run(["query", "relays", "--format", "csv", "--bom", *store_args(seed_build)]).output
    assert not plain.startswith("\ufeff") and excel == "\ufeff" + plain


def test_officials_and_posts_sorted_by_name(seed_build):
    import csv
    import io

    result = run(["query", "officials_and_posts", "--format", "csv", *store_args(seed_build)])
    names = [r["officialLabel"] for r in csv.DictReader(io.StringIO(result.output))]
    assert names == sorted(names) and len(set(names)) > 5


# ------------------------------------------------ issue 13 item 10: progress that tells the truth

def test_build_eta_is_timed_from_the_first_page_and_hidden_early():
    import io
    import time

    import click

    from kg.cli import _advance

    with click.progressbar(length=100, file=io.StringIO()) as bar:
        bar.start = time.time() - 300  # five minutes of start-up before the first page
        _advance(bar)
        assert not bar.show_eta  # one page says nothing about the rest
        for _ in range(9):
            _advance(bar)
        assert bar.show_eta and bar.eta < 30  # 90 more pages as fast as the last nine, not 5 min × 9


def test_a_slow_first_load_says_what_is_happening(seed_build, tmp_path, monkeypatch):
    from kg import store

    out = _exports_copy(seed_build, tmp_path)
    monkeypatch.setattr(store, "SLOW_NOTE_AFTER", 0.0)
    result = run(["query", "relays", "--store", str(out / "kg.oxigraph")])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith(f"kg: loading {out / 'kg.ttl'}") and "MB" in lines[0]
    fast = run(["query", "relays", "--store", str(out / "kg.oxigraph")])
    assert "kg: loading" not in fast.output


# ------------------------------------------------ issue 13 item 11: README

def test_readme_has_the_venv_python_version_install_split_and_vocabulary():
    import pyoxigraph as ox

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "python3 -m venv" in readme and "Python 3.11" in readme
    assert "pip install -e .  " in readme and "pip install -e '.[test]'" in readme
    kg = "https://w3id.org/kg-news/ontology#"
    owl = {"http://www.w3.org/2002/07/owl#" + k for k in ("Class", "ObjectProperty", "DatatypeProperty")}
    terms = {q.subject.value[len(kg):] for q in ox.parse(path=str(ROOT / "ontology" / "kg.ttl"),
                                                         format=ox.RdfFormat.TURTLE)
             if q.predicate.value.endswith("#type") and q.object.value in owl}
    assert len(terms) > 40
    vocabulary = readme[readme.index("## Vocabulary"):]
    missing = [t for t in sorted(terms) if f"| `kg:{t}` |" not in vocabulary]
    assert not missing and "ontology/kg.ttl" in vocabulary


@pytest.mark.parametrize("args", [["query", "relays"], ["nb", "Taiyuan"], ["nb", "太原", "--type", "Place"]])
def test_query_worker_and_lookups_import_no_heavy_library(seed_build, args):
    import subprocess
    import sys

    code = ("import sys; from kg.cli import main\n"
            "try:\n    main(sys.argv[1:])\nexcept SystemExit:\n    pass\n"
            "print('HEAVY', [m for m in ('spacy', 'networkx', 'rdflib') if m in sys.modules], file=sys.stderr)")
    proc = subprocess.run([sys.executable, "-c", code, *args, *store_args(seed_build)], capture_output=True,
                          text=True, cwd=ROOT, check=False)
    assert "HEAVY []" in proc.stderr and proc.returncode == 0, proc.stderr


def test_store_load_reports_its_progress(seed_build, tmp_path):
    from kg.store import open_store, write_store

    ttl = seed_build / "kg.ttl"
    seen = []
    write_store(ttl, tmp_path / "kg.oxigraph", lambda done, total: seen.append((done, total)))
    assert seen and seen[-1] == (ttl.stat().st_size, ttl.stat().st_size)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)
    import pyoxigraph as ox

    memory = ox.Store()
    memory.load(path=str(ttl), format=ox.RdfFormat.TURTLE)
    assert len(open_store(tmp_path / "kg.oxigraph")) == len(memory)


def test_load_bar_appears_only_after_a_second():
    from kg.cli_query import _LoadBar

    now = [0.0]
    bar = _LoadBar()
    bar.clock, bar.started = (lambda: now[0]), 0.0
    bar(100, 1000)
    assert bar.bar is None  # a quick load draws nothing
    now[0] = 1.5
    bar(500, 1000)
    assert bar.bar is not None and bar.bar.pos == 500
    bar.close()

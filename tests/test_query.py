"""kg query and kg neighbours on the seed graph: named queries, formats, errors, light imports."""

import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from kg.cli import main

from .conftest import ROOT, SEEDS

EXPECTED = {
    # query name -> rows that must be there (labels as printed in the table)
    "meetings_chaired_by": ["省委第六十四次疫情防控专题会暨省疫情防控工作领导小组会议",
                            "省委第八十二次疫情防控专题会暨省疫情防控工作领导小组会议"],
    "relays": ["市疫情防控工作领导小组第149次会议"],
    "chains_and_places": ["Z22列车“8·17”关联疫情"],
    "policies_in_county": ["静态管理"],
    "evidence_for_fact": ["林武"],
    "officials_and_posts": ["省委书记"],
    "place_hierarchy": ["清徐县"],
}


def run(args):
    return CliRunner().invoke(main, args)


def store_args(seed_build):
    return ["--store", str(seed_build / "kg.oxigraph")]


def test_every_named_query_is_listed_and_checked():
    result = run(["query", "--list"])
    names = {line.split()[0] for line in result.output.splitlines() if line.strip()}
    assert names == set(EXPECTED)
    shipped = sorted(p.name for p in (ROOT / "kg" / "data" / "queries").glob("*.rq"))
    source = sorted(p.name for p in (ROOT / "queries").glob("*.rq"))
    assert shipped == source
    for name in source:
        assert (ROOT / "queries" / name).read_bytes() == (ROOT / "kg" / "data" / "queries" / name).read_bytes()


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_named_query_results(seed_build, name):
    result = run(["query", name, *store_args(seed_build)])
    assert result.exit_code == 0, result.output
    for expected in EXPECTED[name]:
        assert expected in result.output, (name, expected)


def test_meetings_are_in_date_order(seed_build):
    result = run(["query", "meetings_chaired_by", *store_args(seed_build)])
    rows = [line.split() for line in result.output.splitlines()[2:-1]]
    dates = [r[1] for r in rows if r[0] == "林武"]
    assert dates == sorted(dates) and len(dates) >= 3


def test_json_results_follow_sparql_json(seed_build):
    result = run(["query", "SELECT ?m ?d WHERE { ?m a kg:Meeting ; kg:date ?d } ORDER BY ?d", "--format", "json",
                  *store_args(seed_build)])
    data = json.loads(result.output)
    assert data["head"]["vars"] == ["m", "mLabel", "d"]  # a label column beside the IRIs
    first = data["results"]["bindings"][0]
    assert first["m"]["type"] == "uri" and first["d"]["datatype"].endswith("#date")


def test_tsv_and_query_file(seed_build, tmp_path):
    rq = tmp_path / "q.rq"
    rq.write_text("SELECT (COUNT(*) AS ?n) WHERE { ?m a kg:Meeting }", encoding="utf-8")
    result = run(["query", str(rq), "--format", "tsv", *store_args(seed_build)])
    assert result.exit_code == 0 and result.output.splitlines()[0] == "n"
    assert int(result.output.splitlines()[1]) >= 8


def test_malformed_query_is_one_line_with_position(seed_build):
    result = run(["query", "SELECT ?x WHERE { ?x ?y }", *store_args(seed_build)])
    assert result.exit_code == 2
    assert "1:" in result.output and "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_missing_store_is_one_line_error(tmp_path):
    result = run(["query", "relays", "--store", str(tmp_path / "none")])
    assert result.exit_code == 1 and "kg build" in result.output


def test_graph_file_builds_its_store_once(seed_build, tmp_path):
    ttl = tmp_path / "kg.ttl"
    ttl.write_bytes((seed_build / "kg.ttl").read_bytes())
    first = run(["query", "relays", "--graph", str(ttl)])
    assert first.exit_code == 0 and "into the query store" in first.output
    second = run(["query", "relays", "--graph", str(ttl)])
    assert second.exit_code == 0 and "into the query store" not in second.output


def test_build_leaves_the_store_to_the_first_query_and_reloads_it_when_the_graph_changes(seed_build, tmp_path):
    out = tmp_path / "exports"
    out.mkdir()
    for name in ("kg.ttl", "kg.graphml"):
        (out / name).write_bytes((seed_build / name).read_bytes())
    assert not (out / "kg.oxigraph").exists()
    first = run(["query", "relays", "--store", str(out / "kg.oxigraph")])
    assert first.exit_code == 0 and "into the query store" in first.output and "领导小组" in first.output
    again = run(["query", "relays", "--store", str(out / "kg.oxigraph")])
    assert "into the query store" not in again.output
    text = (out / "kg.ttl").read_text(encoding="utf-8")
    (out / "kg.ttl").write_text(text.replace("kg:relays", "kg:discusses"), encoding="utf-8")
    changed = run(["query", "relays", "--store", str(out / "kg.oxigraph")])
    assert "into the query store" in changed.output and "领导小组" not in changed.output


def test_build_store_flag_loads_the_store_at_once(tmp_path):
    from kg.cli import main

    out = tmp_path / "exports"
    result = CliRunner().invoke(main, ["build", str(SEEDS), "--out", str(out), "--jobs", "1", "--store"])
    assert result.exit_code == 0, result.output
    assert (out / "kg.oxigraph" / "SOURCE").is_file()
    assert "into the query store" not in run(["query", "relays", "--store", str(out / "kg.oxigraph")]).output


def test_neighbours_of_a_provincial_leader(seed_build):
    result = run(["neighbours", "林武", *store_args(seed_build)])
    assert result.exit_code == 0, result.output
    out = result.output
    assert out.startswith("林武 (Official)")
    assert "← chair" in out and "ordinal 82" in out and "date 2022-04-14" in out
    assert "holds →" in out and "省委书记" in out
    assert "“" in out and ".txt" in out  # evidence sentence with its document


def test_neighbours_depth_two_reaches_co_attendees(seed_build):
    result = run(["nb", "林武", "--depth", "2", "--no-evidence", *store_args(seed_build)])
    assert result.exit_code == 0
    assert "← attendee" not in result.output.splitlines()[1]
    assert "韦韬" in result.output and "“" not in result.output


def test_neighbours_short_name_resolves_to_city(seed_build):
    result = run(["nb", "太原", "--no-evidence", *store_args(seed_build)])
    assert result.exit_code == 0
    assert result.output.startswith("太原市 (City)")
    assert "← partOf" in result.output and "清徐县" in result.output
    assert "← reportedIn" in result.output
    assert "← organizer·jurisdiction" in result.output and "第149次会议" in result.output


def test_neighbours_traditional_name_and_type_filter(seed_build):
    result = run(["nb", "林武", "--type", "Meeting", "--format", "json", *store_args(seed_build)])
    data = json.loads(result.output)
    assert data["label"] == "林武" and {e["type"] for e in data["edges"]} == {"Meeting"}
    result = run(["nb", "藍佛安", "--no-evidence", *store_args(seed_build)])
    assert result.exit_code == 0 and result.output.startswith("蓝佛安")


def test_unknown_and_ambiguous_names(seed_build):
    result = run(["nb", "不存在的人", *store_args(seed_build)])
    assert result.exit_code == 1 and len(result.output.strip().splitlines()) == 1
    result = run(["nb", "省委", *store_args(seed_build)])  # a prefix of many labels
    assert result.exit_code == 1 and "--id" in result.output


def test_query_path_imports_no_heavy_library(seed_build):
    code = ("import sys; from kg.cli import main\n"
            "try:\n    main(['nb', '林武', '--store', sys.argv[1]])\nexcept SystemExit:\n    pass\n"
            "bad = [m for m in ('spacy', 'networkx', 'rdflib') if m in sys.modules]\n"
            "print('HEAVY', bad)")
    out = subprocess.run([sys.executable, "-c", code, str(seed_build / "kg.oxigraph")], capture_output=True,
                         text=True, cwd=ROOT).stdout
    assert "HEAVY []" in out


def test_type_filter_keeps_paths_to_matching_nodes(seed_build):
    result = run(["nb", "太原", "--depth", "2", "--type", "Meeting", "--no-evidence", *store_args(seed_build)])
    assert result.exit_code == 0
    assert "(Meeting)" in result.output and "第149次" in result.output


def test_two_first_queries_at_once_load_the_store_once(seed_build, tmp_path):
    (tmp_path / "kg.ttl").write_bytes((seed_build / "kg.ttl").read_bytes())
    cmd = [sys.executable, "-m", "kg.cli", "query", "relays", "--store", str(tmp_path / "kg.oxigraph")]
    procs = [subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
             for _ in range(2)]
    outs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    assert sum("into the query store" in err for _, err in outs) == 1
    assert all("领导小组" in out for out, _ in outs)

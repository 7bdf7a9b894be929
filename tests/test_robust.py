"""Hostile text through the whole build: every export still parses; interrupts lose nothing."""

import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.cli import main

from .conftest import ROOT, SEEDS

NASTY = "\x00\x01\x0b\x1f\ufffe\uffff\"\\<>{}@#\u2028\u2029 \t"


def check_exports(out: Path) -> None:
    import networkx as nx
    import pyoxigraph
    import rdflib

    rdflib.Graph().parse(out / "kg.ttl")
    list(pyoxigraph.parse(path=str(out / "kg.ttl"), format=pyoxigraph.RdfFormat.TURTLE))
    nx.read_graphml(out / "kg.graphml")


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(alphabet=st.one_of(st.characters(codec="utf-8", exclude_categories=("Cs",)),
                                  st.sampled_from([*NASTY, *"省委书记王明主持召开第八次会议“8·17”疫情太原市。，、"])),
               min_size=1, max_size=300))
def test_random_text_builds_parseable_exports(tmp_path, text):
    page = tmp_path / "page.txt"
    page.write_text("省委书记王明主持会议。" + text, encoding="utf-8", errors="surrogatepass")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", str(page), "--out", str(out), "--clean", "--jobs", "1"])
    assert result.exit_code == 0, result.output
    check_exports(out)


def test_turtle_special_characters_survive(tmp_path):
    page = tmp_path / "page.txt"
    page.write_text('省委书记王明主持召开“\\>"{}”会议。\x01\ufffe记者 李 华 摄', encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", str(page), "--out", str(out)])
    assert result.exit_code == 0, result.output
    check_exports(out)
    graphml = (out / "kg.graphml").read_text(encoding="utf-8")
    assert "\x01" not in graphml and "\ufffe" not in graphml


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM, signal.SIGKILL])
def test_interrupted_build_keeps_previous_exports(tmp_path, seed_build, sig):
    out = tmp_path / "out"
    out.mkdir()
    for name in ("kg.ttl", "kg.graphml"):
        (out / name).write_bytes((seed_build / name).read_bytes())
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for i in range(100):  # enough pages that the build is still running when the signal comes
        for page in SEEDS.glob("*.txt"):
            (corpus / f"{i:02d}_{page.name}").write_text(page.read_text(encoding="utf-8"), encoding="utf-8")
    proc = subprocess.Popen([sys.executable, "-m", "kg.cli", "build", str(corpus), "--out", str(out),
                             "--clean", "--jobs", "2"], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    time.sleep(3)
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=60)
    if sig == signal.SIGKILL:
        assert proc.returncode == -signal.SIGKILL
    else:
        assert proc.returncode == 130, err
        assert "Traceback" not in err
        assert err.strip().splitlines()[-1].startswith("kg: build interrupted")
    for name in ("kg.ttl", "kg.graphml"):
        assert (out / name).read_bytes() == (seed_build / name).read_bytes()
    assert not [p for p in out.iterdir() if p.name.startswith(".") and p.name.endswith(".tmp")]
    check_exports(out)


@pytest.mark.skipif(shutil.which("rapper") is None, reason="needs rapper (Debian raptor2-utils; .ci/run installs it)")
def test_rapper_accepts_hostile_turtle(tmp_path):
    page = tmp_path / "page.txt"
    page.write_text('省委书记王明主持召开“\\>"{}”会议。\x01\ufffe记者 李 华 摄\n' + "长" * 5000 + "。",
                    encoding="utf-8")
    out = tmp_path / "out"
    assert CliRunner().invoke(main, ["build", str(page), "--out", str(out)]).exit_code == 0
    for ttl in (out / "kg.ttl", ROOT / "exports" / "kg.ttl"):
        proc = subprocess.run(["rapper", "-q", "-i", "turtle", "-c", str(ttl)], capture_output=True, text=True)
        assert proc.returncode == 0, proc.stderr[-2000:]

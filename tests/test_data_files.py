"""Data files: every TSV of kg/data starts (after comments) with a header row, which readers skip;
in kg/data/lex (no header) every entry is named and has an example above it."""

import re

import pytest

from kg.gazetteer import data_rows

from .conftest import ROOT

TSVS = sorted(p.name for p in (ROOT / "kg" / "data").glob("*.tsv"))
LEX = ROOT / "kg" / "data" / "lex"
LEX_TABLES = sorted(p.stem for p in LEX.glob("*.tsv"))


@pytest.mark.parametrize("name", TSVS)
def test_tsv_has_a_header_row(name):
    lines = [ln for ln in (ROOT / "kg" / "data" / name).read_text(encoding="utf-8").splitlines()
             if ln.strip() and not ln.startswith("#")]
    header = lines[0].split("\t")
    assert all(re.fullmatch(r"[a-z_]+", h) for h in header), f"{name}: first row {header} is not a header"
    assert len(data_rows(name)) == len(lines) - 1


def test_meeting_kinds_include_the_long_forms():
    kinds = {r[0] for r in data_rows("meeting_patterns.tsv")}
    assert {"专题会议", "专题会", "新闻发布会"} <= kinds


@pytest.mark.parametrize("name", LEX_TABLES)
def test_lex_entries_have_a_lowercase_name_and_an_example_above(name):
    """(test_lexicon_loader checks that every entry loads and compiles.)"""
    lines = (LEX / f"{name}.tsv").read_text(encoding="utf-8").splitlines()
    for before, line in zip(lines, lines[1:], strict=False):
        if line.strip() and not line.startswith("#"):
            key = line.split("\t")[0]
            assert re.fullmatch(r"[a-z][a-z0-9_]*", key), f"lex/{name}.tsv: {key!r} is not a lowercase name"
            assert before.startswith("#"), f"lex/{name}.tsv: {key!r} has no comment line (an example) above it"

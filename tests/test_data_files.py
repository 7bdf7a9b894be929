"""Data files: every TSV starts (after comments) with a header row, which readers skip."""

import re

import pytest

from kg.gazetteer import data_rows

from .conftest import ROOT

TSVS = sorted(p.name for p in (ROOT / "kg" / "data").glob("*.tsv"))


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

"""The extractors must generalise: no person name or meeting number of the seeds written into kg/."""

import json
import re

import pytest

from .conftest import ROOT, SHARED

GAZETTEER = {"kg/data/places.tsv"}  # place names are gazetteer data (lex/places.tsv is vocabulary: checked)


@pytest.mark.skipif(not (SHARED / "gold" / "seeds.gold.json").exists(), reason="needs ../shared/gold")
def test_no_seed_person_or_meeting_number_in_code():
    gold = json.loads((SHARED / "gold" / "seeds.gold.json").read_text(encoding="utf-8"))
    names = {p["name"] for p in gold["persons"]} | {a for p in gold["persons"] for a in p.get("aliases") or []}
    names = {re.sub(r"\s", "", n) for n in names if len(re.sub(r"\s", "", n)) >= 2}
    ordinals = set()
    for m in gold["meetings"]:
        for o in (m.get("ordinal") if isinstance(m.get("ordinal"), list) else [m.get("ordinal")]):
            if o and o > 30:
                ordinals.add(str(o))
    for path in sorted((ROOT / "kg").rglob("*")):
        if not path.is_file() or path.suffix not in {".py", ".tsv", ".txt", ".toml", ".json", ".jsonl", ".rq"} \
                or path.relative_to(ROOT).as_posix() in GAZETTEER or "__pycache__" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        found = sorted(n for n in names if n in text)
        assert not found, f"{path.relative_to(ROOT)} names seed persons: {found}"
        if path.suffix == ".py":
            numbers = sorted(o for o in ordinals if re.search(rf"第{o}次|\b{o}\b", text))
            assert not numbers, f"{path.relative_to(ROOT)} holds seed meeting numbers: {numbers}"


@pytest.mark.skipif(not (SHARED / "dev" / "devset.json").exists(), reason="needs ../shared/dev")
def test_no_dev_person_or_chain_name_in_code_or_data():
    pages = json.loads((SHARED / "dev" / "devset.json").read_text(encoding="utf-8"))
    names = {re.sub(r"\s", "", p["name"]) for d in pages for p in d["gold"].get("persons", [])}
    names = {n for n in names if len(n) >= 2}
    chains = {re.sub(r"[\s“”\"]", "", c["name"]) for d in pages for c in d["gold"].get("chains", [])}
    for path in sorted((ROOT / "kg").rglob("*")):
        if not path.is_file() or path.suffix not in {".py", ".tsv", ".txt", ".toml", ".json", ".jsonl", ".rq"} \
                or path.relative_to(ROOT).as_posix() in GAZETTEER or "__pycache__" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        found = sorted(n for n in names | chains if n in text)
        assert not found, f"{path.relative_to(ROOT)} names dev-set persons or chains: {found}"

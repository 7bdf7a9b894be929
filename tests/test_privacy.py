import pytest

from kg.privacy import contact_spans, mask


@pytest.mark.parametrize("text, found", [
    ("联系电话：13912345678。", ["13912345678"]),
    ("电话0351-4567890转", ["0351-4567890"]),
    ("（0354）6220155", ["（0354）6220155"]),
    ("邮箱 wang.li@example.cn 联系", ["wang.li@example.cn"]),
    ("身份证号14010219900101123X", ["14010219900101123X"]),
    ("第121次会议，共计1600余人，2022年", []),
])
def test_contact_spans(text, found):
    assert [text[s:e] for s, e in contact_spans(text)] == found


def test_mask_keeps_length_and_hides_digits():
    text = "热线15903447869，邮箱 ab@example.com"
    masked = mask(text)
    assert len(masked) == len(text)
    assert "159****7869" in masked and "a*@example.com" in masked


def test_no_contact_in_labels_or_evidence(tmp_path):
    from click.testing import CliRunner

    from kg.cli import main

    page = tmp_path / "p.txt"
    page.write_text("坚持“咨询13912345678热线”机制，市委书记王明主持会议，咨询电话13812345678。", encoding="utf-8")
    out = tmp_path / "out"
    assert CliRunner().invoke(main, ["build", str(page), "--out", str(out)]).exit_code == 0
    ttl = (out / "kg.ttl").read_text(encoding="utf-8")
    assert "13912345678" not in ttl and "13812345678" not in ttl
    assert "139****5678" in ttl
    kept = tmp_path / "kept"
    assert CliRunner().invoke(main, ["build", str(page), "--out", str(kept), "--keep-contacts"]).exit_code == 0
    assert "13912345678" in (kept / "kg.ttl").read_text(encoding="utf-8")

import json
import re
import unicodedata

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.cli import main
from kg.extract import extract_batch
from kg.model import Document
from kg.normalise import clean
from kg.privacy import contact_spans, mask, mask_name


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


# ---------------------------------------------------------------- every form, found on the normalised text

LEAKED_FORMS = [  # forms that reached the exports when contacts were searched in the original text only
    "１３８１２３４５６７８", "+8613812345678", "+86 138 1234 5678", "Tel13812345678", "138.1234.5608",
    "1381-234-5612", "13812345678ext123", "0351-5678901 ext 12", "１４０１０２１９８００１０１１２５Ｘ",
    "ID14010219800101125X", "140102 19800101 1255", "140102800101125", "wangwu＠example.cn", "王五@example.cn",
    "0351 5678901",
]


def _digits(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKC", text) if c.isdigit())


def _hidden(contact: str) -> str:
    """What the mask hides: the digits between the first three and the last four, or the e-mail's user."""
    norm = unicodedata.normalize("NFKC", contact)
    if "@" in norm:
        return norm.partition("@")[0][1:]
    return _digits(contact)[3:-4]


def _strings(rec) -> list[str]:
    """Every string of a page record that can reach an export, the cache or a kg extract file."""
    out = [rec.doc.doc_id, rec.doc.source_file]  # what to_nquads writes, one string at a time
    for m in rec.mentions:
        out += [m.label, m.key, *m.alt_labels, json.dumps(m.attrs, ensure_ascii=False, default=str)]
    for r in rec.relations:
        out += [r.evidence.sentence, str(r.fact.obj)]
    return out


def _leaks(rec, contact: str) -> list[str]:
    hidden = _hidden(contact)
    norm = unicodedata.normalize("NFKC", contact)
    if "@" in norm:  # the user's hidden part, looked for outside the host name (0xa@example.cn: "xa")
        host = norm.partition("@")[2]
        return [s for s in _strings(rec) if hidden in unicodedata.normalize("NFKC", s).replace(host, "")]
    return [s for s in _strings(rec) if hidden in _digits(s)]


def _page(text: str, name: str = "p.txt") -> Document:
    return Document(name.rsplit(".", 1)[0], name, text, year=2022)


TEMPLATES = [
    "4月14日，市委书记王明主持召开市委常委会会议，联系电话{c}，会议要求坚持“动态清零”。\n",
    "{c}市委书记王明主持召开会议，强调要做好防控。\n",
    "坚持“咨询{c}热线”机制，市委书记王明主持会议。\n",
    "市委书记王明，电话{c}，主持召开会议。\n",
]


@pytest.mark.parametrize("contact", LEAKED_FORMS)
def test_contact_forms_found_on_the_clean_text(contact):
    cl = clean(f"联系方式：{contact}。")
    found = [cl.text[s:e] for s, e in contact_spans(cl.text)]
    norm = unicodedata.normalize("NFKC", contact)
    assert len(found) == 1 and norm.endswith(found[0]) and _digits(found[0]) == _digits(norm)  # Tel, ID stay


@pytest.mark.parametrize("contact", LEAKED_FORMS)
def test_contact_forms_never_reach_a_record(contact):
    docs = [_page(t.format(c=contact)) for t in TEMPLATES]
    for doc, rec in zip(docs, extract_batch(docs), strict=True):
        assert rec.relations, doc.text
        assert _leaks(rec, contact) == []
        for r in rec.relations:  # offsets stay exact
            assert doc.text[r.evidence.start:r.evidence.end] == r.evidence.sentence


def test_a_number_cut_by_a_column_break_is_found():
    text = "市委书记王明主持召开会议，咨询电话138\n12345699，要求做好防控。\n"
    assert clean(text).text.count("13812345699") == 1
    rec = extract_batch([_page(text)])[0]
    assert rec.relations and _leaks(rec, "13812345699") == []
    assert all("138" not in r.evidence.sentence for r in rec.relations)


@pytest.mark.parametrize("text", [
    "2022年4月15日", "4月14日", "新增本土确诊病例12例", "累计检测1386万人次", "home_city 140100", "“8·17”关联疫情",
    "第121次会议", "共计1600余人", "2022年9月7日至9月10日", "140105001001", "1949.10.01-1950.01.01",
    "0.5%", "12345", "2022-04-15", "10:00-12:00", "2021年12月31日24时",
])
def test_ordinary_numbers_are_kept(text):
    cl = clean(text)
    assert contact_spans(cl.text) == [] and mask(cl.text) == cl.text


# ---------------------------------------------------------------- fuzzing: generated shapes in generated pages

FULL = str.maketrans("0123456789Xx@", "０１２３４５６７８９Ｘｘ＠")
digit = st.sampled_from("0123456789")


def _n(k):
    return st.text(digit, min_size=k, max_size=k)


sep = st.sampled_from(["", " ", "-", ".", "\u3000"])


@st.composite
def mobiles(draw):
    head = "1" + draw(st.sampled_from("3456789")) + draw(digit)
    body = draw(_n(8))
    s = draw(sep)
    if draw(st.booleans()):
        number = head + s + body[:4] + s + body[4:]
    else:
        number = head + body[0] + s + body[1:4] + s + body[4:]
    prefix = draw(st.sampled_from(["", "+86", "+86 ", "(+86)", "0086", "86", "Tel", "TEL:", "手机", "tel."]))
    ext = draw(st.sampled_from(["", "转8", "ext123", " ext 45", "-6"]))
    return prefix + number + ext


@st.composite
def landlines(draw):
    area = "0" + draw(st.sampled_from(["10", "21", "351", "354"]))
    local = draw(_n(draw(st.sampled_from([7, 8]))))
    shape = draw(st.sampled_from(["{a}-{l}", "{a} {l}", "({a}){l}", "（{a}）{l}", "{a}{l}", "+86 {b} {l}"]))
    ext = draw(st.sampled_from(["", "转12", "-123", " ext 9"]))
    return shape.format(a=area, b=area[1:], l=local) + ext


@st.composite
def ids(draw):
    area, born, seq = draw(_n(6)), f"19{draw(_n(2))}{draw(st.sampled_from(['01', '07', '12']))}15", draw(_n(3))
    if draw(st.booleans()):
        check = draw(st.sampled_from("0123456789Xx"))
        s = draw(st.sampled_from(["", " ", "-"]))
        number = area + s + born + s + seq + check
    else:
        number = area + born[2:] + seq
    return draw(st.sampled_from(["", "ID", "身份证号", "证件号码："])) + number


@st.composite
def emails(draw):
    local = draw(st.text(st.sampled_from("abcdefghxyz0123456789._王五李四张"), min_size=3, max_size=12))
    local = local.strip(".")
    if len(local) < 3:
        local += "wang"
    host = draw(st.sampled_from(["example.cn", "mail.example.com", "qq.com", "gov.cn"]))
    return local + draw(st.sampled_from(["@", "＠"])) + host


contacts = st.one_of(mobiles(), landlines(), ids(), emails())


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(contact=contacts, template=st.sampled_from(TEMPLATES), full_width=st.booleans())
def test_generated_contacts_never_reach_a_record(contact, template, full_width):
    if full_width:
        contact = contact.translate(FULL)
    doc = _page(template.format(c=contact))
    rec = extract_batch([doc])[0]
    # what the page says without the contact is not a leak (002@example.cn hides "02", and 2022-04-14 has it)
    without = set(_strings(extract_batch([_page(template.format(c=""))])[0]))
    assert [s for s in _leaks(rec, contact) if s not in without] == []
    for r in rec.relations:
        assert doc.text[r.evidence.start:r.evidence.end] == r.evidence.sentence


@settings(max_examples=60, deadline=None)
@given(contact=st.one_of(mobiles(), ids()), cut=st.integers(4, 9))
def test_generated_contacts_cut_by_a_column_break(contact, cut):
    digits = [i for i, c in enumerate(contact) if c.isdigit()]
    at = digits[min(cut, len(digits) - 2)]
    text = f"市委书记王明主持召开会议，咨询电话{contact[:at]}\n{contact[at:]}，要求做好防控。\n"
    rec = extract_batch([_page(text)])[0]
    assert rec.relations and _leaks(rec, contact) == []


@settings(max_examples=100, deadline=None)
@given(y=st.integers(1949, 2030), m=st.integers(1, 12), d=st.integers(1, 31), n=st.integers(0, 10**7),
       code=st.integers(110000, 659999))
def test_generated_ordinary_numbers_are_kept(y, m, d, n, code):
    text = (f"{y}年{m}月{d}日，新增本土确诊病例{n}例，第{n % 200}次会议，“{m}·{d}”疫情，代码{code}，"
            f"{y}.{m:02d}.{d:02d}，{y}-{m:02d}-{d:02d}。")
    cl = clean(text)
    assert contact_spans(cl.text) == []


# ---------------------------------------------------------------- file names

def test_mask_name_is_stable_distinct_and_hides_the_number():
    a = mask_name("张三13900001111.txt", "甲")
    assert a == mask_name("张三13900001111.txt", "甲") and a.startswith("张三139****1111~") and a.endswith(".txt")
    assert a != mask_name("张三13900002111.txt", "甲")  # same masked digits, another file
    assert "0000" not in a.split("~")[0]
    assert mask_name("002_a0ca567260109d2b.txt", "甲") == "002_a0ca567260109d2b.txt"
    assert mask_name("2021/01.txt", "甲") == "2021/01.txt"


def test_no_contact_in_any_output(tmp_path):
    """Every channel: kg.ttl, kg.graphml, the cache, its manifest, -v, kg nb, kg extract files and names."""
    corpus = tmp_path / "pages"
    corpus.mkdir()
    forms = LEAKED_FORMS + ["138\n12345699"]
    body = "".join(f"4月{i % 28 + 1}日，市委书记王明主持召开会议，联系电话{c}，要求做好防控。\n"
                   for i, c in enumerate(forms))
    (corpus / "张三13900001111.txt").write_text(body, encoding="utf-8")
    (corpus / "张三13900002111.txt").write_text(body, encoding="utf-8")
    out = tmp_path / "out"
    runner = CliRunner()
    result = runner.invoke(main, ["build", str(corpus), "--out", str(out), "-v", "--jobs", "1"])
    assert result.exit_code == 0, result.output
    nb = runner.invoke(main, ["nb", "王明", "--store", str(out / "kg.oxigraph"), "--graph", str(out / "kg.ttl")])
    records = tmp_path / "records"
    ext = runner.invoke(main, ["extract", str(corpus), "--out", str(records), "--jobs", "1"])
    assert ext.exit_code == 0, ext.output
    assert len(list(records.glob("*.nq"))) == 2
    texts = [result.output, nb.output, ext.output]
    for f in [*out.rglob("*"), *records.rglob("*")]:
        texts.append(f.name)
        if f.is_file():
            texts.append(f.read_bytes().decode("utf-8", "replace"))
    ttl = (out / "kg.ttl").read_text(encoding="utf-8")
    assert "139****1111" in ttl and "王明" in nb.output
    for contact in forms + ["13900001111", "13900002111"]:
        norm = unicodedata.normalize("NFKC", contact)
        if "@" in norm:
            pattern = re.escape(norm.partition("@")[0])
        else:  # all its digits, in any of the separated forms (a newline as written in Turtle too)
            pattern = r"(?:[\s.\-()（）+]|\\n)*".join(_digits(contact))
        bad = [t[:80] for t in texts if re.search(pattern, unicodedata.normalize("NFKC", t))]
        assert not bad, (contact, bad)

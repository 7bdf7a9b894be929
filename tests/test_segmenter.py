import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.segmenter import words_of

pytest.importorskip("spacy_pkuseg")


@pytest.mark.parametrize("line, words", [
    ("19980101-01-001-001/m  迈向/v  充满/v  希望/n", ["迈向", "充满", "希望"]),
    ("[中共/j 中央/n]nt  总书记/n", ["中共", "中央", "总书记"]),
    ("省委 书记 主持", ["省委", "书记", "主持"]),
])
def test_words_of(line, words):
    assert words_of(line) == words


def test_train_and_use_a_segmenter(tmp_path):
    import random

    rng = random.Random(0)
    vocab = ["省委", "书记", "主持", "召开", "会议", "疫情", "防控", "工作", "领导", "小组", "强调", "坚持",
             "全面", "落实", "措施"]
    corpus = tmp_path / "corpus.txt"
    corpus.write_text("\n".join(" ".join(rng.choice(vocab) for _ in range(10)) for _ in range(120)),
                      encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(main, ["train-segmenter", str(corpus), "--out", str(tmp_path / "model"),
                                  "--iterations", "2"])
    assert result.exit_code == 0, result.output
    from kg.segmenter import blank

    nlp = blank(f"pkuseg:{tmp_path / 'model'}")
    assert [t.text for t in nlp("省委书记主持召开会议")] == ["省委", "书记", "主持", "召开", "会议"]


def test_bad_model_folder_is_one_line_error(tmp_path):
    page = tmp_path / "p.txt"
    page.write_text("省委书记主持会议。", encoding="utf-8")
    result = CliRunner().invoke(main, ["build", str(page), "--out", str(tmp_path / "o"),
                                       "--segmenter", f"pkuseg:{tmp_path}"])
    assert result.exit_code != 0 and "features.msgpack" in result.output


def test_pkuseg_pipeline_finds_the_same_facts(tmp_path):
    import random

    from kg.nlp import make_pipeline

    from .helpers import run

    rng = random.Random(1)
    vocab = ["省委", "书记", "主持", "召开", "会议", "太原", "市", "清徐县", "静态", "管理", "王", "明"]
    corpus = tmp_path / "c.txt"
    corpus.write_text("\n".join(" ".join(rng.choice(vocab) for _ in range(8)) for _ in range(100)), encoding="utf-8")
    assert CliRunner().invoke(main, ["train-segmenter", str(corpus), "--out", str(tmp_path / "m"),
                                     "--iterations", "1"]).exit_code == 0
    text = "本报讯 3月8日，省委书记王明主持召开会议。清徐县实行静态管理。"
    seg = make_pipeline(segmenter=f"pkuseg:{tmp_path / 'm'}")
    doc = seg.make_doc(text)
    doc._.kg_meta = run(text)._.kg_meta
    doc = seg(doc)
    char = run(text)

    def key(d):
        return sorted((m.cls, m.key, m.start, m.end) for m in d._.kg_mentions)

    assert key(doc) == key(char)


def test_relative_out_is_the_callers_folder(tmp_path, monkeypatch):
    """The README's own example, `kg train-segmenter corpus.txt --out model/`, leaves the model here."""
    import random

    rng = random.Random(1)
    vocab = ["市委", "常委", "研究", "部署", "核酸", "检测", "全员", "社区", "封控", "管理"]
    (tmp_path / "corpus.txt").write_text(
        "\n".join(" ".join(rng.choice(vocab) for _ in range(8)) for _ in range(60)), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["train-segmenter", "corpus.txt", "--out", "model/", "--iterations", "1"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "model").is_dir() and any((tmp_path / "model").iterdir())

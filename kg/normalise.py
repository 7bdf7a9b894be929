"""Pure text normalisation with an offset map back to the original text.

The pipeline runs on a *clean* text: NFKC (full-width letters and digits to
ASCII, but Chinese punctuation kept), a Traditional text mapped to Simplified
with OpenCC (a Simplified one is left as it is: t2s would turn the surname 於
into 于), page furniture removed (``（下转第2版）``, markdown ``##``), and
paragraphs that a column break cut mid-sentence re-joined. Every clean
character remembers the index of the original character it came from, so
evidence offsets always point into the original text.
"""

from __future__ import annotations

import re
import unicodedata
from array import array
from dataclasses import dataclass
from functools import cache

from kg.lexicon import charset, entries, pattern

# Chinese punctuation that NFKC would turn into ASCII; patterns are written with these.
KEEP_WIDE = frozenset("，：；！？（）")
TERMINAL_END = frozenset("。！？!?；;：:…”’」』)）】")
HEADING_HASHES = re.compile(r"^#{1,6}[ \t]+", re.MULTILINE)
INNER_PUNCT = re.compile(r"[，。；：！？、,;:!?]")
BODY_PUNCT = re.compile(r"[，。；！？、,;!?]")  # INNER_PUNCT but the colon
# An inline pinyin gloss after a character on mirror sites: 領(lǐng)導(dǎo). Toned syllables only,
# so a bracketed word in Latin letters (BA.2) stays.
PINYIN_GLOSS = re.compile(r"(?<=[\u4e00-\u9fff])\((?=[a-zü]*[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ])"
                          r"[a-zāáǎàēéěèīíǐìōóǒòūúǔùüǖǘǚǜ]{1,7}\)")
# Half-width punctuation in Chinese text means the full-width mark (the patterns are written with those);
# a comma or colon between digits (1,000; 09:39) stays.
HALF_WIDTH = {",": "，", ":": "：", ";": "；", "(": "（", ")": "）", "!": "！", "?": "？"}
HALF_PUNCT = re.compile(r"(?<!\d)[,:]|[,:](?!\d)|[;()!?]")


@dataclass(frozen=True)
class Clean:
    """A clean text and, for every clean character, its original index."""

    text: str
    index: array  # len(text) + 1 entries; the last is len(original)

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Original (start, end) covering clean characters ``start:end``."""
        if end <= start:
            pos = self.index[start]
            return pos, pos
        return self.index[start], self.index[end - 1] + 1


@cache
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


# A text is Traditional when OpenCC's t2s changes characters that only Traditional text uses (not
# those of lex/common.tsv's both_scripts: the surname 於): at least TRADITIONAL_LEAST of them, or at least
# TRADITIONAL_SHARE of its non-ASCII characters (a short line: 列車). In Traditional Chinese a quarter or
# more of the characters change; a Simplified page is left as it is.
TRADITIONAL_SHARE = 0.05
TRADITIONAL_LEAST = 3


@cache
def _both_scripts():
    """lex/common.tsv's both_scripts, as a numpy array of code points."""
    import numpy

    return numpy.array([ord(c) for c in charset("common", "both_scripts")], dtype=numpy.uint32)


def _is_traditional(text: str, converted: str) -> bool:
    """Does t2s change enough of ``text``'s characters that only Traditional text uses (``converted``: of
    the same length) to call it Traditional?"""
    import numpy

    a = numpy.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=numpy.uint32)
    b = numpy.frombuffer(converted.encode("utf-32-le", "surrogatepass"), dtype=numpy.uint32)
    differ = (a != b) & ~numpy.isin(a, _both_scripts())
    changed = int(numpy.count_nonzero(differ))
    wide = int(numpy.count_nonzero(a > 127))
    return changed >= TRADITIONAL_LEAST or changed >= max(1.0, TRADITIONAL_SHARE * wide)


def to_simplified(text: str) -> str:
    """Traditional -> Simplified, character for character (length preserved); a Simplified text, which
    t2s would change only where a character is both (於, 濛), is left as it is."""
    converted = _t2s().convert(text)
    if converted == text:
        return text
    if len(converted) != len(text):
        conv = _t2s().convert
        converted = "".join(c if len(c := conv(ch)) == 1 else ch for ch in text)
    return converted if _is_traditional(text, converted) else text


_NFKC: dict[str, str] = {}  # character -> its NFKC form, memoised
_RANGE = array("l")  # 0, 1, 2, ...: sliced for identity stretches of an index


def _counting(n: int) -> array:
    """An array that starts 0, 1, …, n - 1 (at least ``n`` long), shared: slice it, never change it."""
    global _RANGE
    if len(_RANGE) < n:
        _RANGE = array("l", range(max(n, 2 * len(_RANGE))))
    return _RANGE


def _changing(chars: set[str]) -> list[str]:
    """The characters of ``chars`` that NFKC changes (KEEP_WIDE never does), memoised."""
    out = []
    for ch in chars:
        norm = _NFKC.get(ch)
        if norm is None:
            keep = ch.isascii() or ch in KEEP_WIDE or unicodedata.is_normalized("NFKC", ch)
            norm = _NFKC[ch] = ch if keep else unicodedata.normalize("NFKC", ch)
        if norm != ch:
            out.append(ch)
    return out


def _nfkc(text: str) -> tuple[str, array]:
    """NFKC character by character; the index maps every output character to its source."""
    counting = _counting(len(text))
    changing = _changing(set(text))
    if not changing:
        return text, counting[:len(text)]
    pattern = re.compile("[" + "".join(re.escape(c) for c in changing) + "]")
    out: list[str] = []
    index = array("l")
    pos = 0
    for m in pattern.finditer(text):
        i = m.start()
        norm = _NFKC[text[i]]
        out.append(text[pos:i])
        index.extend(counting[pos:i])
        out.append(norm)
        index.extend([i] * len(norm))
        pos = i + 1
    out.append(text[pos:])
    index.extend(counting[pos:len(text)])
    return "".join(out), index


def _drop(text: str, index: array, spans: list[tuple[int, int]]) -> tuple[str, array]:
    """``text`` and ``index`` without the characters of ``spans`` (sorted by start; may overlap)."""
    if not spans:
        return text, index
    parts: list[str] = []
    new_index = array("l")
    pos = 0
    for s, e in spans:
        if s > pos:
            parts.append(text[pos:s])
            new_index.extend(index[pos:s])
        pos = max(pos, e)
    parts.append(text[pos:])
    new_index.extend(index[pos:len(text)])
    return "".join(parts), new_index


def _is_cut(line: str) -> bool:
    """A body line that ends mid-sentence (a column break, not a headline): it holds a comma or the like
    (a colon alone makes a headline: 某市召开会议：坚决守住防线)."""
    line = line.rstrip()
    return bool(line) and line[-1] not in TERMINAL_END and bool(BODY_PUNCT.search(line))


def _is_heading(line: str) -> bool:
    line = line.strip()
    return 0 < len(line) <= 30 and not INNER_PUNCT.search(line)


def _joins(text: str) -> list[tuple[int, int]]:
    """Spans to delete so that cut paragraphs re-join (line breaks, stray headings)."""
    dateline = entries("text")["dateline"]  # 本报讯: a new paragraph, never the rest of a cut one
    caption = pattern("text", "caption")  # 图为…: a photo's caption, a line of its own
    furniture = pattern("text", "furniture")  # 来源：…, 2021-05-06 10:20: a web page's furniture
    spans = []
    lines = []  # (start, end) of non-blank lines
    pos = 0
    for raw in text.split("\n"):
        end = pos + len(raw)
        if raw.strip():
            lines.append((pos, end))
        pos = end + 1
    i = 0
    while i < len(lines) - 1:
        a_start, a_end = lines[i]
        a = text[a_start:a_end]
        if not _is_cut(a) or caption.match(a) or furniture.search(a):
            i += 1
            continue
        b_start, b_end = lines[i + 1]
        b = text[b_start:b_end]
        if b.lstrip().startswith(dateline) or b.lstrip()[:1] in "（(【" or furniture.search(b):
            i += 1
            continue
        if _is_heading(b) and i + 2 < len(lines) and not b.rstrip().endswith(("。", "”")):
            c_start, _ = lines[i + 2]
            c = text[c_start:lines[i + 2][1]]
            if not _is_heading(c) and not c.lstrip().startswith(dateline):
                # A heading dropped into a cut sentence: the sentence goes on after it.
                spans.append((a_end, c_start))
                i += 2
                continue
        if _is_heading(b) and len(b.strip()) > 4:
            i += 1
            continue
        spans.append((a_end, b_start))
        i += 1
    return spans


def clean(text: str) -> Clean:
    """Normalise ``text`` for extraction; see the module docstring."""
    norm, index = _nfkc(text)
    norm = to_simplified(norm)
    norm, index = _drop(norm, index, [m.span() for m in PINYIN_GLOSS.finditer(norm)])
    norm = HALF_PUNCT.sub(lambda m: HALF_WIDTH[m.group()], norm)
    marker = pattern("text", "page_marker")  # （下转第2版）
    drops = [m.span() for m in marker.finditer(norm)] + [m.span() for m in HEADING_HASHES.finditer(norm)]
    norm, index = _drop(norm, index, sorted(drops))
    norm, index = _drop(norm, index, _joins(norm))
    index.append(len(text))
    return Clean(norm, index)

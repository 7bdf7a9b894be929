"""Files and folders -> documents: encodings detected, HTML turned to text, bad input skipped clearly.

Every problem with one input is a :class:`Skipped` with a one-line reason that
names the file and says what to do; with ``strict`` it is raised instead.
"""

from __future__ import annotations

import datetime as _dt
import errno
import os
import re
import stat
import tomllib
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from kg.errors import InputError
from kg.lexicon import charset, pattern
from kg.model import Document
from kg.privacy import mask_name

TEXT_SUFFIXES = {".txt", ".text", ".md", ".html", ".htm", ""}
HTML_SUFFIXES = {".html", ".htm"}
BLOCKS = frozenset(("p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "title", "section"))
MANIFEST = "manifest.toml"
BINARY_MAGIC = (b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"%PDF", b"PK\x03\x04", b"\x1f\x8b", b"BM", b"\x7fELF",
                b"RIFF", b"\x00\x00\x01\x00")
_HAS_DIGIT_OR_AT = re.compile(r"[\d@＠]")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
CJK = re.compile(r"[\u4e00-\u9fff]")


@cache
def _common() -> frozenset[str]:
    """The most frequent characters of Chinese news text (``lex/corpus.tsv``): a correct decoding is full of them."""
    return frozenset(charset("corpus", "frequent_char"))


@dataclass
class Skipped:
    path: str
    reason: str

    def __str__(self) -> str:
        return self.reason


def shown(path: Path | str) -> str:
    """A path as messages print it: one line (control characters escaped: a newline in a file name
    cannot forge a log line), contact details masked, a name too long to read shortened in the middle."""
    from kg.privacy import mask

    text = str(path)
    if _HAS_DIGIT_OR_AT.search(text):
        text = mask(unicodedata.normalize("NFKC", text))
    if _CONTROL.search(text):
        text = _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)
    return text if len(text) <= 400 else f"{text[:150]}…{text[-150:]}"


def _size(n: int) -> str:
    return f"{n / 1e6:.1f} MB" if n >= 100_000 else f"{n:,} bytes"


def load_manifest(folder: Path) -> dict[str, dict]:
    """``manifest.toml`` of a corpus folder: file name -> {published, home_city, home_province, …}."""
    path = Path(folder) / MANIFEST
    if not path.is_file():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
        raise InputError(f"{shown(path)}: not valid TOML ({err}); fix it or remove it.") from err
    return {k: v for k, v in data.items() if isinstance(v, dict)}


def _score(text: str) -> float:
    """Share of characters that are common Chinese characters, ASCII or punctuation."""
    if not text:
        return 0.0
    sample = text[:4000]
    cjk = CJK.findall(sample)
    common = _common()
    good = sum(1 for c in cjk if c in common)
    return good / len(cjk) if cjk else (1.0 if sample.isascii() else 0.0)


BOMS = ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe\x00\x00", "utf-32"), (b"\x00\x00\xfe\xff", "utf-32"),
        (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))  # UTF-32 LE starts like UTF-16 LE: tried first


def _wide_without_bom(data: bytes) -> str | None:
    """The UTF-16 or UTF-32 a BOM-less text is in, judged by where its zero bytes fall."""
    if len(data) % 2:
        return None
    sample = data[:4096]
    if len(data) % 4 == 0 and len(sample) >= 8:
        lanes = [sample[i::4] for i in range(4)]
        if not lanes[3].strip(b"\x00") and not lanes[2].strip(b"\x00"):
            return "utf-32-le"
        if not lanes[0].strip(b"\x00") and not lanes[1].strip(b"\x00"):
            return "utf-32-be"
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    if even + odd < 4:
        return None
    if odd >= 9 * even:
        return "utf-16-le"
    if even >= 9 * odd:
        return "utf-16-be"
    return None


def decode(data: bytes) -> tuple[str, str]:
    """(text, encoding) for page bytes; raises ValueError when no encoding fits.

    A BOM decides (UTF-8, UTF-32, UTF-16); without one, UTF-8, then
    UTF-16 LE / BE, GB18030 and Big5 are scored by how much of the text is
    common Chinese.
    """
    for bom, enc in BOMS:
        if data.startswith(bom):
            return data[len(bom):].decode(enc.replace("-sig", "") if enc == "utf-8-sig" else enc), enc
    guess = _wide_without_bom(data)
    candidates: tuple[str, ...] = ("gb18030", "big5")
    if guess:
        candidates = (guess,) + candidates
    else:
        try:
            return data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            pass
        if len(data) % 2 == 0:
            candidates += ("utf-16-le", "utf-16-be")
    best: tuple[float, str, str] | None = None
    for enc in candidates:
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        score = _score(text)
        if best is None or score > best[0]:
            best = (score, text, enc)
    if best is None or best[0] < 0.2:
        raise ValueError(NOT_TEXT)
    return best[1], best[2]


NOT_TEXT = "not UTF-8, UTF-16, UTF-32, GB18030 or Big5 text"


def html_to_text(markup: str) -> str:
    """Visible text of an HTML page, one block element a line; scripts and styles dropped."""
    from bs4 import BeautifulSoup, CData, NavigableString, PageElement, Tag

    text_types = (NavigableString, CData)  # what get_text() gives: no comments, doctypes, declarations

    soup = BeautifulSoup(markup, "html.parser")
    for tag in soup(["script", "style", "noscript", "template", "head"]):
        tag.decompose()
    # The strings get_text() gives, with a blank line after each block element. One walk of the
    # tree: inserting the blank lines into it costs the depth of the tree each (nested <div>s).
    parts: list[str] = []
    stack: list[tuple[PageElement, bool]] = [(soup, False)]
    while stack:
        node, leaving = stack.pop()
        if leaving:
            parts.append("\n\n")
        elif isinstance(node, Tag):
            if node.name in BLOCKS:
                stack.append((node, True))
            stack.extend((child, False) for child in reversed(node.contents))
        elif type(node) in text_types:
            parts.append(str(node))
    return re.sub(r"\n\s*\n(\s*\n)+", "\n\n", "".join(parts)).strip() + "\n"


def _files(paths: list[Path]) -> Iterator[tuple[Path, Path] | Skipped]:
    """(file, root) pairs in a stable order, or Skipped for unusable paths."""
    for given in paths:
        given = Path(given)
        if given.is_symlink() and not given.exists():
            why = "symbolic link loop" if _loops(given) else "broken symbolic link"
            yield Skipped(str(given), f"{shown(given)}: {why}; point it at a text file or remove it.")
        elif given.is_dir():
            found = False
            errors: list[OSError] = []
            for dirpath, dirnames, filenames in os.walk(given, onerror=errors.append):
                yield from _unlisted(errors)
                dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
                for name in sorted(filenames):
                    p = Path(dirpath) / name
                    if name.startswith(".") or name == MANIFEST or p.suffix.lower() not in TEXT_SUFFIXES:
                        continue
                    if p.is_symlink() and not p.exists():
                        why = "symbolic link loop" if _loops(p) else "broken symbolic link"
                        yield Skipped(str(p), f"{shown(p)}: {why}; point it at a text file or remove it.")
                        continue
                    found = True
                    yield p, given
            unlisted = list(_unlisted(errors))
            yield from unlisted
            if not found and not unlisted:
                yield Skipped(str(given), f"{shown(given)}: no text files (.txt, .html, .md) in this folder.")
        elif given.exists():  # a file, or a pipe or device that reading will refuse with its reason
            yield given, given.parent
        else:
            yield Skipped(str(given), f"{shown(given)}: no such file or folder.")


def _loops(path: Path) -> bool:
    try:
        os.stat(path)
    except OSError as err:
        return err.errno == errno.ELOOP
    return False


def _unlisted(errors: list[OSError]) -> Iterator[Skipped]:
    """Folders the walk could not list (too deep for PATH_MAX, no permission), one line each."""
    while errors:
        err = errors.pop(0)
        where = err.filename or "a folder"
        yield Skipped(str(where), f"{shown(where)}: folder cannot be listed ({err.strerror or err}); "
                                  "its files are not read.")


def count_inputs(paths: list[Path]) -> int:
    """How many files a build of ``paths`` will look at (for a progress bar)."""
    return sum(1 for item in _files(paths) if not isinstance(item, Skipped))


def document_id(root: Path, rel: str) -> str:
    """A file's document id: the name of the folder it was found in (the one given, or the
    file's own for a file given by name) and its path from there, suffix included.

    It depends on that file alone, not on the other inputs or their order:
    ``2021/01.txt`` and ``2022/01.txt`` are two documents, ``dup``, ``dup.txt`` and
    ``dup.html`` three, and a page keeps its id when pages are added.
    """
    name = os.path.basename(os.path.abspath(root))
    return f"{name}/{rel}" if name else rel


_KIND = ((stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISCHR, "a device"), (stat.S_ISBLK, "a device"),
         (stat.S_ISSOCK, "a socket"))
BLANK = re.compile(r"[\s\u200b-\u200d\u2060\ufeff]*")


def _read_regular(path: Path, max_bytes: int) -> bytes | Skipped:
    """The bytes of a regular file of at most ``max_bytes``, the limit applied while reading.

    Opened without blocking, so a named pipe cannot hang the build, and read
    only when it is a regular file (not /dev/zero behind a symbolic link).
    """
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError as err:
        return Skipped(str(path), f"{shown(path)}: cannot be read ({err.strerror or err}); check its permissions.")
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            kind = next((name for test, name in _KIND if test(mode)), "not a regular file")
            return Skipped(str(path), f"{shown(path)}: {kind}, not a text file; give regular files only.")
        chunks: list[bytes] = []
        n = 0
        while True:
            chunk = os.read(fd, min(1 << 20, max_bytes + 1 - n))
            if not chunk:
                break
            chunks.append(chunk)
            n += len(chunk)
            if n > max_bytes:
                size = max(os.fstat(fd).st_size, n)
                more = "" if size > max_bytes else "more than "
                return Skipped(str(path), f"{shown(path)}: {more}{_size(size)} is over the {_size(max_bytes)} limit; "
                                          "split it or raise --max-mb.")
        return b"".join(chunks)
    except OSError as err:
        return Skipped(str(path), f"{shown(path)}: cannot be read ({err.strerror or err}); check its permissions.")
    finally:
        os.close(fd)


def _manifest_values(entry: dict, manifest_file: Path | None, rel: str):
    """(published, home_city, home_province) of a manifest entry, or a one-line reason it is wrong."""
    where = f"{shown(manifest_file or MANIFEST)}: [{shown(rel)!r}]"
    published = entry.get("published")
    if isinstance(published, _dt.datetime):
        published = published.date()
    elif isinstance(published, str):
        try:
            published = _dt.date.fromisoformat(published)
        except ValueError:
            published = False
    if published is False or not (published is None or isinstance(published, _dt.date)):
        return (f"{where} published = {shown(repr(entry['published']))} is not a date; write it as "
                "published = 2022-04-15.")
    codes = []
    for key in ("home_city", "home_province"):
        value = entry.get(key)
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        if not (value is None or isinstance(value, str)):
            return f"{where} {key} = {shown(repr(value))} is not a place code; write it as {key} = \"140100\"."
        codes.append(value)
    return published, codes[0], codes[1]


def read_document(path: Path, root: Path, manifest: dict, *, year: int | None, max_bytes: int,
                  keep_contacts: bool = False, manifest_file: Path | None = None) -> Document | Skipped:
    """The document of one file, or why it is skipped.

    Unless ``keep_contacts``, a phone number or e-mail address in the file's
    name is masked in its document id and source file (kg.privacy.mask_name).
    """
    rel = path.relative_to(root).as_posix() if path.is_relative_to(root) else path.name
    data = _read_regular(path, max_bytes)
    if isinstance(data, Skipped):
        return data
    if not data.strip():
        return Skipped(str(path), f"{shown(path)}: empty file; nothing to read.")
    sample = data[:4096]
    if data.startswith(BINARY_MAGIC):
        return Skipped(str(path), f"{shown(path)}: binary file, not text; remove it from the corpus.")
    try:
        text, encoding = decode(data)
    except (ValueError, UnicodeDecodeError):
        text, encoding = None, ""
    wide = encoding.startswith(("utf-16", "utf-32"))
    if not wide and (b"\x00\x00\x00" in sample or sample.count(0) > len(sample) // 10):
        return Skipped(str(path), f"{shown(path)}: binary file, not text; remove it from the corpus.")
    if text is None:
        return Skipped(str(path), f"{shown(path)}: {NOT_TEXT}; re-save it as UTF-8.")
    if path.suffix.lower() in HTML_SUFFIXES or re.match(r"\s*(<!doctype html|<html)", text[:200], re.IGNORECASE):
        text = html_to_text(text)
        encoding += "+html"
    if BLANK.fullmatch(text):  # ideographic spaces, zero-width spaces, BOMs only
        return Skipped(str(path), f"{shown(path)}: empty file (only white space); nothing to read.")
    entry = manifest.get(rel) or manifest.get(path.name) or {}
    checked = _manifest_values(entry, manifest_file, rel)
    if isinstance(checked, str):
        return Skipped(str(path), checked)
    published, home_city, home_province = checked
    doc_year = published.year if published else year
    if doc_year is None:
        years = pattern("corpus", "year").findall(text)  # 2022年9月7日: the latest year dates the page
        doc_year = int(max(years)) if years else None
    doc_id = document_id(root, rel)
    source = rel
    if not keep_contacts:
        source, doc_id = mask_name(rel, text), mask_name(doc_id, text)
    return Document(doc_id=doc_id, source_file=source, text=text, encoding=encoding, published=published,
                    year=doc_year, home_city=home_city, home_province=home_province)


def iter_documents(paths: list[Path], *, year: int | None = None, max_bytes: int = 20_000_000,
                   strict: bool = False, keep_contacts: bool = False) -> Iterator[Document | Skipped]:
    """Documents (or Skipped) for files and folders, in a deterministic order."""
    manifests: dict[Path, dict] = {}
    seen: set[str] = set()
    ids: dict[str, Path] = {}
    for item in _files(paths):
        if isinstance(item, Skipped):
            if strict:
                raise InputError(item.reason)
            yield item
            continue
        path, root = item
        real = os.path.realpath(path)
        if real in seen:
            continue
        seen.add(real)
        folder = path.parent
        if folder not in manifests:
            manifests[folder] = load_manifest(folder)
        manifest, manifest_file = manifests[folder], folder / MANIFEST
        if not manifest:
            manifest, manifest_file = manifests.setdefault(root, load_manifest(root)), root / MANIFEST
        doc = read_document(path, root, manifest, year=year, max_bytes=max_bytes, keep_contacts=keep_contacts,
                            manifest_file=manifest_file)
        if isinstance(doc, Skipped):
            if strict:
                raise InputError(doc.reason)
        else:
            other = ids.setdefault(doc.doc_id, path)
            if other != path:  # two folders of one name given: whichever comes first, refuse
                first, second = sorted((shown(other), shown(path)))
                raise InputError(f"{first} and {second} would both be document {shown(doc.doc_id)}: "
                                 "give folders with different names, or the folder that holds both.")
        yield doc

"""Files and folders -> documents: encodings detected, HTML turned to text, bad input skipped clearly.

Every problem with one input is a :class:`Skipped` with a one-line reason that
names the file and says what to do; with ``strict`` it is raised instead.
"""

from __future__ import annotations

import datetime as _dt
import os
import re
import tomllib
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from kg.errors import InputError
from kg.model import Document
from kg.privacy import mask_name

TEXT_SUFFIXES = {".txt", ".text", ".md", ".html", ".htm", ""}
HTML_SUFFIXES = {".html", ".htm"}
MANIFEST = "manifest.toml"
BINARY_MAGIC = (b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"%PDF", b"PK\x03\x04", b"\x1f\x8b", b"BM", b"\x7fELF",
                b"RIFF", b"\x00\x00\x01\x00")
# a year written in the text (2022年9月7日, 2022年山西省科协年会); the latest one dates the page
YEAR = re.compile(r"(?<!\d)(20\d\d|19\d\d)年")
_HAS_DIGIT_OR_AT = re.compile(r"[\d@＠]")
CJK = re.compile(r"[\u4e00-\u9fff]")
# The most frequent characters of Chinese news text: a correct decoding is full of them.
COMMON = set("的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产"
             "种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去"
             "把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气"
             "第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管"
             "特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处府"
             "疫控防检测核酸市省委书记会议报讯工作领导小组")


@dataclass
class Skipped:
    path: str
    reason: str

    def __str__(self) -> str:
        return self.reason


def shown(path: Path | str) -> str:
    """A path as messages print it: contact details in it masked."""
    from kg.privacy import mask

    return mask(unicodedata.normalize("NFKC", str(path))) if _HAS_DIGIT_OR_AT.search(str(path)) else str(path)


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
    good = sum(1 for c in cjk if c in COMMON)
    return good / len(cjk) if cjk else (1.0 if sample.isascii() else 0.0)


def decode(data: bytes) -> tuple[str, str]:
    """(text, encoding) for page bytes; raises ValueError when no encoding fits."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    best: tuple[float, str, str] | None = None
    for enc in ("gb18030", "big5"):
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        score = _score(text)
        if best is None or score > best[0]:
            best = (score, text, enc)
    if best is None or best[0] < 0.2:
        raise ValueError("not UTF-8, UTF-16, GB18030 or Big5 text")
    return best[1], best[2]


def html_to_text(markup: str) -> str:
    """Visible text of an HTML page, one block element a line; scripts and styles dropped."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(markup, "html.parser")
    for tag in soup(["script", "style", "noscript", "template", "head"]):
        tag.decompose()
    blocks = soup.find_all(["p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "title", "section"])
    for tag in blocks:
        tag.insert_after("\n\n")
    text = soup.get_text()
    return re.sub(r"\n\s*\n(\s*\n)+", "\n\n", text).strip() + "\n"


def _files(paths: list[Path]) -> Iterator[tuple[Path, Path] | Skipped]:
    """(file, root) pairs in a stable order, or Skipped for unusable paths."""
    for given in paths:
        given = Path(given)
        if given.is_symlink() and not given.exists():
            yield Skipped(str(given), f"{shown(given)}: broken symbolic link; point it at a text file or remove it.")
        elif given.is_dir():
            found = False
            for dirpath, dirnames, filenames in os.walk(given):
                dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
                for name in sorted(filenames):
                    p = Path(dirpath) / name
                    if name.startswith(".") or name == MANIFEST or p.suffix.lower() not in TEXT_SUFFIXES:
                        continue
                    if p.is_symlink() and not p.exists():
                        yield Skipped(str(p), f"{shown(p)}: broken symbolic link; point it at a text file or remove it.")
                        continue
                    found = True
                    yield p, given
            if not found:
                yield Skipped(str(given), f"{shown(given)}: no text files (.txt, .html, .md) in this folder.")
        elif given.is_file():
            yield given, given.parent
        else:
            yield Skipped(str(given), f"{shown(given)}: no such file or folder.")


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


def read_document(path: Path, root: Path, manifest: dict, *, year: int | None, max_bytes: int,
                  keep_contacts: bool = False) -> Document | Skipped:
    """The document of one file, or why it is skipped.

    Unless ``keep_contacts``, a phone number or e-mail address in the file's
    name is masked in its document id and source file (kg.privacy.mask_name).
    """
    rel = path.relative_to(root).as_posix() if path.is_relative_to(root) else path.name
    try:
        size = path.stat().st_size
        if size > max_bytes:
            return Skipped(str(path), f"{shown(path)}: {_size(size)} is over the {_size(max_bytes)} limit; "
                                      "split it or raise --max-mb.")
        data = path.read_bytes()
    except OSError as err:
        return Skipped(str(path), f"{shown(path)}: cannot be read ({err.strerror or err}); check its permissions.")
    if not data.strip():
        return Skipped(str(path), f"{shown(path)}: empty file; nothing to read.")
    sample = data[:4096]
    utf16 = data.startswith((b"\xff\xfe", b"\xfe\xff"))
    if data.startswith(BINARY_MAGIC) or (not utf16 and (b"\x00\x00\x00" in sample or
                                                        sample.count(0) > len(sample) // 10)):
        return Skipped(str(path), f"{shown(path)}: binary file, not text; remove it from the corpus.")
    try:
        text, encoding = decode(data)
    except (ValueError, UnicodeDecodeError):
        return Skipped(str(path), f"{shown(path)}: not UTF-8, UTF-16, GB18030 or Big5 text; re-save it as UTF-8.")
    if path.suffix.lower() in HTML_SUFFIXES or re.match(r"\s*(<!doctype html|<html)", text[:200], re.IGNORECASE):
        text = html_to_text(text)
        encoding += "+html"
    entry = manifest.get(rel) or manifest.get(path.name) or {}
    published = entry.get("published")
    if isinstance(published, str):
        published = _dt.date.fromisoformat(published)
    if isinstance(published, _dt.datetime):
        published = published.date()
    doc_year = published.year if published else year
    if doc_year is None:
        years = YEAR.findall(text)
        doc_year = int(max(years)) if years else None
    doc_id = document_id(root, rel)
    source = rel
    if not keep_contacts:
        source, doc_id = mask_name(rel, text), mask_name(doc_id, text)
    return Document(doc_id=doc_id, source_file=source, text=text, encoding=encoding, published=published,
                    year=doc_year, home_city=entry.get("home_city"), home_province=entry.get("home_province"))


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
        manifest = manifests[folder] or manifests.setdefault(root, load_manifest(root))
        doc = read_document(path, root, manifest, year=year, max_bytes=max_bytes, keep_contacts=keep_contacts)
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

"""Atomic file replacement and the build lock: an interrupted build never leaves half an export."""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import os
import shutil
import tempfile
from pathlib import Path
from typing import Self

from kg.errors import LockedError

NAME_MAX = 200  # bytes of a file name we make; file systems allow 255, temporary names add to it


def short_name(stem: str, suffix: str = "") -> str:
    """``stem + suffix`` when it fits a file name with room to spare; else a cut stem and a hash of the whole."""
    name = stem + suffix
    if len(name.encode("utf-8", "surrogatepass")) <= NAME_MAX:
        return name
    digest = hashlib.sha1(name.encode("utf-8", "surrogatepass")).hexdigest()[:16]
    room = NAME_MAX - len(suffix.encode()) - 17
    cut = stem.encode("utf-8", "surrogatepass")[:room].decode("utf-8", "ignore")
    cut = cut[:cut.rfind("%")] if "%" in cut[-2:] else cut  # never half a %XX escape
    return f"{cut}~{digest}{suffix}"


def _mode(bits: int) -> int:
    """``bits`` as the process umask lets them be (what open() and mkdir() give)."""
    mask = os.umask(0o077)
    os.umask(mask)
    return bits & ~mask


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to a temporary file beside ``path``, fsync it, then rename it over ``path``."""
    atomic_write_chunks(path, [data])


def atomic_write_chunks(path: Path, chunks) -> None:
    """Stream byte chunks into a temporary file beside ``path``, then rename it over ``path``."""
    with atomic_open(path) as fh:
        for chunk in chunks:
            fh.write(chunk)


@contextlib.contextmanager
def atomic_open(path: Path):
    """A binary file to write that replaces ``path`` (fsynced) only when the block ends without error."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{short_name(path.name)}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, _mode(0o666))  # mkstemp makes 0600: the file gets the modes the umask gives
        with os.fdopen(fd, "wb", buffering=1 << 20) as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def atomic_write_text(path: Path, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))


@contextlib.contextmanager
def atomic_dir(final: Path):
    """Yield a temporary folder beside ``final``; on success it replaces ``final`` whole."""
    final = Path(final)
    final.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{short_name(final.name)}.", suffix=".tmp", dir=final.parent))
    try:
        os.chmod(tmp, _mode(0o777))  # mkdtemp makes 0700
        yield tmp
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    old = final.parent / f".{final.name}.old"
    shutil.rmtree(old, ignore_errors=True)
    if final.exists():
        os.rename(final, old)
    os.rename(tmp, final)
    shutil.rmtree(old, ignore_errors=True)


COMMIT = ".kg-commit"  # the record of a set of exports being put in place


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def staged_name(name: str) -> str:
    return f".{name}.new"


class ExportSet:
    """Files written beside their final names and put in place together: all old or all new.

    :meth:`open` writes ``NAME`` as ``.NAME.new`` (fsynced); :meth:`commit`
    records the set in ``.kg-commit`` (fsynced), renames each file over its
    final name, then removes the record. A process killed after the record is
    written leaves it behind, and :func:`settle` (run by the next build and by
    the commands that read the exports) finishes the renames; killed before,
    nothing final has changed and the next build removes the staged files.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self.names: list[str] = []
        self.recorded = False

    @contextlib.contextmanager
    def open(self, path: Path):
        """A binary file to write that becomes ``path`` when the set is committed."""
        path = Path(path)
        if path.parent != self.folder:
            raise ValueError(f"{path} is not in {self.folder}")
        staged = self.folder / staged_name(path.name)
        try:
            with open(staged, "wb", buffering=1 << 20) as fh:
                yield fh
                fh.flush()
                os.fsync(fh.fileno())
        except BaseException:
            staged.unlink(missing_ok=True)
            raise
        if path.name not in self.names:
            self.names.append(path.name)

    def abort(self) -> None:
        """Drop the staged files; once the commit is recorded, finish it instead (never half a set)."""
        if self.recorded:
            settle(self.folder)
        else:
            for name in self.names:
                (self.folder / staged_name(name)).unlink(missing_ok=True)
        self.names = []

    def commit(self) -> None:
        atomic_write_text(self.folder / COMMIT, "".join(f"{staged_name(n)}\t{n}\n" for n in self.names))
        self.recorded = True
        _fsync_dir(self.folder)
        settle(self.folder)
        self.names = []


def settle(folder: Path) -> bool:
    """Finish a commit of :class:`ExportSet` that a killed process left half done; True when there was one.

    Only names the record may hold are renamed (``.NAME.new`` over ``NAME`` in
    ``folder``, regular files, never links), so a planted record moves nothing else.
    """
    folder = Path(folder)
    record = folder / COMMIT
    try:
        lines = record.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return False
    except (OSError, UnicodeDecodeError):
        lines = []
    for line in lines:
        staged, _, final = line.partition("\t")
        if "/" in final or final.startswith(".") or not final or staged != staged_name(final):
            continue
        path = folder / staged
        if path.is_file() and not path.is_symlink():
            os.replace(path, folder / final)
    _fsync_dir(folder)
    record.unlink(missing_ok=True)
    return True


def settle_if_idle(folder: Path) -> None:
    """:func:`settle` ``folder`` for a reader, unless a build holds it (that build finishes its own commit)."""
    if not (Path(folder) / COMMIT).exists():
        return
    try:
        with BuildLock(folder):
            settle(folder)
    except (LockedError, OSError):  # a build is running, or the folder is read-only
        pass


class BuildLock:
    """An exclusive lock on an export folder (released when the process dies).

    By default a second holder is refused at once; with ``wait`` it waits its turn
    (``name`` then names what is locked, e.g. the query store being loaded).
    """

    def __init__(self, folder: Path, name: str = ".kg-build.lock", wait: bool = False) -> None:
        self.path = Path(folder) / name
        self.wait = wait
        self.fd: int | None = None

    def __enter__(self) -> Self:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX if self.wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as err:
            holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "?"
            os.close(fd)
            if err.errno in (errno.EAGAIN, errno.EACCES):
                raise LockedError(f"Another kg build is writing {self.path.parent} (pid {holder}); "
                                  "wait for it to finish or choose another --out.") from None
            raise
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        self.fd = fd
        return self

    def __exit__(self, *exc) -> None:
        if self.fd is not None:
            fcntl.flock(self.fd, fcntl.LOCK_UN)
            os.close(self.fd)
            self.fd = None

"""Atomic file writes: a file appears complete at its path or not at all.

Every export writes to a temporary file in the destination folder and renames it over the
destination with :func:`os.replace` (atomic on POSIX and Windows within one file system).
If the writer fails, or the user interrupts it, the temporary file is removed and the
destination is untouched: no partial file, and an existing file at the path is kept.
:func:`atomic_folder` does the same for a folder of files (``impact import-areas``).
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import shutil
import tempfile
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

__all__ = ["atomic_folder", "atomic_path", "atomic_write"]


def _check_destination(path: Path) -> None:
    parent = path.parent
    if not parent.is_dir():
        raise FileNotFoundError(f"cannot write {path}: the folder {parent} does not exist; create it first")
    if path.is_dir():
        raise IsADirectoryError(f"cannot write {path}: it is a folder; give a file name")


def _new_temp(path: Path) -> Path:
    """Create an empty, uniquely named file next to ``path`` and return its path.

    The file is created with mode 0o666 minus the process umask, as a normal ``open``
    would, so the final file gets the usual permissions.
    """
    for _ in range(100):
        tmp = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        except FileExistsError:
            continue
        os.close(fd)
        return tmp
    raise FileExistsError(f"could not create a temporary file next to {path}")


#: fsync errors meaning "this file system does not sync files", not a failed write.
_FSYNC_UNSUPPORTED = {
    errno.EINVAL,
    errno.EROFS,
    getattr(errno, "ENOTSUP", errno.EINVAL),
    getattr(errno, "EOPNOTSUPP", errno.EINVAL),
}


def _fsync(path: Path) -> None:
    """Flush ``path`` to disk. A full disk or an I/O error that only shows now (network file
    systems report them at fsync) fails the write; a file system without fsync does not."""
    with open(path, "rb") as fh:
        try:
            os.fsync(fh.fileno())
        except OSError as error:
            if error.errno not in _FSYNC_UNSUPPORTED:
                raise


def _fsync_folder(folder: Path) -> None:
    """Flush the rename into ``folder`` to disk (best effort: not every system can open a folder)."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Context manager yielding a temporary path that replaces ``path`` on success.

    Parameters
    ----------
    path : str or os.PathLike
        Destination file. Its folder must exist.

    Yields
    ------
    pathlib.Path
        A temporary file (already created, empty) in the destination folder. Write the
        whole output to it; when the ``with`` block ends without an exception it is renamed
        to ``path``.

    Raises
    ------
    FileNotFoundError
        If the destination folder does not exist.
    IsADirectoryError
        If ``path`` is a folder.

    Notes
    -----
    On any exception in the block (including ``KeyboardInterrupt``) the temporary file is
    deleted and the exception propagates; ``path`` is left as it was.
    """
    dest = Path(path)
    _check_destination(dest)
    tmp = _new_temp(dest)
    try:
        yield tmp
        _fsync(tmp)
        os.replace(tmp, dest)
        _fsync_folder(dest.parent)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def atomic_write(path: str | os.PathLike[str], writer: Callable[[Path], Any]) -> Path:
    """Write a file atomically.

    Parameters
    ----------
    path : str or os.PathLike
        Destination file. Its folder must exist.
    writer : callable
        Called once with a temporary path in the destination folder; must write the whole
        file there (it may overwrite or replace the empty file that exists at that path).

    Returns
    -------
    pathlib.Path
        ``path``, now holding the complete file.

    Raises
    ------
    FileNotFoundError
        If the destination folder does not exist.

    Notes
    -----
    If ``writer`` raises (any exception, including ``KeyboardInterrupt``) nothing is left
    at ``path`` from this call and the exception propagates.

    Examples
    --------
    >>> atomic_write("out.txt", lambda tmp: tmp.write_text("done"))  # doctest: +SKIP
    """
    with atomic_path(path) as tmp:
        writer(tmp)
    return Path(path)


def atomic_folder(out: str | os.PathLike[str], files: Mapping[str, str]) -> Path:
    """Write a folder of UTF-8 text files atomically: all of them appear at ``out``, or nothing does.

    The files are written into a temporary folder next to ``out``, which is then renamed to
    ``out``.

    Parameters
    ----------
    out : str or os.PathLike
        Folder to create. It must not exist, or be an empty folder; its parent must exist.
    files : mapping of str to str
        File name (no folder part) → text, written as is (``\\n`` line ends kept).

    Returns
    -------
    pathlib.Path
        ``out``.

    Raises
    ------
    FileExistsError
        If ``out`` is a file or a folder that is not empty (also when it is filled while the
        files are written): nothing is overwritten.
    FileNotFoundError
        If the parent folder of ``out`` does not exist.

    Notes
    -----
    On any exception (``KeyboardInterrupt`` included) the temporary folder is removed and
    ``out`` is left as it was.
    """
    dest = Path(out)
    if not dest.parent.is_dir():
        raise FileNotFoundError(f"cannot write {dest}: the folder {dest.parent} does not exist; create it first")
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise FileExistsError(f"{str(dest)!r} already exists and is not an empty folder; nothing was overwritten")
    for name in files:
        if Path(name).name != name or name in ("", ".", ".."):
            raise ValueError(f"{name!r} is not a plain file name")
    temporary = Path(tempfile.mkdtemp(prefix=f".{dest.name}.", suffix=".tmp", dir=dest.parent))
    try:
        for name, text in files.items():
            with (temporary / name).open("w", encoding="utf-8", newline="") as handle:
                handle.write(text)
            _fsync(temporary / name)
        os.chmod(temporary, 0o755)  # mkdtemp's 0o700 would hide the folder from other users
        if dest.is_dir():
            if any(dest.iterdir()):
                raise FileExistsError(f"{str(dest)!r} was filled while it was written; nothing was overwritten")
            dest.rmdir()
        os.rename(temporary, dest)
        _fsync_folder(dest.parent)
    except BaseException:
        shutil.rmtree(temporary, ignore_errors=True)
        raise
    return dest

"""Reading and writing files of a checkout that a stranger wrote: never outside the project, never unbounded.

A committed symbolic link can point anywhere (``CODEOWNERS -> ~/.netrc``), a committed "file" can be a device
(``flagaudit.lock -> /dev/zero``), and an output path can be a committed link to a file of the user's. So a file
read from the tree must be a regular file inside the project (links are followed only while they stay inside),
no larger than a cap; and a file is written by renaming a new file over the path, which replaces a link
instead of writing through it.
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from pathlib import Path

TEXT_LIMIT = 20_000_000
"""Bytes a configuration, rule, ledger or CODEOWNERS file may have: far beyond any real one."""

_READ_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0)


class OutsideProject(OSError):
    """The path leads out of the project (through a symbolic link, ``..`` or an absolute path)."""


def read_inside(root: Path, path: Path, limit: int, folders: dict[str, str] | None = None) -> bytes:
    """The bytes of a regular file of the project; :class:`OutsideProject` if links lead out of ``root``,
    ``EINVAL`` for a pipe, socket or device (they would block or never end), ``EFBIG`` past ``limit`` bytes
    (with the size as ``filename2``). ``folders`` keeps folders' resolved paths for one run: a scan reads
    thousands of files from a few hundred folders."""
    folders = {} if folders is None else folders

    def real_folder(folder: str) -> str:
        found = folders.get(folder)
        if found is None:
            found = folders[folder] = os.path.realpath(folder)
        return found

    top = real_folder(os.fspath(root))
    real = os.path.join(real_folder(os.fspath(path.parent)), path.name)
    if os.path.islink(real):
        real = os.path.realpath(real)
    if real != top and not real.startswith(top.rstrip(os.sep) + os.sep):
        raise OutsideProject(errno.EXDEV, "symbolic link out of the project (not followed)", str(path))
    return read_regular(real, limit)


def read_regular(path: str | Path, limit: int, head: bytes | None = None) -> bytes:
    """The bytes of ``path`` if it is a regular file (not a link) of at most ``limit`` bytes; with ``head``, of a
    file that does not begin with it only the first 256 bytes or so (a cache's memo kept for another digest is
    not read whole: the dense tree's kept output is 10 MB)."""
    descriptor = os.open(path, _READ_FLAGS)
    try:
        status = os.fstat(descriptor)
        if not stat.S_ISREG(status.st_mode):
            raise OSError(errno.EINVAL, "not a regular file", str(path))
        if status.st_size > limit:
            raise OSError(errno.EFBIG, "file too large", str(path), None, str(status.st_size))
        data = b""
        if head is not None:
            data = _read_up_to(descriptor, max(len(head), 256), 0)
            if not data.startswith(head):
                return data
        data += _read_up_to(descriptor, limit + 1 - len(data), status.st_size + 1 - len(data))
    finally:
        os.close(descriptor)
    if len(data) > limit:  # it grew while being read
        raise OSError(errno.EFBIG, "file too large", str(path), None, str(len(data)))
    return data


def _read_up_to(descriptor: int, most: int, expected: int) -> bytes:
    """Up to ``most`` bytes, fewer at the file's end; asked for ``expected`` bytes at first (the size it had, and
    one more to see its end), not ``most``: a read allocates what it asks for (the cap is megabytes, most files
    are kilobytes), and a buffered reader's object is not made for every one of thousands of files."""
    chunks = []
    while most > 0:
        chunk = os.read(descriptor, min(most, max(expected, 65536)))
        if not chunk:
            break
        chunks.append(chunk)
        most -= len(chunk)
        expected -= len(chunk)
    return b"".join(chunks)


def read_text_inside(root: Path, path: Path) -> str:
    """:func:`read_inside` for UTF-8 text of at most :data:`TEXT_LIMIT` bytes."""
    return read_inside(root, path, TEXT_LIMIT).decode("utf-8")


def inside(root: Path, path: Path) -> bool:
    """Whether ``path`` (which need not exist yet), links resolved, is ``root`` or below it."""
    return Path(os.path.realpath(path)).is_relative_to(os.path.realpath(root))


def replace_file(path: Path, data: bytes, private: bool = False) -> None:
    """Write ``data`` to a new file beside ``path`` and rename it over ``path``: a reader sees the old file
    or the new one, never half of one, and a link at ``path`` is replaced, not written through. The file is
    the owner's alone if ``private`` (caches), else keeps the mode of the regular file it replaces (a
    rewritten script stays executable), or is readable as the umask allows (reports)."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            if not private:
                try:
                    status = os.lstat(path)
                except FileNotFoundError:
                    status = None
                if status is not None and stat.S_ISREG(status.st_mode):
                    mode = stat.S_IMODE(status.st_mode)
                else:
                    umask = os.umask(0o022)
                    os.umask(umask)
                    mode = 0o666 & ~umask
                os.fchmod(stream.fileno(), mode)
            stream.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise

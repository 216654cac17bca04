"""Read a learner's file the one safe way: a regular file, not a link, not too big, read once.

Every name a learner controls (their folder, ``<slug>.py``, a ``--file``) is opened without
following a symbolic link, checked with ``fstat`` on the very descriptor that is then read (so it
cannot be swapped between the check and the read), and read up to a size limit. A relative path
names something in the working folder (a CI checkout, where any folder may be a learner's link),
so every folder on its way is opened the same way; the folders of an absolute path are the
caller's. The grader runs a private copy of the bytes, never the learner's path, so no permission
is ever derived from where a link points.

The files the grader writes for its user (``--output`` reports, gradebooks) often land in such a
folder too, so ``write_report`` never opens their path for writing: it writes a new file beside it
and renames that onto the path, which replaces a link or a pipe there instead of following it.
"""

from __future__ import annotations

import errno
import os
import secrets
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path

from grader.errors import GraderError

DEFAULT_MAX_BYTES = 1 << 20
MAX_BYTES_VARIABLE = "GRADER_MAX_SUBMISSION_BYTES"

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_FILE_FLAGS = os.O_RDONLY | _NOFOLLOW | os.O_NONBLOCK | os.O_NOCTTY | getattr(os, "O_CLOEXEC", 0)
_FOLDER_FLAGS = os.O_RDONLY | _NOFOLLOW | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_CLOEXEC", 0)
_CHUNK = 1 << 16


class NotGradable(Exception):
    """A submission the grader will not read; the message says why, for the learner."""


def max_bytes_from_env() -> int:
    """$GRADER_MAX_SUBMISSION_BYTES, else 1 MiB; raises ValueError with a message for the user."""
    value = os.environ.get(MAX_BYTES_VARIABLE, "").strip()
    if not value:
        return DEFAULT_MAX_BYTES
    if not value.isdigit() or int(value) < 1:
        raise ValueError(f"{MAX_BYTES_VARIABLE} must be a whole number of bytes (at least 1), not {value!r}")
    return int(value)


def what_it_is(mode: int) -> str:
    """Why a file of this kind is not graded, as the end of a sentence about it."""
    if stat.S_ISLNK(mode):
        return "is a symbolic link; submit the file itself, not a link to it"
    if stat.S_ISDIR(mode):
        return "is a folder, not a file"
    if stat.S_ISFIFO(mode):
        return "is a named pipe (FIFO), not a regular file"
    if stat.S_ISSOCK(mode):
        return "is a socket, not a regular file"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "is a device, not a regular file"
    return "is not a regular file"


def _too_big(shown: str, size: int | None, limit: int) -> NotGradable:
    what = f"is {size:,} bytes," if size is not None else "grew while it was being read to"
    return NotGradable(
        f"{shown} {what} more than the {limit:,} bytes a submission may have "
        f"(--max-file-bytes or {MAX_BYTES_VARIABLE} change the limit); is it the right file?"
    )


def _unreadable(shown: str, exc: OSError) -> NotGradable:
    return NotGradable(f"{shown} cannot be read: {exc.strerror or exc}")


def _on_the_way(path: Path, shown: str) -> tuple[int | None, str]:
    """(a descriptor of the folder holding ``path``'s last part, or None, and that part). For a
    relative path, every folder on the way is opened without following a link."""
    parts = Path(path).parts
    if Path(path).is_absolute() or len(parts) < 2:
        return None, str(path)
    fd = os.open(".", _FOLDER_FLAGS & ~_NOFOLLOW)
    for i, part in enumerate(parts[:-1]):
        try:
            deeper = os.open(part, _FOLDER_FLAGS, dir_fd=fd)
        except OSError as exc:
            linked = exc.errno == errno.ELOOP or os.path.islink(os.path.join(*parts[: i + 1]))
            failure: Exception
            if linked:
                failure = NotGradable(
                    f"{shown}: {os.path.join(*parts[: i + 1])} is a symbolic link; "
                    "submit your files themselves, not links to them"
                )
            elif exc.errno in (errno.ENOENT, errno.ENOTDIR):
                failure = FileNotFoundError(errno.ENOENT, "no such folder", os.path.join(*parts[: i + 1]))
            else:
                failure = _unreadable(shown, exc)
            raise failure from None
        finally:
            os.close(fd)
        fd = deeper
    return fd, parts[-1]


def open_folder(path: Path, shown: str) -> int:
    """A descriptor of the learner's folder, which must be a folder itself (not a link to one).
    Raises FileNotFoundError when it is not there, NotGradable for anything else."""
    parent, name = _on_the_way(path, shown)
    try:
        before = _stat_of_kind(name, parent, shown, stat.S_ISDIR)
        try:
            fd = os.open(name, _FOLDER_FLAGS, dir_fd=parent)
        except OSError as exc:
            raise _unreadable(shown, exc) from None
    finally:
        if parent is not None:
            os.close(parent)
    now = os.fstat(fd)
    if (now.st_dev, now.st_ino) != (before.st_dev, before.st_ino):
        os.close(fd)
        raise NotGradable(f"{shown} changed while it was being opened; grade it again")
    return fd


def _stat_of_kind(
    name: str | Path, dir_fd: int | None, shown: str, of_kind: Callable[[int], bool]
) -> os.stat_result:
    """``name``'s status, the link itself if it is one. Raises FileNotFoundError when it is not there,
    NotGradable when it cannot be read or ``of_kind(st_mode)`` is false."""
    try:
        found = os.stat(name, dir_fd=dir_fd, follow_symlinks=False)
    except FileNotFoundError:
        raise
    except OSError as exc:
        raise _unreadable(shown, exc) from None
    if not of_kind(found.st_mode):
        raise NotGradable(f"{shown} {what_it_is(found.st_mode)}")
    return found


def read_file(name: str | Path, shown: str, limit: int, dir_fd: int | None = None) -> bytes:
    """The bytes of a learner's file: a regular file (not a link, folder, device, pipe or
    socket) of at most ``limit`` bytes, read through the descriptor that was checked. With
    ``dir_fd``, ``name`` is a name in that folder. Raises FileNotFoundError when there is no
    such file and NotGradable for anything else."""
    if dir_fd is None:
        parent, last = _on_the_way(Path(name), shown)
        if parent is not None:
            try:
                return read_file(last, shown, limit, dir_fd=parent)
            finally:
                os.close(parent)
    before = _stat_of_kind(name, dir_fd, shown, stat.S_ISREG)  # never opened: a device, a fifo
    if before.st_size > limit:
        raise _too_big(shown, before.st_size, limit)
    try:
        fd = os.open(name, _FILE_FLAGS, dir_fd=dir_fd)
    except FileNotFoundError:
        raise
    except OSError as exc:  # ELOOP: it became a link since
        raise NotGradable(
            f"{shown} changed while it was being read ({exc.strerror}); submit it again"
        ) from None
    try:
        now = os.fstat(fd)
        if not stat.S_ISREG(now.st_mode) or (now.st_dev, now.st_ino) != (before.st_dev, before.st_ino):
            raise NotGradable(f"{shown} changed while it was being read; submit it again")
        if now.st_size > limit:
            raise _too_big(shown, now.st_size, limit)
        chunks, total = [], 0
        while total <= limit:  # never more than limit + 1 bytes, whatever st_size said
            chunk = os.read(fd, min(_CHUNK, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        if total > limit:
            raise _too_big(shown, None, limit)
        return b"".join(chunks)
    except OSError as exc:
        raise _unreadable(shown, exc) from None
    finally:
        os.close(fd)


def private_folder(prefix: str = "grader-copy-") -> Path:
    """A new folder, readable by this user only, for private copies."""
    return Path(tempfile.mkdtemp(prefix=prefix))


def write_private(folder: Path, name: str, data: bytes) -> Path:
    """Put ``data`` at ``folder/name``, a regular file in a folder of the grader's own (see
    ``private_folder``). A regular file already there is rewritten in place: a worker kept
    between runs was confined to that very file (Landlock's rules hold inodes, not names);
    anything else there (a link) is replaced, never written through. Returns its path."""
    target = folder / name
    try:
        in_place = stat.S_ISREG(os.lstat(target).st_mode)
    except FileNotFoundError:
        in_place = False
    if in_place:
        fd = os.open(target, os.O_WRONLY | os.O_TRUNC | _NOFOLLOW | getattr(os, "O_CLOEXEC", 0))
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        return target
    fd, temporary = tempfile.mkstemp(dir=folder, prefix=".copy-")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target


class ReportNotWritten(GraderError):
    """A report or gradebook file the grader cannot write; the message names the path."""


_CREATE_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | getattr(os, "O_CLOEXEC", 0)


def _report_folder(path: Path) -> int:
    """A descriptor of the folder that is to hold ``path``. For a relative path every folder on the
    way is opened without following a link (in a CI checkout they are the learner's)."""
    if path.is_absolute():
        return os.open(path.parent, _FOLDER_FLAGS & ~_NOFOLLOW)
    parts = path.parts[:-1]
    fd = os.open(".", _FOLDER_FLAGS & ~_NOFOLLOW)
    for i, part in enumerate(parts):
        try:
            deeper = os.open(part, _FOLDER_FLAGS, dir_fd=fd)
        except OSError as exc:
            here = os.path.join(*parts[: i + 1])
            if exc.errno == errno.ELOOP or os.path.islink(here):
                raise ReportNotWritten(
                    f"cannot write {path}: {here} is a symbolic link (the report is never written through one)"
                ) from None
            raise
        finally:
            os.close(fd)
        fd = deeper
    return fd


def write_report(path: Path, text: str) -> None:
    """Write ``text`` (UTF-8, what it cannot carry as escapes) to the file ``path`` without ever
    opening ``path``: a new file, created exclusively (mode 0o666 less the umask) in the same
    folder, is renamed onto it. A link, pipe or device at ``path`` is replaced, never written
    through or waited on. Raises ReportNotWritten, naming the path, when ``path`` is a folder or
    cannot be written."""
    path = Path(path)
    name = path.name
    if name in ("", ".."):
        raise ReportNotWritten(f"cannot write {path}: it is a folder; give the path of a file")
    data = text.encode("utf-8", errors="backslashreplace")
    try:
        folder = _report_folder(path)
    except OSError as exc:
        raise ReportNotWritten(f"cannot write {path}: {exc.strerror or exc}") from None
    try:
        try:
            found = os.stat(name, dir_fd=folder, follow_symlinks=False)
        except FileNotFoundError:
            found = None
        if found is not None and stat.S_ISDIR(found.st_mode):
            raise ReportNotWritten(f"cannot write {path}: it is a folder; give the path of a file")
        for _ in range(100):
            temporary = f".{name[:200]}.{secrets.token_hex(8)}.tmp"
            try:
                fd = os.open(temporary, _CREATE_FLAGS, 0o666, dir_fd=folder)
                break
            except FileExistsError:
                continue
        else:
            raise ReportNotWritten(f"cannot write {path}: no free name for a temporary file beside it")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.replace(temporary, name, src_dir_fd=folder, dst_dir_fd=folder)
        except BaseException:
            try:
                os.unlink(temporary, dir_fd=folder)
            except OSError:
                pass
            raise
    except OSError as exc:
        raise ReportNotWritten(f"cannot write {path}: {exc.strerror or exc}") from None
    finally:
        os.close(folder)

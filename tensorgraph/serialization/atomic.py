"""Writing a file so that nothing is lost or damaged: what ``tg.save`` promises.

``write_file(path, write)`` calls ``write(binary_file)`` and puts the bytes at ``path``:

* a regular file (or nothing yet) at ``path`` is replaced **atomically**: the bytes go to a
  new file in the same folder, are fsynced, and that file is renamed onto the path. A
  crash at any point leaves the old file or the new one, never neither. An error
  removes the new file. The new file has no name while it is written where the system
  allows (Linux ``O_TMPFILE``, linked in through /proc or ``AT_EMPTY_PATH``), so even a
  killed process leaves nothing behind; elsewhere
  it is a hidden ``.<name>.tg-<pid>-<random>.tmp``, and the next save of the same file
  deletes one whose process is gone;
* a **symlink** is followed: its target is written (atomically, next to the target), and
  the link stays a link; a **hard-linked** file is written in place of the name given only
  (as any atomic save must: the other names keep the old bytes), so this is said in
  ``tg.save``'s docs;
* the replaced file's **permission bits** (and owner, where allowed) are kept;
* a file the user may not write is **refused** with ``PermissionError``, as
  ``open(path, "wb")`` would refuse it (checked by opening it for writing, so root's
  rights count as the kernel counts them);
* a **non-regular** file is never replaced: a character device (``/dev/null``, a tty) is
  written directly, a FIFO is written directly when a reader has it open (else
  refused), and a directory, socket or block device is refused.
"""

from __future__ import annotations

import contextlib
import errno
import io
import os
import secrets
import stat
from collections.abc import Callable
from typing import IO

__all__ = ["write_file"]


def write_file(path: str | os.PathLike[str], write: Callable[[IO[bytes]], None]) -> None:
    """Put the bytes that ``write(fh)`` writes at ``path`` safely (see the module doc)."""
    name = os.fspath(path)
    if not name:  # realpath("") is the working folder: say what is really wrong
        raise FileNotFoundError(errno.ENOENT, "save: the path is empty; give a file name", name)
    target = os.path.realpath(name)  # follow symlinks: write what the link points to
    try:
        st = os.stat(target)
    except FileNotFoundError:
        st = None
    if st is not None and not stat.S_ISREG(st.st_mode):
        _write_special(name, target, st, write)
        return
    if st is not None:
        # Refuse a file we may not write, exactly as open(path, "wb") would (no O_TRUNC:
        # the old bytes stay until the new file is complete).
        os.close(os.open(target, os.O_WRONLY))
    folder = os.path.dirname(target)
    try:
        fd, tmp = _new_unnamed_file(folder, os.path.basename(target))
    except OSError as err:  # say so about the user's path, not the temporary file's
        raise _folder_error(err, name, folder) from None
    try:
        with os.fdopen(fd, "wb") as fh:
            write(fh)
            fh.flush()
            if st is not None:
                _copy_mode(fh.fileno(), st)
            os.fsync(fh.fileno())
            if tmp is None:  # give the unnamed file a name only now that it is complete
                tmp = _link_unnamed(fh.fileno(), folder, os.path.basename(target))
        os.replace(tmp, target)
    except BaseException:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        raise
    _fsync_folder(folder)


def _folder_error(err: OSError, name: str, folder: str) -> OSError:
    """The error for a file that cannot be created in ``folder``, naming the path given."""
    if not os.path.isdir(folder):
        what = "is not a folder" if os.path.exists(folder) else "does not exist"
        return FileNotFoundError(errno.ENOENT, f"save: the folder {folder!r} {what}; create "
                                 "it first (os.makedirs(folder, exist_ok=True))", name)
    return type(err)(err.errno, f"save: cannot create a file in the folder {folder!r} "
                     f"({err.strerror or err})", name)


def _new_unnamed_file(folder: str, base: str) -> tuple[int, str | None]:
    """An fd for a new file in ``folder``: unnamed (O_TMPFILE, name None) where the OS and
    file system allow naming it later, else a hidden temporary name next to ``base``."""
    flags = os.O_WRONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_CLOEXEC", 0)
    if _unnamed_files_work(folder):
        # 0o666 & ~umask, as open() gives a new file (mkstemp would give 0600).
        return os.open(folder, flags | os.O_TMPFILE, 0o666), None
    _remove_orphans(folder, base)
    tmp = _temp_name(folder, base)
    return os.open(tmp, flags | os.O_CREAT | os.O_EXCL, 0o666), tmp


def _temp_name(folder: str, base: str) -> str:
    """A hidden name next to ``base`` that says which process owns it."""
    return os.path.join(folder, f".{base}.tg-{os.getpid()}-{secrets.token_hex(4)}.tmp")


def _remove_orphans(folder: str, base: str) -> None:
    """Delete temporary files that an earlier save of ``base`` left when its process was
    killed mid-write (where files cannot be unnamed, that is the one trace a kill can
    leave; the next save of the same file clears it). A live owner's file is kept."""
    prefix = f".{base}.tg-"
    with contextlib.suppress(OSError):
        for entry in os.scandir(folder):
            if not (entry.name.startswith(prefix) and entry.name.endswith(".tmp")):
                continue
            pid = entry.name[len(prefix):].split("-", 1)[0]
            if pid.isdigit() and int(pid) != os.getpid() and not _alive(int(pid)):
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # exists, owned by someone else
    return True


_UNNAMED_OK: dict[int, bool] = {}  # st_dev -> whether O_TMPFILE + link works there


def _unnamed_files_work(folder: str) -> bool:
    """Whether this file system gives unnamed files that can be linked in (tried once per
    device: some kernels, file systems and sandboxes refuse one step or the other)."""
    if not hasattr(os, "O_TMPFILE") or not os.path.isdir("/proc/self/fd"):
        return False
    try:
        dev = os.stat(folder).st_dev
    except OSError:
        return False
    if dev not in _UNNAMED_OK:
        ok = False
        try:
            fd = os.open(folder, os.O_WRONLY | os.O_TMPFILE, 0o600)
        except OSError:
            fd = None
        if fd is not None:
            try:
                probe = _link_unnamed(fd, folder, "probe")
                os.unlink(probe)
                ok = True
            except OSError:
                pass
            finally:
                os.close(fd)
        _UNNAMED_OK[dev] = ok
    return _UNNAMED_OK[dev]


def _link_unnamed(fd: int, folder: str, base: str) -> str:
    """Give an O_TMPFILE file a (temporary) name, so it can be renamed over the target:
    ``linkat`` through ``/proc/self/fd`` (any user), else ``linkat(AT_EMPTY_PATH)``
    (needs CAP_DAC_READ_SEARCH, e.g. root, where /proc links cross devices)."""
    while True:
        tmp = _temp_name(folder, base)
        try:
            os.link(f"/proc/self/fd/{fd}", tmp, follow_symlinks=True)
            return tmp
        except FileExistsError:
            continue
        except OSError:
            _link_empty_path(fd, tmp)
            return tmp


def _link_empty_path(fd: int, tmp: str) -> None:
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    at_fdcwd, at_empty_path = -100, 0x1000
    if libc.linkat(fd, b"", at_fdcwd, os.fsencode(tmp), at_empty_path) != 0:
        err = ctypes.get_errno()
        raise OSError(err, os.strerror(err), tmp)


def _copy_mode(fd: int, st: os.stat_result) -> None:
    """Give the new file the replaced file's permission bits and, if allowed, owner."""
    if hasattr(os, "fchown"):
        with contextlib.suppress(OSError):
            os.fchown(fd, st.st_uid, st.st_gid)  # only root may give a file away
    os.fchmod(fd, stat.S_IMODE(st.st_mode))  # after chown, which may clear setuid bits


def _write_special(name: str, target: str, st: os.stat_result,
                   write: Callable[[IO[bytes]], None]) -> None:
    """Write into a non-regular file directly, or refuse it; never replace it."""
    mode = st.st_mode
    if stat.S_ISDIR(mode):
        raise IsADirectoryError(errno.EISDIR, "save: the path is a folder; give a file name "
                                "inside it", name)
    if stat.S_ISCHR(mode):
        flags = os.O_WRONLY
    elif stat.S_ISFIFO(mode):
        flags = os.O_WRONLY | os.O_NONBLOCK  # fails at once (ENXIO) when no reader waits
    else:
        kind = "block device" if stat.S_ISBLK(mode) else "socket or special file"
        raise OSError(errno.EINVAL, f"save: the path is a {kind}; tensorgraph writes "
                      "checkpoints to regular files, character devices and FIFOs only", name)
    try:
        fd = os.open(target, flags)
    except OSError as err:
        if err.errno == errno.ENXIO:
            raise OSError(errno.ENXIO, "save: the path is a FIFO with no reader; open it "
                          "for reading first (e.g. `cat fifo > out`)", name) from None
        raise
    if flags & os.O_NONBLOCK:
        os.set_blocking(fd, True)
    # A device or pipe cannot seek or tell, which zip writers need: build the bytes first.
    buffer = io.BytesIO()
    try:
        write(buffer)
    except BaseException:
        os.close(fd)
        raise
    with os.fdopen(fd, "wb") as fh:
        fh.write(buffer.getbuffer())


def _fsync_folder(folder: str) -> None:
    """Make the rename durable; some systems (Windows) cannot open folders."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)

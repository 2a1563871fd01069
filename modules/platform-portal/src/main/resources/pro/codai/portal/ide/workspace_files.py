"""Workspace file operations, run by the portal inside the student's sandbox, as the student.

Usage: python3 -I -S -c <this file> ROOT OPERATION [ARGUMENT ...]; file content on stdin/stdout.

Every path is walked from an open descriptor of ROOT one name at a time with O_NOFOLLOW, so a
symbolic link on the way is refused rather than followed, and a directory swapped for a link
between two steps is caught by the open itself: nothing is checked first and used later.
Files are written to a new name and renamed into place, so a write never goes through a link.
A file with more than one name (a hard link) is neither read nor exported.

Errors: exit status 1 and one JSON object on stderr: {"error": KIND, "detail": TEXT}.
"""

import ctypes
import errno
import io
import json
import os
import shutil
import stat
import sys
import time
import zipfile

DIRECTORY = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
READ_FILE = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
MAX_DEPTH = 32
MAX_LISTED = 5000
MAX_ARCHIVE_ENTRIES = 2000
MAX_ARCHIVE_BYTES = 64 << 20
SAVE_NAME = ".codaipro-save-%d" % os.getpid()
RENAME_NOREPLACE = 1


class Refused(Exception):
    def __init__(self, kind, detail):
        super().__init__(detail)
        self.kind = kind
        self.detail = detail


def names(path, allow_root=False):
    """The names of a relative path, each checked; [] for the home directory itself."""
    if path in ("", "."):
        if allow_root:
            return []
        raise Refused("bad-path", "name a file or folder in your home")
    if path.startswith("/"):
        raise Refused("bad-path", "a path is relative to your home, not absolute: " + path)
    parts = path.split("/")
    if len(parts) > MAX_DEPTH:
        raise Refused("bad-path", "more than %d folders deep" % MAX_DEPTH)
    for part in parts:
        if part in ("", ".", ".."):
            raise Refused("bad-path", "no empty, '.' or '..' names: " + path)
        if len(part.encode("utf-8", "surrogateescape")) > 255:
            raise Refused("bad-path", "a name is at most 255 bytes")
        if any(ord(c) < 32 or ord(c) == 127 for c in part):
            raise Refused("bad-path", "no control characters in names")
    return parts


def refusal_for(parent, name, error):
    """What an open of an existing name that failed with ENOTDIR, ELOOP or EISDIR means."""
    try:
        mode = os.stat(name, dir_fd=parent, follow_symlinks=False).st_mode
    except OSError:
        return Refused("not-found", "no such file or folder: " + name)
    if stat.S_ISLNK(mode):
        return Refused("link", name + " is a link; links are not followed")
    if stat.S_ISDIR(mode):
        return Refused("not-a-file", name + " is a folder")
    if error == errno.ENOTDIR:
        return Refused("not-a-directory", name + " is not a folder")
    return Refused("not-a-file", name + " is not a regular file")


def open_directory(parts, create=False):
    """A descriptor of the folder at parts, walked from ROOT without following links."""
    fd = os.open(ROOT, DIRECTORY)
    try:
        for name in parts:
            try:
                child = os.open(name, DIRECTORY, dir_fd=fd)
            except FileNotFoundError:
                if not create:
                    raise Refused("not-found", "no such folder: " + name)
                try:
                    os.mkdir(name, 0o755, dir_fd=fd)
                except FileExistsError:
                    pass
                try:
                    child = os.open(name, DIRECTORY, dir_fd=fd)
                except OSError as e:
                    raise refusal_for(fd, name, e.errno)
            except OSError as e:
                if e.errno in (errno.ENOTDIR, errno.ELOOP):
                    raise refusal_for(fd, name, e.errno)
                raise
            os.close(fd)
            fd = child
        return fd
    except BaseException:
        os.close(fd)
        raise


def open_regular_file(parent, name):
    """A descriptor of the plain, single-named file name in parent, and its stat."""
    try:
        fd = os.open(name, READ_FILE, dir_fd=parent)
    except FileNotFoundError:
        raise Refused("not-found", "no such file: " + name)
    except OSError as e:
        if e.errno in (errno.ELOOP, errno.EISDIR, errno.ENXIO):
            raise refusal_for(parent, name, e.errno)
        raise
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)
        raise Refused("not-a-file", name + " is not a regular file")
    if info.st_nlink > 1:
        os.close(fd)
        raise Refused("link", name + " has more than one name (a hard link); it is not read")
    return fd, info


def entry_of(path, info):
    mode = info.st_mode
    kind = (
        "directory"
        if stat.S_ISDIR(mode)
        else "file"
        if stat.S_ISREG(mode)
        else "link"
        if stat.S_ISLNK(mode)
        else "other"
    )
    return {
        "path": path,
        "type": kind,
        "size": info.st_size if kind == "file" else 0,
        "modified": int(info.st_mtime * 1000),
    }


def walk(fd, prefix, depth, visit):
    """Calls visit(path, stat, parent fd, name) for everything under fd, links not followed."""
    with os.scandir(fd) as entries:
        listing = sorted(entries, key=lambda entry: entry.name)
    for entry in listing:
        if entry.name.startswith(".codaipro-save-"):
            continue
        path = prefix + entry.name
        info = entry.stat(follow_symlinks=False)
        if not visit(path, info, fd, entry.name):
            return False
        if stat.S_ISDIR(info.st_mode) and depth < MAX_DEPTH:
            try:
                child = os.open(entry.name, DIRECTORY, dir_fd=fd)
            except OSError:
                continue  # swapped for a link or removed since it was listed: skipped
            try:
                if not walk(child, path + "/", depth + 1, visit):
                    return False
            finally:
                os.close(child)
    return True


def list_files(path=""):
    entries = []

    def visit(entry_path, info, parent, name):
        if len(entries) >= MAX_LISTED:
            return False
        entries.append(entry_of(entry_path, info))
        return True

    fd = open_directory(names(path, allow_root=True))
    try:
        complete = walk(fd, path + "/" if path else "", 1, visit)
    finally:
        os.close(fd)
    json.dump({"entries": entries, "truncated": not complete}, sys.stdout)


def read_file(path, limit):
    parts = names(path)
    parent = open_directory(parts[:-1])
    try:
        fd, info = open_regular_file(parent, parts[-1])
    finally:
        os.close(parent)
    with os.fdopen(fd, "rb") as source:
        if info.st_size > int(limit):
            raise Refused("too-large", "%s is larger than %s bytes" % (path, limit))
        shutil.copyfileobj(source, sys.stdout.buffer)


def write_into(parent, name, source, limit):
    """Writes source into parent/name through a new file renamed into place."""
    try:
        existing = os.stat(name, dir_fd=parent, follow_symlinks=False)
    except FileNotFoundError:
        existing = None
    mode = 0o644
    if existing is not None:
        if stat.S_ISLNK(existing.st_mode):
            raise Refused("link", name + " is a link; nothing is written through links")
        if not stat.S_ISREG(existing.st_mode):
            raise Refused("not-a-file", name + " exists and is not a regular file")
        mode = stat.S_IMODE(existing.st_mode)
    try:
        fd = os.open(
            SAVE_NAME, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC,
            0o600, dir_fd=parent)
    except FileNotFoundError:
        # The folder was removed (or replaced) after it was opened: nothing can be written there.
        raise Refused("not-found", "the folder of " + name + " was removed meanwhile")
    try:
        written = 0
        with os.fdopen(fd, "wb") as target:
            while True:
                chunk = source.read(65536)
                if not chunk:
                    break
                written += len(chunk)
                if written > limit:
                    raise Refused("too-large", "more than %d bytes" % limit)
                target.write(chunk)
            os.fchmod(target.fileno(), mode)
            # On disk before the rename and before the answer: a save answered OK survives a
            # crash of the server or the machine.
            target.flush()
            os.fsync(target.fileno())
        # rename replaces whatever name is now (a link planted since the check included): the
        # entry is replaced, its target is never written.
        try:
            os.rename(SAVE_NAME, name, src_dir_fd=parent, dst_dir_fd=parent)
        except FileNotFoundError:
            raise Refused("not-found", "the folder of " + name + " was removed meanwhile")
        os.fsync(parent)
    except BaseException:
        try:
            os.unlink(SAVE_NAME, dir_fd=parent)
        except OSError:
            pass
        raise


def write_file(path, limit):
    parts = names(path)
    parent = open_directory(parts[:-1], create=True)
    try:
        write_into(parent, parts[-1], sys.stdin.buffer, int(limit))
    finally:
        os.close(parent)


def make_directory(path):
    parts = names(path)
    parent = open_directory(parts[:-1])
    try:
        os.mkdir(parts[-1], 0o755, dir_fd=parent)
    except FileExistsError:
        raise Refused("exists", path + " already exists")
    finally:
        os.close(parent)


def rename(source, target):
    source_parts = names(source)
    target_parts = names(target)
    if target_parts[: len(source_parts)] == source_parts:
        raise Refused("bad-path", "a folder cannot move into itself")
    source_parent = open_directory(source_parts[:-1])
    try:
        target_parent = open_directory(target_parts[:-1], create=True)
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            result = libc.renameat2(
                source_parent, os.fsencode(source_parts[-1]),
                target_parent, os.fsencode(target_parts[-1]), RENAME_NOREPLACE)
            if result != 0:
                code = ctypes.get_errno()
                if code == errno.EEXIST:
                    raise Refused("exists", target + " already exists")
                if code == errno.ENOENT:
                    raise Refused("not-found", "no such file or folder: " + source)
                raise OSError(code, os.strerror(code))
        finally:
            os.close(target_parent)
    finally:
        os.close(source_parent)


def delete(path):
    parts = names(path)
    parent = open_directory(parts[:-1])
    try:
        name = parts[-1]
        try:
            mode = os.stat(name, dir_fd=parent, follow_symlinks=False).st_mode
        except FileNotFoundError:
            raise Refused("not-found", "no such file or folder: " + path)
        if stat.S_ISDIR(mode):
            # descriptor-based: links inside are removed, never followed (avoids_symlink_attacks)
            shutil.rmtree(name, dir_fd=parent)
        else:
            os.unlink(name, dir_fd=parent)
    finally:
        os.close(parent)


def export_zip(path, limit):
    """The folder as a zip on stdout; links, special and hard-linked files are left out."""
    limit = int(limit)
    skipped = []
    total = [0]
    archive = zipfile.ZipFile(sys.stdout.buffer, "w", zipfile.ZIP_DEFLATED)

    def visit(entry_path, info, parent, name):
        if stat.S_ISDIR(info.st_mode):
            # mkdir writes no data descriptor: many unzip tools refuse one on a stored entry
            folder = zipfile.ZipInfo(entry_path + "/", date_of(info))
            folder.CRC = folder.compress_size = folder.file_size = 0
            folder.external_attr = ((stat.S_IFDIR | 0o755) << 16) | 0x10
            archive.mkdir(folder)
            return True
        if not stat.S_ISREG(info.st_mode):
            skipped.append(entry_path)
            return True
        try:
            fd, opened = open_regular_file(parent, name)
        except Refused:
            skipped.append(entry_path)
            return True
        with os.fdopen(fd, "rb") as source:
            total[0] += opened.st_size
            if total[0] > limit:
                raise Refused("too-large", "the files add up to more than %d bytes" % limit)
            member = zipfile.ZipInfo(entry_path, date_of(opened))
            member.external_attr = (stat.S_IFREG | stat.S_IMODE(opened.st_mode)) << 16
            member.compress_type = zipfile.ZIP_DEFLATED
            with archive.open(member, "w") as target:
                shutil.copyfileobj(source, target)
        return True

    fd = open_directory(names(path, allow_root=True))
    try:
        walk(fd, "", 1, visit)
    finally:
        os.close(fd)
    if skipped:
        archive.comment = ("left out (links or special files): " + ", ".join(skipped))[
            :65535].encode("utf-8", "replace")
    archive.close()


def date_of(info):
    return time.localtime(max(info.st_mtime, 315532800))[:6]


def import_zip(path, limit):
    """Unpacks the zip on stdin into the folder; every entry is checked before anything is
    written, and an archive with a bad one changes nothing."""
    data = sys.stdin.buffer.read(int(limit) + 1)
    if len(data) > int(limit):
        raise Refused("too-large", "the archive is larger than %s bytes" % limit)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError) as e:
        raise Refused("bad-archive", "not a zip archive (%s)" % e)
    if len(members) > MAX_ARCHIVE_ENTRIES:
        raise Refused("bad-archive", "more than %d entries" % MAX_ARCHIVE_ENTRIES)
    base = names(path, allow_root=True)
    planned = []
    total = 0
    for member in members:
        name = member.filename
        if "\\" in name or (len(name) > 1 and name[1] == ":"):
            raise Refused("bad-archive", "entry with a Windows path: " + name)
        if name.startswith("/"):
            raise Refused("bad-archive", "entry with an absolute path: " + name)
        mode = member.external_attr >> 16
        if stat.S_ISLNK(mode):
            raise Refused("bad-archive", "entry that is a link: " + name)
        if mode and not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
            raise Refused("bad-archive", "entry that is a special file: " + name)
        if member.flag_bits & 0x1:
            raise Refused("bad-archive", "encrypted entry: " + name)
        try:
            parts = names(name.rstrip("/"))
        except Refused as e:
            raise Refused("bad-archive", "entry with a bad path (%s): %s" % (e.detail, name))
        total += member.file_size
        if total > MAX_ARCHIVE_BYTES:
            raise Refused("too-large", "unpacked, the archive is over %d bytes" % MAX_ARCHIVE_BYTES)
        planned.append((member, base + parts, member.is_dir()))
    for member, parts, is_directory in planned:
        if is_directory:
            os.close(open_directory(parts, create=True))
            continue
        parent = open_directory(parts[:-1], create=True)
        try:
            with archive.open(member) as source:
                write_into(parent, parts[-1], source, member.file_size)
        finally:
            os.close(parent)
    json.dump({"unpacked": len(planned)}, sys.stdout)


OPERATIONS = {
    "list": list_files,
    "read": read_file,
    "write": write_file,
    "mkdir": make_directory,
    "rename": rename,
    "delete": delete,
    "export-zip": export_zip,
    "import-zip": import_zip,
}

if __name__ == "__main__":
    ROOT = sys.argv[1]
    try:
        OPERATIONS[sys.argv[2]](*sys.argv[3:])
    except Refused as refused:
        json.dump({"error": refused.kind, "detail": refused.detail}, sys.stderr)
        sys.exit(1)
    except OSError as failed:
        # A full home (its volume's size or inodes): the IDE says so, the workspace goes on.
        kind = "full" if failed.errno in (errno.ENOSPC, errno.EDQUOT) else "failed"
        json.dump({"error": kind, "detail": failed.strerror or str(failed)}, sys.stderr)
        sys.exit(1)

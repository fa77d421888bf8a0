"""The file dance of every writer: a temporary ``.NAME.*.part`` file in the target's
folder, moved into place in one step when complete (``os.replace``, or ``os.link`` when
the file must not exist yet); on any error the temporary file is removed. An existing
file is refused unless ``force``; an unwritable place is a clear error."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from corptui.errors import Conflict, CorptuiError, ValidationError
from corptui.i18n import N_, _


class ExportError(CorptuiError):
    title = N_("Export")


def check_target(path: str, force: bool) -> Path:
    if not path or not str(path).strip():
        raise ValidationError(_("no output file given"), "output")
    target = Path(path).expanduser()
    folder = target.parent if str(target.parent) else Path(".")
    if target.is_dir():
        raise ValidationError(_("{target} is a folder: give a file name").format(target=target), "output")
    if not folder.is_dir():
        raise ValidationError(_("no such folder: {folder}").format(folder=folder), "output")
    if target.exists() and not force:
        raise Conflict(_("{target} already exists (use --force to overwrite it)").format(target=target))
    if not os.access(folder, os.W_OK | os.X_OK):
        raise ExportError(_("cannot write to {folder}: permission denied").format(folder=folder))
    return target


def temp_in(target: Path) -> str:
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part",
                                   dir=target.parent or ".")
    except OSError as exc:
        raise ExportError(_("cannot write to {parent}: {strerror}").format(parent=target.parent, strerror=exc.strerror)) from None
    os.close(fd)
    os.chmod(tmp, 0o666 & ~_UMASK)  # the mode a plain open() would give
    return tmp


def install(tmp: str, target: Path, force: bool) -> None:
    """Move the finished file into place in one step."""
    try:
        if force:
            os.replace(tmp, target)
            return
        try:
            os.link(tmp, target)  # fails if the file appeared meanwhile: never clobber
        except FileExistsError:
            raise Conflict(_("{target} already exists (use --force to overwrite it)").format(target=target)) from None
        except OSError:  # a file system without hard links
            if target.exists():
                raise Conflict(_("{target} already exists (use --force to overwrite it)").format(target=target)) from None
            os.replace(tmp, target)
            return
        os.unlink(tmp)
    except OSError as exc:
        raise ExportError(_("cannot write {target}: {strerror}").format(target=target, strerror=exc.strerror)) from None


def _current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


_UMASK = _current_umask()

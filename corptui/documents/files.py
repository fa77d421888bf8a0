"""Where a document's file lives, and whether it is still the file that was built.

The files of a database live under ``documents/<the database's identity>/<company>/``
in the data folder (``storage.schema.ensure_identity``: a UUID made with the schema),
so two databases that share a data folder never share a folder; each file's name adds a
random part, so even two copies of one database (a restored backup) never overwrite
each other's files. The size and SHA-256 of the file are recorded when it is built; a
file whose size or hash no longer match its document is never served (saved, sent,
attached or previewed): the document reads as "missing" and is ordered again."""

from __future__ import annotations

import contextlib
import hashlib
import os
import secrets
from pathlib import Path

from corptui import locations
from corptui.errors import Conflict, NotFound
from corptui.i18n import _
from storage.models import Document

CHUNK = 1 << 20


def database_folder() -> Path:
    """This database's own documents folder."""
    from storage.schema import ensure_identity

    return locations.documents_dir() / ensure_identity()


def company_folder(company_id: int) -> Path:
    folder = database_folder() / str(int(company_id))
    folder.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(OSError):
        os.chmod(folder, 0o700)
        os.chmod(folder.parent, 0o700)
    return folder


def new_target(doc: Document) -> Path:
    """A fresh file name for a document being built (never one already used)."""
    token = secrets.token_hex(6)
    return company_folder(doc.company_id) / f"{doc.id:06d}-{doc.type}-{token}.{doc.format}"


def outbox_folder(company_id: int) -> Path:
    folder = company_folder(company_id) / "outbox"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def digest(path: Path) -> tuple[int, str]:
    """(size, SHA-256 hex) of a file."""
    h = hashlib.sha256()
    size = 0
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK):
            h.update(chunk)
            size += len(chunk)
    return size, h.hexdigest()


def looks_present(doc: Document) -> bool:
    """Cheap check for the history: the file is there with its recorded size."""
    if not doc.file_path or not doc.file_sha256:
        return False
    try:
        return os.stat(doc.file_path).st_size == doc.file_size
    except OSError:
        return False


def verified(doc: Document) -> Path:
    """The document's file, checked against the size and hash recorded at build;
    NotFound when it is gone or is not this document's file."""
    if doc.state != "ready":
        raise Conflict(_("document {id} is {state}, not ready yet").format(id=doc.id, state=doc.state))
    path = Path(doc.file_path or "")
    if not looks_present(doc) or digest(path) != (doc.file_size, doc.file_sha256):
        raise NotFound(_("the file of document {id} was removed from disk: order it again (reorder)").format(id=doc.id))
    return path

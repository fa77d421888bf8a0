"""Password-protected copies that open in the reader an accountant already has: a PDF
encrypted with AES-256 (pypdf; any PDF reader asks for the password), an XLSX as an
encrypted Office file (msoffcrypto-tool, ECMA-376 agile encryption: Excel and
LibreOffice ask for it), a CSV (or, on request, any format) in an AES-256 ZIP (pyzipper).
The password is never stored: each protected copy is made from the plain file kept in
the data folder at the moment it is saved or sent, with the password given again."""

from __future__ import annotations

import secrets
from pathlib import Path


def suffix(fmt: str, as_zip: bool = False) -> str:
    """The protected copy's file extension."""
    return "zip" if as_zip or fmt == "csv" else fmt


def protect(src: Path, target: Path, fmt: str, password: str, arcname: str,
            as_zip: bool = False) -> None:
    """Write the protected copy of ``src`` to ``target`` (an existing file is replaced)."""
    if as_zip or fmt not in ("pdf", "xlsx"):
        _zip(src, target, arcname, password)
    elif fmt == "pdf":
        _pdf(src, target, password)
    else:
        _xlsx(src, target, password)


def _pdf(src: Path, target: Path, password: str) -> None:
    from pypdf import PdfWriter

    writer = PdfWriter(clone_from=str(src))
    # the owner password is random and thrown away: the reader gets full rights with
    # the user password, nobody can lift the protection without it
    writer.encrypt(user_password=password, owner_password=secrets.token_urlsafe(24),
                   algorithm="AES-256")
    with open(target, "wb") as fh:
        writer.write(fh)


def _xlsx(src: Path, target: Path, password: str) -> None:
    from msoffcrypto.format.ooxml import OOXMLFile

    with open(src, "rb") as plain, open(target, "wb") as out:
        OOXMLFile(plain).encrypt(password, out)


def _zip(src: Path, target: Path, arcname: str, password: str) -> None:
    import pyzipper

    target.unlink(missing_ok=True)
    with pyzipper.AESZipFile(target, "w", compression=pyzipper.ZIP_DEFLATED,
                             encryption=pyzipper.WZ_AES) as zf:
        zf.setpassword(password.encode("utf-8"))
        zf.setencryption(pyzipper.WZ_AES, nbits=256)
        zf.write(src, arcname)

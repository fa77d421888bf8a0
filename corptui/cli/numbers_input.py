"""Numbers given on the command line: arguments, ``--file FILE`` and ``-`` (stdin), read
as one list for ``corptui.scope`` (arguments are lines of the list, so an argument, a
file and a paste follow the same splitting rule)."""

from __future__ import annotations

import sys

import click

from corptui.i18n import _

MAX_FILE_BYTES = 20 * 1024 * 1024


def read_numbers(args, file) -> str:
    """The list text of ``args`` (``-`` reads stdin) and ``--file`` (``-``: stdin)."""
    parts: list[str] = []
    for item in args or ():
        parts.append(sys.stdin.read() if item == "-" else item)
    if file == "-":
        parts.append(sys.stdin.read())
    elif file:
        try:
            with open(file, "rb") as fh:
                data = fh.read(MAX_FILE_BYTES + 1)
        except OSError as exc:
            raise click.BadParameter(_("cannot read {file}: {error}").format(
                file=file, error=exc.strerror), param_hint="--file") from None
        if len(data) > MAX_FILE_BYTES:
            raise click.BadParameter(_("{file} is over 20 MB").format(file=file),
                                     param_hint="--file")
        parts.append(data.decode("utf-8-sig", errors="replace"))
    return "\n".join(parts)


def company_numbers(obj, company, source: str, msisdns, file,
                    field_name: str = "MSISDN") -> tuple:
    """(session, {msisdn: id}) of the numbers given (all must be the company's)."""
    from corptui import scope
    from corptui.errors import ValidationError

    session = obj.session(company, source)
    text = read_numbers(msisdns, file)
    if not scope.count(text) and not text.strip():
        raise ValidationError(_("no numbers given (arguments, --file FILE or '-' for stdin)"),
                              field_name)
    return session, scope.ids(session, text, field_name=field_name)

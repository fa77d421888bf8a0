"""Keep the translation catalogs with babel.

    python -m corptui.i18n_tools extract   # corptui/locale/corptui.pot from the code
    python -m corptui.i18n_tools update    # merge the .pot into each language's .po
    python -m corptui.i18n_tools compile   # .po -> .mo (the .mo is committed too)
    python -m corptui.i18n_tools check     # untranslated / fuzzy / missing entries

Strings are found in ``_()``, ``N_()`` and ``ngettext()`` calls in corptui/ and screens/
(see corptui/i18n.py for why import-time labels use ``N_``)."""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from corptui.i18n import DOMAIN, LANGUAGES, LOCALE_DIR

ROOT = Path(__file__).resolve().parent.parent
SOURCE_DIRS = ("corptui", "screens")
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2), "gettext": None}
POT = LOCALE_DIR / f"{DOMAIN}.pot"


def po_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def extract() -> Catalog:
    """A catalog of every marked string in the code (with where it is used)."""
    catalog = Catalog(project="corptui", domain=DOMAIN, charset="utf-8")
    for folder in SOURCE_DIRS:
        base = ROOT / folder
        for filename, lineno, message, comments, context in extract_from_dir(
                base, method_map=[("**.py", "python")], keywords=KEYWORDS,
                comment_tags=("TRANSLATORS:",), strip_comment_tags=True):
            catalog.add(message, None, [(f"{folder}/{filename}", lineno)],
                        auto_comments=comments, context=context)
    return catalog


def write_pot(path: Path = POT) -> Catalog:
    catalog = extract()
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as fh:
        write_po(fh, catalog, width=96, omit_header=False, sort_output=True,
                 include_lineno=False)
    return catalog


def update() -> None:
    template = extract()
    for lang in LANGUAGES:
        if lang == "en":
            continue
        path = po_path(lang)
        if path.exists():
            with open(path, "rb") as fh:
                catalog = read_po(fh, locale=lang)
        else:
            catalog = Catalog(locale=lang, domain=DOMAIN, project="corptui", charset="utf-8")
        catalog.update(template, no_fuzzy_matching=True)
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "wb") as fh:
            write_po(fh, catalog, width=96, ignore_obsolete=True, sort_output=True,
                     include_lineno=False)


def compile_all() -> list[Path]:
    out = []
    for lang in LANGUAGES:
        path = po_path(lang)
        if not path.exists():
            continue
        with open(path, "rb") as fh:
            catalog = read_po(fh, locale=lang)
        mo = path.with_suffix(".mo")
        with open(mo, "wb") as fh:
            write_mo(fh, catalog, use_fuzzy=False)
        out.append(mo)
    return out


def problems(lang: str = "ru") -> list[str]:
    """What is wrong with a language's catalog: untranslated, fuzzy, missing, stale."""
    import re

    with open(po_path(lang), "rb") as fh:
        catalog = read_po(fh, locale=lang)
    code = {m.id for m in extract() if m.id}
    out = []
    have = set()
    for m in catalog:
        if not m.id:
            continue
        have.add(m.id)
        if m.fuzzy:
            out.append(f"fuzzy: {m.id!r}")
        # a plural entry: (singular, plural) ids, one string per plural form
        ids = m.id if isinstance(m.id, tuple) else (m.id,)
        strings = m.string if isinstance(m.string, tuple) else (m.string,)
        if not all(strings):
            out.append(f"untranslated: {m.id!r}")
            continue
        fields = sorted(re.findall(r"\{[^{}]*\}", ids[-1]))
        if any(sorted(re.findall(r"\{[^{}]*\}", s)) != fields for s in strings):
            out.append(f"placeholders differ: {m.id!r}")
    out += [f"missing: {mid!r}" for mid in sorted(code - have, key=str)]
    return out


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    cmd = argv[0] if argv else "check"
    if cmd == "extract":
        catalog = write_pot()
        print(f"{len(catalog)} messages -> {POT}")
    elif cmd == "update":
        update()
    elif cmd == "compile":
        for mo in compile_all():
            print(mo)
    elif cmd == "check":
        found = problems()
        for line in found:
            print(line)
        return 1 if found else 0
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""One rule for text that users type, paste or import, and one digit folding.

``fold_digits`` turns every Unicode decimal digit (Arabic-Indic ``١``, fullwidth ``２``,
Devanagari ``३``...) into its ASCII digit. Every parser of a number a user gives (phone
numbers, amounts and limits, ids) folds first, so ``79２６1234567`` *is* 79261234567 and
``１２３`` is 123; stored values are ASCII digits only, so uniqueness holds on the folded
form. Other digit-like characters (superscripts ``²``, circled ``①``) are not decimal
digits: parsers refuse them.

``clean_line`` / ``clean_multiline`` are the one rule for user text (names, positions,
tags, views, company names, reasons, comments):

- control characters (C0, DEL, C1; in a single line also tab and newline) are refused;
- direction controls (LRM/RLM/ALM, embeddings, overrides, isolates), the byte-order mark,
  zero-width space, word joiner, soft hyphen and every other invisible format character
  are refused;
- ZERO WIDTH JOINER / NON-JOINER are kept where a grapheme needs them: between two
  emoji (ZWJ sequences such as 👨‍👩‍👧) or inside a word of a script that joins
  letters (Arabic, Persian, the Indic scripts, Sinhala, Syriac...); anywhere else
  (between Latin or Cyrillic letters, at an edge, next to a space) they are refused;
- tag characters are kept only inside an emoji flag sequence (🏴 ... U+E007F);
- what changes (documented): the text is trimmed and, in a single line, every run of
  whitespace (NBSP, ideographic space, line separators...) becomes one ASCII space; a
  multi-line text keeps its line breaks (CRLF becomes LF) and tabs.

Nothing else is changed: an accepted value is stored byte for byte as given."""

from __future__ import annotations

import unicodedata

from corptui.errors import ValidationError
from corptui.i18n import _

_ASCII_DIGITS = frozenset("0123456789")

# invisible characters refused by name, whatever their category
_BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_EDGE = " \t\r\n\u00a0\u3000"  # trimmed at the edges (other controls are refused)
_ZWJ, _ZWNJ = "\u200d", "\u200c"
_BLACK_FLAG = "\U0001f3f4"
_TAG_END = "\U000e007f"
# scripts that join letters and use ZWJ/ZWNJ inside words (the first word of a
# character's Unicode name)
_JOINING_SCRIPTS = frozenset({
    "ARABIC", "SYRIAC", "NKO", "MONGOLIAN", "DEVANAGARI", "BENGALI", "GURMUKHI", "GUJARATI",
    "ORIYA", "TAMIL", "TELUGU", "KANNADA", "MALAYALAM", "SINHALA", "KHMER", "MYANMAR",
    "TIBETAN", "LIMBU", "TIRHUTA", "KAITHI", "SHARADA", "SIDDHAM", "NEWA", "MANDAIC",
    "HANIFI", "ADLAM", "PHAGS-PA", "JAVANESE", "BALINESE",
})


def fold_digits(text: str) -> str:
    """Every Unicode decimal digit as its ASCII digit; nothing else changes."""
    if text.isascii():
        return text
    out = []
    for ch in text:
        if ch not in _ASCII_DIGITS and ch.isdecimal():
            out.append(str(unicodedata.decimal(ch)))
        else:
            out.append(ch)
    return "".join(out)


def _script(ch: str) -> str:
    name = unicodedata.name(ch, "")
    return name.split(" ", 1)[0] if name else ""


def _is_emoji_part(ch: str) -> bool:
    """A character of an emoji sequence: a pictograph, a skin-tone modifier, VS16, a
    keycap, a regional indicator."""
    if ch in "\ufe0f\u20e3":
        return True
    cat = unicodedata.category(ch)
    return cat in ("So", "Sk") and ord(ch) >= 0x2000


def _joiner_ok(text: str, i: int) -> bool:
    """A ZWJ/ZWNJ at ``text[i]`` is kept when a grapheme needs it (see the module doc)."""
    if i == 0 or i == len(text) - 1:
        return False
    before, after = text[i - 1], text[i + 1]
    if text[i] == _ZWJ and _is_emoji_part(before) and _is_emoji_part(after):
        return True
    # letters of a joining script (a vowel sign or virama before the joiner counts)
    left = before if unicodedata.category(before)[0] in "LM" else ""
    right = after if unicodedata.category(after)[0] in "LM" else ""
    return bool(left and right and _script(left) in _JOINING_SCRIPTS
                and _script(right) in _JOINING_SCRIPTS)


def _tag_ok(text: str, i: int) -> bool:
    """Tag characters only inside a flag sequence: 🏴, tags..., U+E007F."""
    j = i
    while j > 0 and 0xE0020 <= ord(text[j - 1]) <= 0xE007F:
        j -= 1
    if j == 0 or text[j - 1] != _BLACK_FLAG:
        return False
    k = i
    while k < len(text) and 0xE0020 <= ord(text[k]) <= 0xE007E:
        k += 1
    return k < len(text) and text[k] == _TAG_END


def problem(text: str, *, multiline: bool = False) -> str | None:
    """Why ``text`` is refused as user text, or None when it is acceptable."""
    for i, ch in enumerate(text):
        if ch.isascii() and ch.isprintable():
            continue
        cat = unicodedata.category(ch)
        if cat == "Cc":
            if multiline and ch in "\n\t":
                continue
            return _("control characters are not allowed (found {code})").format(
                code=f"U+{ord(ch):04X}")
        if ch in _BIDI:
            return _("text direction characters are not allowed (found {code})").format(
                code=f"U+{ord(ch):04X}")
        if ch == "\ufeff":
            return _("a byte-order mark (U+FEFF) is not allowed")
        if cat == "Cs" or (0xFDD0 <= ord(ch) <= 0xFDEF) or (ord(ch) & 0xFFFE) == 0xFFFE:
            return _("a character that is not text is not allowed (found {code})").format(
                code=f"U+{ord(ch):04X}")
        if cat == "Cf":
            if ch in (_ZWJ, _ZWNJ) and _joiner_ok(text, i):
                continue
            if 0xE0020 <= ord(ch) <= 0xE007F and _tag_ok(text, i):
                continue
            return _("invisible characters are not allowed (found {code})").format(
                code=f"U+{ord(ch):04X}")
    return None


def clean_line(value, field: str, label: str, *, max_len: int, required: bool = True) -> str:
    """One line of user text: trimmed, whitespace runs as one space, the rule above;
    ValidationError naming ``field`` (``label`` is how the message names it)."""
    text = ("" if value is None else str(value)).strip(_EDGE)
    why = problem(text)
    if why:
        raise ValidationError(_("{label}: {problem}").format(label=label, problem=why), field)
    text = " ".join(text.split())
    return _check_size(text, field, label, max_len, required)


def clean_multiline(value, field: str, label: str, *, max_len: int,
                    required: bool = True) -> str:
    """Text of several lines (a reason, a comment): trimmed, CRLF as LF, the rule above."""
    text = ("" if value is None else str(value)).replace("\r\n", "\n").strip(_EDGE)
    why = problem(text, multiline=True)
    if why:
        raise ValidationError(_("{label}: {problem}").format(label=label, problem=why), field)
    return _check_size(text, field, label, max_len, required)


def _check_size(text: str, field: str, label: str, max_len: int, required: bool) -> str:
    if not text:
        if required:
            raise ValidationError(_("{label} is empty").format(label=label), field)
        return ""
    if len(text) > max_len:
        raise ValidationError(_("{label} is at most {max_len} characters ({count} given)").format(
            label=label, max_len=max_len, count=len(text)), field)
    return text

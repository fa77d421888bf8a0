"""Fonts shipped with corptui so PDF export renders Cyrillic on a bare machine
(DejaVu Sans, free licence: see LICENSE-DejaVu.txt)."""

from pathlib import Path

FONTS_DIR = Path(__file__).resolve().parent
REGULAR = FONTS_DIR / "DejaVuSans.ttf"
BOLD = FONTS_DIR / "DejaVuSans-Bold.ttf"

"""Every data/config path in one place (platformdirs)."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP = "corptui"


def data_dir() -> Path:
    return Path(os.environ.get("CORPTUI_DATA_DIR") or platformdirs.user_data_dir(APP))


def config_dir() -> Path:
    return Path(os.environ.get("CORPTUI_CONFIG_DIR") or platformdirs.user_config_dir(APP))


def default_db_path() -> Path:
    return data_dir() / "corptui.db"


def demo_db_path() -> Path:
    return data_dir() / "demo.db"


def documents_dir() -> Path:
    return data_dir() / "documents"


def config_file() -> Path:
    return config_dir() / "config.toml"


def keymap_file() -> Path:
    return config_dir() / "keymap.toml"

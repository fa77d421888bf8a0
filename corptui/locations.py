"""Every data/config path in one place (platformdirs)."""

from __future__ import annotations

import os
from pathlib import Path

APP = "corptui"


def data_dir() -> Path:
    if os.environ.get("CORPTUI_DATA_DIR"):
        return Path(os.environ["CORPTUI_DATA_DIR"])
    import platformdirs  # when needed only: every start of corptui asks for a folder

    return Path(platformdirs.user_data_dir(APP))


def config_dir() -> Path:
    if os.environ.get("CORPTUI_CONFIG_DIR"):
        return Path(os.environ["CORPTUI_CONFIG_DIR"])
    import platformdirs

    return Path(platformdirs.user_config_dir(APP))


def default_db_path() -> Path:
    return data_dir() / "corptui.db"


def demo_db_path() -> Path:
    return data_dir() / "demo.db"


def documents_dir() -> Path:
    return data_dir() / "documents"


def exports_dir() -> Path:
    """Where an export given as a bare file name goes, unless Settings names a folder."""
    return data_dir() / "exports"


def config_file() -> Path:
    return config_dir() / "config.toml"


def keymap_file() -> Path:
    return config_dir() / "keymap.toml"

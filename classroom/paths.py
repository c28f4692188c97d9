"""Where the classroom keeps what must outlive the server process (the exercises' signing secret)."""

from __future__ import annotations

import os
from pathlib import Path

DATA_DIR_ENV = "GRADSCAPE_DATA_DIR"


def data_dir() -> Path:
    """The user data folder: $GRADSCAPE_DATA_DIR, else ~/.local/share/gradscape (read at each call)."""
    return Path(os.environ.get(DATA_DIR_ENV) or Path.home() / ".local" / "share" / "gradscape")

"""Where the bundled skill and prompt templates live.

An installed wheel carries them as package data under `net_skill/_data/`; a source checkout
(editable install, tests) finds them at the top of the repository.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


@cache
def data_root() -> Path:
    packaged = _PACKAGE_DIR / "_data"
    if (packaged / "skill.md").is_file():
        return packaged
    checkout = _PACKAGE_DIR.parent.parent
    if (checkout / "skill.md").is_file() and (checkout / "prompts").is_dir():
        return checkout
    raise FileNotFoundError(
        "net-skill's bundled skill.md and prompts/ were not found; reinstall the package"
    )


def bundled_skill_path() -> Path:
    return data_root() / "skill.md"


def prompts_dir() -> Path:
    return data_root() / "prompts"

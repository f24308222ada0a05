"""Prompt templates: files in `prompts/`, rendered by one sandboxed Jinja2 environment.

User text (situations, skill text, earlier outputs) enters only as variables, so a situation
containing `{{ 7*7 }}` stays literal. `delimit` wraps untrusted text in tags and escapes our
own closing tag inside it, so the text cannot end its data block early.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import FileSystemLoader, StrictUndefined
from jinja2.sandbox import ImmutableSandboxedEnvironment

from net_skill._resources import prompts_dir


def delimit(text: str, tag: str) -> str:
    """`<tag>text</tag>`, with any `</tag` inside the text neutralised."""
    safe = str(text).replace(f"</{tag}", f"<\\/{tag}")
    return f"<{tag}>\n{safe}\n</{tag}>"


@cache
def environment(directory: Path | None = None) -> ImmutableSandboxedEnvironment:
    env = ImmutableSandboxedEnvironment(
        loader=FileSystemLoader(str(directory or prompts_dir())),
        undefined=StrictUndefined,
        autoescape=False,
        keep_trailing_newline=False,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["delimit"] = delimit
    return env


def render(template_name: str, /, **data: Any) -> str:
    """Render `prompts/<template_name>` with `data` as variables."""
    return environment().get_template(template_name).render(**data).strip() + "\n"


def templates_fingerprint() -> str:
    """A hash of every template's text: part of cache keys, so editing a prompt invalidates them."""
    digest = hashlib.sha256()
    for path in sorted(prompts_dir().glob("*.j2")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]

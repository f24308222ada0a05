"""Prompt templates: files in `prompts/`, rendered by one sandboxed Jinja2 environment.

User text (situations, skill text, earlier outputs) enters only as variables, so a situation
containing `{{ 7*7 }}` stays literal. `delimit` wraps untrusted text in tags and escapes every
closing tag inside it (any case, spacing or look-alike letters), so the text cannot end its data
block early.
"""

from __future__ import annotations

import hashlib
import re
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import FileSystemLoader, StrictUndefined
from jinja2.sandbox import ImmutableSandboxedEnvironment

from net_skill._resources import prompts_dir

LESS_THAN_LIKE = "<\uff1c\ufe64\u2039\u3008\u2329\u27e8\u02c2\u1438\u276c\u276e\u29fc"
"""`<` and the characters that look like it (fullwidth, small, angle brackets, arrowheads)."""
SLASH_LIKE = "/\uff0f\u2215\u2044\u29f8\u2571\u27cb\u1735"
"""`/` and the characters that look like it (fullwidth, division and fraction slashes, ...)."""
_CLOSING = re.compile(f"([{LESS_THAN_LIKE}])(\\s*)([{SLASH_LIKE}])")


def escape_closing_tags(text: str) -> str:
    """`text` with a backslash before the slash of everything that reads as a closing tag.

    Every `<` followed by `/` is escaped, whatever the tag, its case or the spaces around it
    (`</SITUATION>`, `</Situation >`, `</ skill>`), and so are their look-alikes in other
    scripts (`＜／situation＞`, `‹/situation›`): which letters follow does not matter, so
    neither do Cyrillic or fullwidth letters in the tag name. `<\\/` is how JSON may write `</`,
    so an escaped JSON document still reads the same.
    """
    return _CLOSING.sub(r"\1\2\\\3", text)


def delimit(text: str, tag: str) -> str:
    """`<tag>text</tag>`, with every closing tag inside the text neutralised, so the text
    cannot end its data block (or seem to end any other) early."""
    return f"<{tag}>\n{escape_closing_tags(str(text))}\n</{tag}>"


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

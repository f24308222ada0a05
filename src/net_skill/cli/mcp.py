"""`net-skill mcp`: serve the skills over MCP (stdio); wiring to `net_skill.mcp_server`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from net_skill.cli._common import (
    ApiKeyEnvOpt,
    BackendOpt,
    BaseUrlOpt,
    ContextWindowOpt,
    ModelOpt,
    build_backend,
    handle_errors,
)

SkillsOpt = Annotated[
    list[Path] | None,
    typer.Option(
        "--skill",
        metavar="PATH",
        help="Another skill file or folder to serve as its own tool (repeatable). "
        "The bundled networking skill is always served.",
    ),
]
OutputOpt = Annotated[
    Path | None, typer.Option("--output", help="Folder for run folders (default: user data).")
]
NoRecordOpt = Annotated[bool, typer.Option("--no-record", help="Write no run folders.")]


def register(app: typer.Typer) -> None:
    app.command("mcp")(mcp_command)


@handle_errors
def mcp_command(
    skill: SkillsOpt = None,
    backend: BackendOpt = "auto",
    model: ModelOpt = None,
    base_url: BaseUrlOpt = None,
    api_key_env: ApiKeyEnvOpt = None,
    context_window: ContextWindowOpt = None,
    output: OutputOpt = None,
    no_record: NoRecordOpt = False,
) -> None:
    """Serve the skills as MCP tools, resources and prompts over stdio (for MCP clients)."""
    from net_skill.mcp_server import load_served_skills, serve_stdio

    # Load every skill and build the backend first: a bad file or a missing key fails here,
    # with a clear message on stderr, before any client connects.
    served = load_served_skills(skill or [])
    chosen = build_backend(
        backend, model, base_url=base_url, api_key_env=api_key_env, context_window=context_window
    )
    serve_stdio(
        [s.skill for s in served[1:]],
        backend=chosen,
        record=not no_record,
        output_dir=output,
    )

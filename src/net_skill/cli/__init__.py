"""The `net-skill` command line: typer commands wired to library calls, nothing more."""

from __future__ import annotations

import typer

from net_skill.cli import evaluate, mcp, remind, run, show, track

app = typer.Typer(
    name="net-skill",
    help="Run a markdown skill as a typed, measurable LLM agent (default skill: networking).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

for module in (show, run, evaluate, mcp, track, remind):
    module.register(app)


def main() -> None:
    app()

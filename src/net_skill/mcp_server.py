"""net-skill as an MCP server (the official `mcp` SDK's `MCPServer`), served over stdio.

For each skill (the bundled `net` first, then any `--skill` file):

- tool `run_<id>`: runs the skill on a situation; structured content with an output schema
  derived from the plan's Pydantic model (`NetworkingPlan`, or `GenericPlan` for other skills);
  one progress notification per finished step.
- tool `score_<id>` (skills with a `## Verification` checklist): scores a plan against it.
- resource `skill://<id>`: the skill file's text.
- prompt `<id>`: the skill text with the `situation` argument in place of `$ARGUMENTS`.

Bad input (empty, oversized, wrong type, a date out of range, an argument the tool does not
declare) comes back as a tool error result with a clear message; so does any failure of a run,
an unplanned one included (named, never a bare "Error executing tool"). Messages and plans are
redacted (no API key).
Only protocol messages go to stdout (the SDK points fd 1 at stderr while serving); logs go to
stderr. Credentials come from the environment (`ANTHROPIC_API_KEY`).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, cast

from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp.server.mcpserver.resources import TextResource
from mcp.server.mcpserver.tools import Tool
from mcp.server.mcpserver.utilities.func_metadata import ArgModelBase
from mcp.shared.exceptions import MCPError
from mcp_types import INVALID_PARAMS, ToolAnnotations
from pydantic import BaseModel, ConfigDict, Field

from net_skill._redact import redact, redact_model
from net_skill.backends.base import Backend
from net_skill.declared import declared_input_text
from net_skill.errors import ConfigurationError, InputError, NetSkillError, as_net_skill_error
from net_skill.eval.scoring import PlanScore, parse_plan, score_plan
from net_skill.execute import ProgressEvent
from net_skill.loader import skill_text_with_arguments
from net_skill.outputs import Plan
from net_skill.profile import profile_for
from net_skill.runner import SkillArg, arun_skill, resolve_skill
from net_skill.situation import MAX_CONTACTS_CHARS, MAX_SITUATION_CHARS, validate_situation
from net_skill.skill import Skill
from net_skill.tool import parse_tool_input, tool_description, tool_name

logger = logging.getLogger(__name__)

SERVER_NAME = "net-skill"
INSTRUCTIONS = (
    "Runs markdown skills as typed, multi-step plans. Call run_<skill> with the user's situation "
    "in their own words; the result is a JSON plan (see the tool's output schema). score_<skill> "
    "checks a plan against the skill's Verification checklist."
)

ReportProgress = Callable[[float, float | None, str | None], Awaitable[None]]


@dataclass(frozen=True)
class ServedSkill:
    """One skill as the server offers it."""

    skill: Skill

    @property
    def run_tool(self) -> str:
        return tool_name(self.skill, "run")

    @property
    def score_tool(self) -> str:
        return tool_name(self.skill, "score")

    @property
    def resource_uri(self) -> str:
        return f"skill://{self.run_tool.removeprefix('run_')}"

    @property
    def prompt_name(self) -> str:
        return self.run_tool.removeprefix("run_")

    @property
    def plan_type(self) -> type[Plan]:
        return profile_for(self.skill).plan_type

    @property
    def scorable(self) -> bool:
        return bool(self.skill.verification)


def load_served_skills(extra: Sequence[SkillArg] = ()) -> list[ServedSkill]:
    """The bundled skill, then each of `extra`; two skills may not share a tool name."""
    served: list[ServedSkill] = []
    for arg in (None, *extra):
        candidate = ServedSkill(resolve_skill(arg))
        clash = next((s for s in served if s.run_tool == candidate.run_tool), None)
        if clash is not None:
            where = candidate.skill.path or candidate.skill.id
            raise ConfigurationError(
                f"skill {where} would be served as {candidate.run_tool!r}, "
                f"which {clash.skill.path or clash.skill.id} already uses; rename one skill"
            )
        served.append(candidate)
    return served


class ProgressRelay:
    """Turns the runner's synchronous progress callbacks into MCP progress notifications.

    Events are queued and sent in order by `pump()`; one notification per finished step
    (progress = steps done, total = steps in the run). A failure to notify is logged, never
    allowed to stop the run.
    """

    def __init__(self, report: ReportProgress, total: int) -> None:
        self._report = report
        self._total = total
        self._done = 0
        self._queue: asyncio.Queue[ProgressEvent | None] = asyncio.Queue()
        self._loop = asyncio.get_running_loop()

    def __call__(self, event: ProgressEvent) -> None:
        self._loop.call_soon_threadsafe(self._queue.put_nowait, event)

    def close(self) -> None:
        self._loop.call_soon_threadsafe(self._queue.put_nowait, None)

    async def pump(self) -> None:
        while (event := await self._queue.get()) is not None:
            if event.kind != "step_finished":
                continue
            self._done += 1
            message = f"step {event.step} of {self._total} done: {event.title}"
            try:
                await self._report(self._done, self._total, message)
            except Exception:  # the client may be gone; the run goes on
                logger.warning("could not send a progress notification", exc_info=True)


SituationArg = Annotated[
    str,
    Field(
        description=(
            "The user's situation in their own words: who they are, what they want, who they "
            "already know."
        ),
        json_schema_extra={"minLength": 1, "maxLength": MAX_SITUATION_CHARS},
    ),
]
ContactsArg = Annotated[
    str | None,
    Field(
        description="Optional: the user's contacts list as plain text, one a line.",
        json_schema_extra={"maxLength": MAX_CONTACTS_CHARS},
    ),
]
TodayArg = Annotated[
    str | None,
    Field(
        description="Optional: the date to schedule from (YYYY-MM-DD); default today.",
        json_schema_extra={"format": "date"},
    ),
]
PlanArg = Annotated[
    dict[str, Any],
    Field(description="A plan as returned by the matching run_<skill> tool (a JSON object)."),
]
JudgeArg = Annotated[
    bool,
    Field(
        description=(
            "Also ask the server's model to judge each checklist item (one model call). "
            "Without it only the deterministic checks run."
        )
    ),
]


class SkillServer:
    """Builds the `MCPServer` for a set of skills and one backend."""

    def __init__(
        self,
        skills: Sequence[ServedSkill],
        backend: Backend,
        *,
        record: bool = True,
        output_dir: str | Path | None = None,
    ) -> None:
        self.skills = list(skills)
        self.backend = backend
        self.record = record
        self.output_dir = output_dir

    def build(self) -> MCPServer[Any]:
        server: MCPServer[Any] = MCPServer(
            SERVER_NAME,
            instructions=INSTRUCTIONS,
            lifespan=self._lifespan,
            log_level="WARNING",
        )
        for served in self.skills:
            self._add_run_tool(server, served)
            if served.scorable:
                self._add_score_tool(server, served)
            self._add_resource(server, served)
            self._add_prompt(server, served)
        # MCPServer has no public way to reach its registered Tools (see _add_declared_run_tool).
        for tool in server._tool_manager.list_tools():
            closed(tool)
        return server

    @asynccontextmanager
    async def _lifespan(self, _server: MCPServer[Any]) -> AsyncIterator[None]:
        try:
            yield None
        finally:
            await self.backend.aclose()

    async def run(
        self,
        served: ServedSkill,
        arguments: dict[str, Any],
        report: ReportProgress | None = None,
    ) -> Plan:
        """Validate the arguments and run the skill; `ToolError` with a clear message on failure."""
        try:
            parsed = parse_tool_input({k: v for k, v in arguments.items() if v is not None})
        except InputError as exc:
            raise ToolError(redact(f"invalid input: {exc}")) from None
        relay = (
            ProgressRelay(report, len(profile_for(served.skill).steps(served.skill)))
            if report
            else None
        )
        pump = asyncio.create_task(relay.pump()) if relay else None
        try:
            result = await arun_skill(
                parsed.situation,
                skill=served.skill,
                backend=self.backend,
                today=parsed.today,
                contacts=parsed.contacts,
                record=self.record,
                output_dir=self.output_dir,
                on_progress=relay,
            )
        except InputError as exc:
            raise ToolError(redact(f"invalid input: {exc}")) from None
        except Exception as exc:  # every failure is named for the client, never hidden
            raise ToolError(redact(str(_named(exc)))) from None
        finally:
            if relay is not None and pump is not None:
                relay.close()
                await pump
        return redact_model(result.plan)

    async def score(self, served: ServedSkill, plan: dict[str, Any], judge: bool) -> PlanScore:
        try:
            parsed = parse_plan(plan, source="plan")
            if parsed.skill_id != served.skill.id:
                raise InputError(
                    f"this plan was made by skill {parsed.skill_id!r}; "
                    f"score it with score_{parsed.skill_id}"
                )
            return await score_plan(parsed, served.skill, judge=self.backend if judge else None)
        except InputError as exc:
            raise ToolError(redact(f"invalid input: {exc}")) from None
        except Exception as exc:  # every failure is named for the client, never hidden
            raise ToolError(redact(str(_named(exc)))) from None

    def _add_run_tool(self, server: MCPServer[Any], served: ServedSkill) -> None:
        profile = profile_for(served.skill)
        if profile.input_schema(served.skill) or served.skill.output_schema:
            self._add_declared_run_tool(server, served)
            return

        async def run_tool(
            situation: SituationArg,
            ctx: Context[Any, Any],
            contacts: ContactsArg = None,
            today: TodayArg = None,
        ) -> BaseModel:
            arguments = {"situation": situation, "contacts": contacts, "today": today}
            return await self.run(served, arguments, ctx.report_progress)

        # The declared return type is what the SDK derives the output schema from; the name
        # appears in its argument-validation messages.
        run_tool.__annotations__ = {**run_tool.__annotations__, "return": served.plan_type}
        run_tool.__name__ = run_tool.__qualname__ = served.run_tool
        server.add_tool(
            run_tool,
            name=served.run_tool,
            title=f"Run skill: {served.skill.name}",
            description=tool_description(served.skill),
            annotations=ToolAnnotations(
                read_only_hint=not self.record,  # a recorded run writes its run folder
                destructive_hint=False,
                idempotent_hint=False,
                open_world_hint=self.backend.is_remote,
            ),
            structured_output=True,
        )

    def _add_declared_run_tool(self, server: MCPServer[Any], served: ServedSkill) -> None:
        """A skill that declares its input or output: the tool takes and returns exactly that.

        The declared input is the tool's `input` argument (checked against the schema); the
        declared output is the structured content (the plan's `output`)."""
        skill = served.skill
        profile = profile_for(skill)
        declared_input = profile.input_schema(skill)

        async def run_declared(
            ctx: Context[Any, Any],
            input: dict[str, Any] | None = None,
            situation: str | None = None,
            today: TodayArg = None,
        ) -> dict[str, Any]:
            given: Any = input if declared_input is not None else situation
            if declared_input is not None:
                try:
                    text = declared_input_text(declared_input, given)
                except InputError as exc:
                    raise ToolError(redact(f"invalid input: {exc}")) from None
            else:
                text = str(given or "")
            plan = await self.run(served, {"situation": text, "today": today}, ctx.report_progress)
            output = getattr(plan, "output", None)
            return output if isinstance(output, dict) else plan.model_dump(mode="json")

        run_declared.__name__ = run_declared.__qualname__ = served.run_tool
        server.add_tool(
            run_declared,
            name=served.run_tool,
            title=f"Run skill: {skill.name}",
            description=tool_description(skill),
            annotations=ToolAnnotations(
                read_only_hint=not self.record,
                destructive_hint=False,
                idempotent_hint=False,
                open_world_hint=self.backend.is_remote,
            ),
            structured_output=True,
        )
        # MCPServer has no public way to reach a registered Tool; the fields of its FuncMetadata
        # are meant to be reassigned ("read live", says its docstring).
        tool = server._tool_manager.get_tool(served.run_tool)
        assert tool is not None
        today = {"type": "string", "format": "date", "description": "Optional: YYYY-MM-DD."}
        if declared_input is not None:
            tool.parameters = {
                "type": "object",
                "properties": {"input": declared_input, "today": today},
                "required": ["input"],
                "additionalProperties": False,
            }
        else:
            tool.parameters = {
                "type": "object",
                "properties": {"situation": {"type": "string", "minLength": 1}, "today": today},
                "required": ["situation"],
                "additionalProperties": False,
            }
        tool.fn_metadata.output_schema = profile.output_schema(skill)

    def _add_score_tool(self, server: MCPServer[Any], served: ServedSkill) -> None:
        async def score_tool(plan: PlanArg, judge: JudgeArg = False) -> PlanScore:
            return await self.score(served, plan, judge)

        score_tool.__name__ = score_tool.__qualname__ = served.score_tool

        items = "; ".join(served.skill.verification)
        server.add_tool(
            score_tool,
            name=served.score_tool,
            title=f"Score a plan: {served.skill.name}",
            description=(
                f"Scores a plan from {served.run_tool} against the skill's Verification "
                f"checklist ({items}). Returns per-item verdicts and an overall score."
            ),
            annotations=ToolAnnotations(read_only_hint=True, open_world_hint=False),
            structured_output=True,
        )

    def _add_resource(self, server: MCPServer[Any], served: ServedSkill) -> None:
        server.add_resource(
            TextResource(
                uri=served.resource_uri,
                name=served.prompt_name,
                title=served.skill.name,
                description=f"The skill file (markdown) of {served.skill.name!r}.",
                mime_type="text/markdown",
                text=served.skill.source,
            )
        )

    def _add_prompt(self, server: MCPServer[Any], served: ServedSkill) -> None:
        skill = served.skill

        def prompt(situation: SituationArg) -> str:
            try:
                clean = validate_situation(situation)
            except InputError as exc:  # a protocol error: prompts have no error results
                message = redact(f"invalid input: {exc}")
                raise MCPError(code=INVALID_PARAMS, message=message) from None
            return skill_text_with_arguments(skill, clean)

        server.prompt(
            name=served.prompt_name,
            title=skill.name,
            description=f"The {skill.name!r} skill, applied to your situation.",
        )(prompt)


def closed(tool: Tool) -> Tool:
    """`tool`, refusing arguments its input schema does not declare.

    The SDK's argument models ignore unknown keys; the schema we publish says
    `additionalProperties: false`, so an unknown argument is an error result, not dropped.
    """
    base = tool.fn_metadata.arg_model
    strict = cast(
        "type[ArgModelBase]",
        type(base.__name__, (base,), {"model_config": ConfigDict(extra="forbid")}),
    )
    tool.fn_metadata.arg_model = strict
    tool.parameters["additionalProperties"] = False
    return tool


def _named(exc: BaseException) -> NetSkillError:
    if not isinstance(exc, NetSkillError):
        logger.error("a tool call failed unexpectedly", exc_info=exc)
    return as_net_skill_error(exc)


def build_server(
    skills: Sequence[SkillArg] = (),
    *,
    backend: Backend,
    record: bool = True,
    output_dir: str | Path | None = None,
) -> MCPServer[Any]:
    """An `MCPServer` offering the bundled skill and each of `skills` (paths or `Skill`s)."""
    served = load_served_skills(skills)
    return SkillServer(served, backend, record=record, output_dir=output_dir).build()


def serve_stdio(
    skills: Sequence[SkillArg] = (),
    *,
    backend: Backend,
    record: bool = True,
    output_dir: str | Path | None = None,
) -> None:
    """Serve over stdin/stdout until the client closes the connection."""
    build_server(skills, backend=backend, record=record, output_dir=output_dir).run("stdio")

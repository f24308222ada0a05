"""Hostile calls to `net-skill mcp` over stdio: every one answered with an error, the server up.

One kind of message cannot be answered: JSON nested more deeply than the SDK's parser accepts
(about 200 levels). The server cannot read its request id, so it cannot say which call failed;
it goes on serving, and the client's own timeout ends that call. The suite checks exactly that.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from tests.plan_factory import good_plan
from tests.reliability.hostile import KEY, HostileFigures
from tests.test_mcp_server import mcp_session, text_of

GOOD = "I am a nurse moving into product management; I know Sam Lee, a PM at Epic."


def _nested(depth: int) -> dict[str, Any]:
    value: dict[str, Any] = {}
    for _ in range(depth):
        value = {"a": value}
    return value


CALLS: list[tuple[str, str, dict[str, Any], str]] = [
    ("situation a number", "run_net", {"situation": 5}, "valid string"),
    ("situation null", "run_net", {"situation": None}, "valid string"),
    ("situation a list", "run_net", {"situation": ["a"]}, "valid string"),
    ("situation an object", "run_net", {"situation": {"a": 1}}, "valid string"),
    ("situation missing", "run_net", {}, "Field required"),
    ("situation empty", "run_net", {"situation": " \n "}, "the situation is empty"),
    ("situation only controls", "run_net", {"situation": "\x00\x01\u202e\u200b"}, "is empty"),
    ("situation 10 MB", "run_net", {"situation": "w" * 10_485_760}, "the limit is"),
    ("contacts a number", "run_net", {"situation": GOOD, "contacts": 7}, "valid string"),
    ("contacts 10 MB", "run_net", {"situation": GOOD, "contacts": "c" * 10_485_760}, "limit"),
    ("today a number", "run_net", {"situation": GOOD, "today": 20261125}, "valid string"),
    ("today not a date", "run_net", {"situation": GOOD, "today": "soon"}, "YYYY-MM-DD"),
    ("today 9999-12-31", "run_net", {"situation": GOOD, "today": "9999-12-31"}, "out of range"),
    ("today holds a key", "run_net", {"situation": GOOD, "today": KEY}, "[REDACTED]"),
    ("an unknown argument", "run_net", {"situation": GOOD, "mode": "admin"}, "Extra inputs"),
    ("many unknown arguments", "run_net", {"situation": GOOD, **{f"x{i}": i for i in range(50)}},
     "Extra inputs"),
    ("an unknown tool", "run_everything", {"situation": GOOD}, "Unknown tool"),
    ("an empty tool name", "", {}, "Unknown tool"),
    ("plan a string", "score_net", {"plan": "good"}, "valid dictionary"),
    ("plan empty", "score_net", {"plan": {}}, "invalid input"),
    ("plan of another skill", "score_net", {"plan": {"skill_id": "cms"}}, "invalid input"),
    ("plan nested 150 deep", "score_net", {"plan": _nested(150)}, "invalid input"),
    ("judge a string", "score_net", {"plan": {}, "judge": "maybe"}, "valid boolean"),
    ("score: an unknown argument", "score_net", {"plan": {}, "extra": 1}, "Extra inputs"),
]  # fmt: skip


async def check_mcp(figures: HostileFigures, folder: Path) -> None:
    errlog = folder / "mcp-stderr.txt"
    args = ["--backend", "fake", "--output", str(folder / "mcp-runs")]
    async with mcp_session(args, errlog) as session:
        for name, tool, arguments, fragment in CALLS:
            try:
                result = await session.call_tool(tool, arguments)
            except Exception as exc:  # a protocol error is an answer too, if it names the cause
                text, is_error = str(exc), True
            else:
                text, is_error = text_of(result), bool(result.is_error)
            problem = None
            if not is_error:
                problem = "accepted"
            elif fragment not in text or "Traceback" in text or KEY in text:
                problem = f"message: {text[:300]!r}"
            figures.check("MCP", name, problem)
        try:
            await asyncio.wait_for(session.call_tool("score_net", {"plan": _nested(250)}), 3.0)
            deep: str | None = "a message nested 250 deep was answered (the SDK now parses it?)"
        except TimeoutError:
            deep = None  # unanswerable, as documented: what matters is what comes next
        figures.check("MCP", "unparseable message (250 deep), then more calls", deep)
        tools = await session.list_tools()
        alive = await session.call_tool("run_net", {"situation": GOOD})
        score = await session.call_tool("score_net", {"plan": good_plan().model_dump(mode="json")})
        up = len(tools.tools) == 2 and not alive.is_error and not score.is_error
        figures.check("MCP", "still serving afterwards", None if up else text_of(alive))
    log = errlog.read_text(encoding="utf-8")
    figures.check("MCP", "server stderr", "a traceback" if "Traceback" in log else None)

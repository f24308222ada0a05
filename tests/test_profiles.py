"""Skill profiles: a typed profile registered from outside the core, import boundaries,
declared input and output schemas, and what resume keeps."""

from __future__ import annotations

import ast
import json
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Annotated, Any, ClassVar

import pytest
from jsonschema import Draft202012Validator
from pydantic import BaseModel, Field

from net_skill import FakeBackend, Plan, StepModel, run_skill
from net_skill.eval.checks import CheckOutcome, check, outcome_of
from net_skill.eval.criteria import criteria_for
from net_skill.eval.scoring import score_plan_sync
from net_skill.loader import load_skill
from net_skill.outputs import Asked
from net_skill.profile import (
    CriterionSpec,
    RunInputs,
    SkillProfile,
    StepSpec,
    profile_for,
    register_profile,
    unregister_profile,
)
from net_skill.resume import load_resume_state
from net_skill.runner import render_run_prompts
from net_skill.skill import Skill
from net_skill.tool import tool_definition

SRC = Path(__file__).resolve().parents[1] / "src" / "net_skill"
SITUATION = "Our payment module has a 900-line function that nobody dares to touch."

Text = Annotated[str, Field(max_length=200), Asked(min=1)]


class Assessment(StepModel):
    smells: Annotated[list[Text], Asked(min=1)] = Field(max_length=4)
    risk: Text


class Finding(StepModel):
    summary: Text


class RefactoringPlan(Plan):
    assessment: Assessment
    later: list[Finding]


@check
def smells_named(plan: RefactoringPlan) -> CheckOutcome:
    items = [(bool(s.strip()), f"empty smell {s!r}") for s in plan.assessment.smells]
    return outcome_of(items, f"{len(items)} smells named")


class RefactoringProfile(SkillProfile):
    """A profile for the corpus skill `rf` written as a user of the library would."""

    skill_id: ClassVar[str] = "rf"
    plan_type: ClassVar[type[Plan]] = RefactoringPlan

    def steps(self, skill: Skill) -> Mapping[int, StepSpec]:
        specs = {s.number: StepSpec(Finding, depends_on=(1,)) for s in skill.steps}
        return {**specs, 1: StepSpec(Assessment, depends_on=())}

    def build_plan(
        self,
        skill: Skill,
        outputs: Mapping[int, BaseModel],
        inputs: RunInputs,
        unanswered: Mapping[int, Sequence[str]] | None = None,
    ) -> RefactoringPlan:
        assessment = outputs[1]
        assert isinstance(assessment, Assessment)
        later = [o for n, o in sorted(outputs.items()) if n != 1 and isinstance(o, Finding)]
        return RefactoringPlan(
            skill_id=skill.id,
            situation=inputs.situation,
            today=inputs.today,
            assessment=assessment,
            later=later,
        )

    def render_markdown(self, plan: Plan) -> str:
        assert isinstance(plan, RefactoringPlan)
        return "# Refactoring\n" + "\n".join(f"- {s}" for s in plan.assessment.smells) + "\n"

    def criteria(self) -> Mapping[str, CriterionSpec]:
        return {"code is cleaner/more maintainable": CriterionSpec("cleaner", (smells_named,))}


@pytest.fixture
def refactoring(corpus_dir: Path) -> Iterator[Skill]:
    profile = register_profile(RefactoringProfile())
    try:
        yield load_skill(corpus_dir / "rf.SKILL.md")
    finally:
        unregister_profile(profile.skill_id)


def test_a_second_typed_profile_runs_end_to_end_without_core_changes(refactoring: Skill) -> None:
    assert isinstance(profile_for(refactoring), RefactoringProfile)
    backend = FakeBackend()
    result = run_skill(SITUATION, skill=refactoring, backend=backend, record=False)
    plan = result.plan
    assert isinstance(plan, RefactoringPlan) and plan.assessment.smells
    assert len(plan.later) == len(refactoring.steps) - 1
    assert result.markdown.startswith("# Refactoring")
    assert backend.calls[0].schema_name == "Assessment"
    assert {c.schema_name for c in backend.calls[1:]} == {"Finding"}
    criteria = {c.id: c for c in criteria_for(refactoring)}
    assert criteria["cleaner"].check_ids == ("smells_named",)  # the profile's id and check
    score = score_plan_sync(plan, refactoring)
    assert score.criterion("cleaner").check_results[0].passed


def test_no_general_module_imports_the_networking_profile_or_names_its_id() -> None:
    """Only the networking package itself, the registry of built-in profiles, the public
    re-export in `net_skill/__init__.py` and the networking skill's own CLI commands may."""
    allowed = {
        SRC / "__init__.py",
        SRC / "skills" / "__init__.py",
        SRC / "cli" / "track.py",
        SRC / "cli" / "remind.py",
    }
    offenders = []
    for path in SRC.rglob("*.py"):
        if (SRC / "skills" / "networking") in path.parents or path in allowed:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(
                "net_skill.skills.networking"
            ):
                offenders.append(f"{path.relative_to(SRC)}: imports {node.module}")
            if isinstance(node, ast.Constant) and node.value == "net":
                offenders.append(f"{path.relative_to(SRC)}:{node.lineno}: names the id 'net'")
    assert offenders == []


def _declared_skill(corpus_dir: Path, tmp_path: Path, *, sidecar: bool) -> Path:
    text = (corpus_dir / "im.SKILL.md").read_text(encoding="utf-8")
    output = {
        "type": "object",
        "properties": {
            "verdict": {"type": "string", "enum": ["go", "wait", "stop"]},
            "reasons": {"type": "array", "items": {"type": "string"}, "minItems": 2},
        },
        "required": ["verdict", "reasons"],
        "additionalProperties": False,
    }
    if sidecar:
        (tmp_path / "out.schema.json").write_text(json.dumps(output), encoding="utf-8")
        declared = "output_schema: out.schema.json\n"
    else:
        declared = "output_schema: |\n  " + json.dumps(output) + "\n"
    declared += (
        "input_schema:\n  type: object\n  properties:\n    topic:\n      type: string\n"
        "      minLength: 3\n  required: [topic]\n"
    )
    path = tmp_path / "SKILL.md"
    path.write_text(text.replace("---\n", "---\n" + declared, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize("sidecar", [False, True])
def test_declared_output_schema_is_the_last_answer_and_validates(
    corpus_dir: Path, tmp_path: Path, sidecar: bool
) -> None:
    skill = load_skill(_declared_skill(corpus_dir, tmp_path, sidecar=sidecar))
    assert skill.output_schema is not None and skill.input_schema is not None
    assert skill.input_schema["properties"]["topic"]["minLength"] == 3  # typed back from YAML
    backend = FakeBackend()
    result = run_skill('{"topic": "caching"}', skill=skill, backend=backend, record=False)
    assert backend.calls[-1].schema == skill.output_schema
    output = result.plan.model_dump(mode="json")["output"]
    Draft202012Validator(skill.output_schema).validate(output)
    assert tool_definition(skill)["input_schema"] == skill.input_schema


def test_a_declared_schema_that_is_not_json_schema_names_the_file_and_line(
    tmp_path: Path,
) -> None:
    from net_skill.errors import SkillParseError

    path = tmp_path / "SKILL.md"
    path.write_text(
        '---\nname: x\ndescription: y\noutput_schema: |\n  {"type": 7}\n---\n# X\n',
        encoding="utf-8",
    )
    with pytest.raises(SkillParseError, match=r"SKILL.md:4: `output_schema` is not a valid"):
        load_skill(path)


@pytest.mark.filterwarnings("ignore::net_skill.loader.SkillWarning")
def test_dry_run_prints_every_prompt_for_every_corpus_skill(corpus_dir: Path) -> None:
    for path in sorted(corpus_dir.glob("*.SKILL.md")):
        skill = load_skill(path)
        prompts = render_run_prompts(SITUATION, skill=skill)
        assert len(prompts) == max(1, len(skill.steps)), path.name
        assert all(p.prompt.strip() for p in prompts)


def test_resume_keeps_the_token_budget_and_the_local_model_path(tmp_path: Path) -> None:
    from net_skill.backends.registry import backend_spec

    model = tmp_path / "model.gguf"
    description: dict[str, Any] = {"backend": "local", "model_path": str(model)}
    assert backend_spec("local").options_from(description).model == str(model)
    result = run_skill(SITUATION, backend=FakeBackend(), output_dir=tmp_path, token_budget=10**6)
    assert result.run_dir is not None
    state = load_resume_state(result.run_dir, backend=FakeBackend(), on_progress=None)
    assert state.token_budget == 10**6
    overridden = load_resume_state(
        result.run_dir, backend=FakeBackend(), on_progress=None, token_budget=5
    )
    assert overridden.token_budget == 5


async def test_mcp_tool_of_a_declared_skill_takes_and_returns_the_declared_schemas(
    corpus_dir: Path, tmp_path: Path
) -> None:
    from mcp.client.client import Client

    from net_skill.mcp_server import build_server

    path = _declared_skill(corpus_dir, tmp_path, sidecar=True)
    skill = load_skill(path)
    server = build_server([path], backend=FakeBackend(), record=False)
    async with Client(server) as client:
        tools = {t.name: t for t in (await client.list_tools()).tools}
        tool = tools[f"run_{skill.id}"]
        assert tool.output_schema == skill.output_schema
        assert tool.input_schema["properties"]["input"] == skill.input_schema
        result = await client.call_tool(tool.name, {"input": {"topic": "caching"}})
        assert not result.is_error
        Draft202012Validator(skill.output_schema).validate(result.structured_content)
        bad = await client.call_tool(tool.name, {"input": {"topic": "x"}})
        assert bad.is_error and "input_schema" in str(bad.content[0])

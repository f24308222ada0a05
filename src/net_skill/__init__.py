"""net-skill: run a markdown skill as a typed, measurable LLM agent.

from net_skill import run_skill
result = run_skill("I'm a data analyst moving into product management ...")
print(result.plan.value.value_proposition)
"""

from __future__ import annotations

from net_skill.backends.base import Backend, Completion, CompletionRequest, Message, Usage
from net_skill.backends.fake import FakeBackend
from net_skill.backends.registry import (
    BackendOptions,
    create_backend,
    register_backend,
    select_backend,
)
from net_skill.errors import (
    BackendError,
    ConfigurationError,
    InputError,
    NetSkillError,
    NoAnswerError,
    OutputValidationError,
    RunAbortedError,
    SkillParseError,
)
from net_skill.loader import load_skill, parse_skill
from net_skill.outputs import Plan, StepModel
from net_skill.profile import SkillProfile, StepSpec, profile_for, register_profile
from net_skill.runner import (
    ProgressEvent,
    RunResult,
    StepOutcome,
    aresume_run,
    arun_skill,
    resume_run,
    run_skill,
    situation_advice,
)
from net_skill.skill import Skill, SkillItem, SkillStep
from net_skill.skills.generic import GenericPlan
from net_skill.skills.networking import NetworkingPlan
from net_skill.tool import ahandle_tool_use, handle_tool_use, tool_definition

__all__ = [
    "Backend",
    "BackendError",
    "BackendOptions",
    "Completion",
    "CompletionRequest",
    "ConfigurationError",
    "FakeBackend",
    "GenericPlan",
    "InputError",
    "Message",
    "NetSkillError",
    "NetworkingPlan",
    "NoAnswerError",
    "OutputValidationError",
    "Plan",
    "ProgressEvent",
    "RunAbortedError",
    "RunResult",
    "Skill",
    "SkillItem",
    "SkillParseError",
    "SkillProfile",
    "SkillStep",
    "StepModel",
    "StepOutcome",
    "StepSpec",
    "Usage",
    "ahandle_tool_use",
    "aresume_run",
    "arun_skill",
    "create_backend",
    "handle_tool_use",
    "load_skill",
    "parse_skill",
    "profile_for",
    "register_backend",
    "register_profile",
    "resume_run",
    "run_skill",
    "select_backend",
    "situation_advice",
    "tool_definition",
]

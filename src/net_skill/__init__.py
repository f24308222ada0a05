"""net-skill: run a markdown skill as a typed, measurable LLM agent."""

from __future__ import annotations

from net_skill.backends.base import Backend, Completion, CompletionRequest, Message, Usage
from net_skill.backends.fake import FakeBackend
from net_skill.errors import (
    BackendError,
    ConfigurationError,
    InputError,
    NetSkillError,
    OutputValidationError,
    RunAbortedError,
    SkillParseError,
)
from net_skill.plan import GenericPlan, NetworkingPlan
from net_skill.skill import Skill, SkillItem, SkillStep

__all__ = [
    "Backend",
    "BackendError",
    "Completion",
    "CompletionRequest",
    "ConfigurationError",
    "FakeBackend",
    "GenericPlan",
    "InputError",
    "Message",
    "NetSkillError",
    "NetworkingPlan",
    "OutputValidationError",
    "RunAbortedError",
    "Skill",
    "SkillItem",
    "SkillParseError",
    "SkillStep",
    "Usage",
]

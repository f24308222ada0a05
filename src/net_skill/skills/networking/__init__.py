"""The networking skill (`skill.md`, id `net`): its step models, plan, checks and rendering."""

from net_skill.profile import register_profile
from net_skill.skills.networking.plan import NetworkingPlan
from net_skill.skills.networking.profile import NetworkingProfile

PROFILE = register_profile(NetworkingProfile())

__all__ = ["PROFILE", "NetworkingPlan", "NetworkingProfile"]

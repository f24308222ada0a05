"""The skill profiles shipped with net-skill; importing this package registers them."""

from net_skill.skills import generic, networking

__all__ = ["generic", "networking"]

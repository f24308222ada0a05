"""The networking skill (`skill.md`, id `net`): its step models, plan, checks and rendering,
and the user's own network: the keep-in-touch tracker and calendar reminders."""

from datetime import date
from pathlib import Path

from net_skill.contacts import ContactsFile, ContactStore, register_store
from net_skill.profile import register_profile
from net_skill.skills.networking._tracker_db import default_tracker_path, is_tracker_header
from net_skill.skills.networking.plan import NetworkingPlan
from net_skill.skills.networking.profile import NetworkingProfile

PROFILE = register_profile(NetworkingProfile())


def _read_tracker(path: Path, today: date) -> ContactsFile:
    from net_skill.skills.networking.tracker import Tracker

    with Tracker.open(path) as tracker:
        return tracker.contacts(today=today)


TRACKER_STORE = register_store(
    ContactStore("net-skill tracker", is_tracker_header, _read_tracker, default_tracker_path)
)
"""`net_skill.contacts.read_contacts` reads a tracker file as the people it tracks."""

__all__ = ["PROFILE", "TRACKER_STORE", "NetworkingPlan", "NetworkingProfile"]

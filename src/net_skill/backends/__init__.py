"""Model backends behind one abstract method, `Backend.complete`."""

from net_skill.backends.base import Backend, Completion, CompletionRequest, Message, Usage
from net_skill.backends.fake import FakeBackend

__all__ = ["Backend", "Completion", "CompletionRequest", "FakeBackend", "Message", "Usage"]

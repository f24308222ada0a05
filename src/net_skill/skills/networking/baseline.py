"""The networking skill as one prompt: all eight steps in one answer (the eval baseline)."""

from __future__ import annotations

from pydantic import BaseModel, model_validator

from net_skill.outputs import StepModel
from net_skill.profile import SinglePromptSpec
from net_skill.skills.networking.plan import NETWORKING_FIELDS, NetworkingSteps

GUIDANCE = (
    "Outreach messages and interview preparations refer to targets by their number in your own "
    "target list (1 for the first target)."
)


class SinglePromptOutput(StepModel, NetworkingSteps):
    """All eight steps of the networking skill in one answer."""

    @model_validator(mode="after")
    def _targets_exist(self) -> SinglePromptOutput:
        count = len(self.targets.targets)
        numbers = [m.target for m in self.outreach.messages]
        numbers += [p.target for p in self.interviews.preparations]
        wrong = sorted({n for n in numbers if not 1 <= n <= count})
        if wrong:
            raise ValueError(
                f"target numbers {wrong} do not exist: use 1 to {count} (the targets list)"
            )
        return self


def _outputs(answer: StepModel) -> dict[int, BaseModel]:
    return {number: getattr(answer, name) for number, name in NETWORKING_FIELDS.items()}


SINGLE_PROMPT = SinglePromptSpec(SinglePromptOutput, guidance=GUIDANCE, outputs=_outputs)

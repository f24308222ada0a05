"""Recognise degenerate values in a model's structured answer, for any skill.

A small model under a JSON-schema grammar always returns valid JSON, but its strings can be
junk: template or JSON debris (`{{1}}`, `":`, `[{`), field names given back as answers
(`closing_questions:`, `current_colleague`, a fixed value repeated beside its field),
copies of the schema's descriptions (also whole and padded with filler), of the prompt's
instructions, of the skill's own items or of a worked example, word loops, text
without a letter, links and timestamps the user never wrote, and one text pasted into many
fields. This module finds
them and says, in one sentence to the model, what is wrong with which field, so that a
validator can reject the value and a re-ask can feed the sentence back.

It knows nothing of any particular skill: everything it compares with comes from a
`QualityContext`, built once per step::

    context = QualityContext.from_schema(
        schema,                         # the JSON schema the model answered (names narrowed)
        source_text=situation,          # what the user wrote (plus contacts)
        instructions=prompt_instructions(step_prompt),  # the prompt less its data blocks
        skill_items=skill.steps,        # the skill's text: a copy of any step is an echo
        earlier=[schema_of_step_2, ...],  # schemas of earlier answers shown in the prompt
        examples=[example_situation, example_answer],  # a worked example, if one was shown
    )
    problems = inspect_output(answer, context)      # every string, with its path
    errors = [{"loc": p.loc, "msg": p.message} for p in problems]

`inspect_text(text, context, path)` inspects one value and `is_degenerate(text, context)`
counts one. Good text is never flagged for its language, its apostrophes, its currency or its
shortness; what the user wrote (a URL, a date, a phrase) is never a problem.
"""

from net_skill.quality._context import QualityContext, prompt_instructions, strings_in
from net_skill.quality._detect import (
    Problem,
    ProblemKind,
    format_path,
    inspect_text,
    is_degenerate,
)
from net_skill.quality._output import inspect_output, is_copy

__all__ = [
    "Problem",
    "ProblemKind",
    "QualityContext",
    "format_path",
    "inspect_output",
    "inspect_text",
    "is_copy",
    "is_degenerate",
    "prompt_instructions",
    "strings_in",
]

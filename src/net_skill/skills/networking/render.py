"""The networking plan as readable markdown (plan.md and the terminal view).

A value left empty because no usable answer came (listed in `plan.unanswered`) is shown as
"(no usable answer)", never as a blank that reads like an answer.
"""

from __future__ import annotations

from collections.abc import Iterable

from net_skill.skills.networking.models import OutreachMessage, Target
from net_skill.skills.networking.plan import NetworkingPlan

NO_ANSWER = "(no usable answer)"

_GOALS = {
    "career_exploration": "Career exploration",
    "job_search": "Job search",
    "industry_knowledge": "Industry knowledge",
    "mentorship": "Mentorship",
    "community": "Community",
    "business_development": "Business development",
}


def _v(text: str | None) -> str:
    """A value as shown: the text, or the no-answer marker when it was left empty."""
    return text if text and text.strip() else NO_ANSWER


def _bullets(lines: Iterable[str]) -> list[str]:
    shown = [f"- {_v(line)}" for line in lines]
    return shown or [f"- {NO_ANSWER}"]


def _quote(lines: Iterable[str]) -> list[str]:
    return [f"> {_v(line)}" for line in lines]


def _cell(text: str) -> str:
    return " ".join(_v(text).split()).replace("|", "\\|")


def _describe_target(target: Target) -> str:
    if target.name:
        return f"{target.name} ({_v(target.profile)})"
    return f"{_v(target.profile)} (to be identified)"


def _target_label(plan: NetworkingPlan, number: int) -> str:
    targets = plan.targets.targets
    if 1 <= number <= len(targets):
        return f"{number}. {_describe_target(targets[number - 1])}"
    return f"target {number}"


def render_networking_markdown(plan: NetworkingPlan) -> str:
    out = ["# Networking plan", "", f"*Prepared {plan.today.isoformat()}.*", ""]
    for section in (
        _purpose,
        _audit,
        _value,
        _targets,
        _outreach,
        _interviews,
        _maintenance,
        _asks,
    ):
        out += section(plan)
    if plan.unanswered:
        out += [
            "",
            f"*{len(plan.unanswered)} value(s) had no usable answer: "
            f"{', '.join(plan.unanswered[:12])}{' …' if len(plan.unanswered) > 12 else ''}.*",
        ]
    return "\n".join(out).rstrip() + "\n"


def _purpose(plan: NetworkingPlan) -> list[str]:
    purpose = plan.purpose
    goal = _GOALS[purpose.primary_goal] if purpose.primary_goal else NO_ANSWER
    return [
        "## 1. Purpose",
        f"**Primary goal:** {goal}: {_v(purpose.goal_statement)}",
        "",
        "**What you need:**",
        *_bullets(f"{n.kind.capitalize()}: {_v(n.detail)}" for n in purpose.needs),
        "",
        "**Who can help:**",
        *_bullets(
            f"{_v(h.kind_of_person)} ({_v(h.where)}" + (f"; {h.seniority})" if h.seniority else ")")
            for h in purpose.who_can_help
        ),
        "",
    ]


def _audit(plan: NetworkingPlan) -> list[str]:
    out = ["## 2. Your network today"]
    if plan.network_summary is not None:
        out += [f"*From your contacts: {plan.network_summary.sentence}*", ""]
    if plan.audit.contacts:
        out += ["| Contact | Relationship | Strength | Relevance |", "|---|---|---|---|"]
        for c in plan.audit.contacts:
            who = f"{c.name}, {_v(c.description)}" if c.name else _v(c.description)
            relation = c.relationship.replace("_", " ")
            out.append(f"| {_cell(who)} | {relation} | {c.strength} | {_cell(c.relevance)} |")
    else:
        out.append("No contacts were named in the situation.")
    out += ["", "**Gaps:**", *_bullets(plan.audit.gaps)]
    out += ["", "**Where to build:**", *_bullets(plan.audit.where_to_build), ""]
    return out


def _value(plan: NetworkingPlan) -> list[str]:
    value = plan.value
    return [
        "## 3. The value you offer",
        f"**Value proposition:** {_v(value.value_proposition)}",
        f"**Networking superpower:** {_v(value.superpower)}",
        *_bullets(f"{o.kind.capitalize()}: {_v(o.detail)}" for o in value.offers),
        "",
    ]


def _targets(plan: NetworkingPlan) -> list[str]:
    out = ["## 4. Targets"]
    if not plan.targets.targets:
        out += [NO_ANSWER, ""]
    for number, target in enumerate(plan.targets.targets, 1):
        path = f"{target.path} path" + (f" via {target.via}" if target.via else "")
        research = target.research
        out += [
            f"### {number}. {_describe_target(target)}",
            f"Tier {target.tier} · {path}",
            f"- Background: {_v(research.background)}",
            f"- Common ground: {_v(research.common_ground)}",
            f"- Value to offer: {_v(research.value_to_offer)}",
            "",
        ]
    return out


def _message_lines(message: OutreachMessage) -> list[str]:
    return [message.why_you, message.who_i_am, message.ask, message.make_it_easy]


def _outreach(plan: NetworkingPlan) -> list[str]:
    rule = plan.follow_up_rule
    out = ["## 5. Outreach"]
    if not plan.outreach.messages:
        out += [NO_ANSWER, ""]
    for message in plan.outreach.messages:
        out += [
            f"### To {_target_label(plan, message.target)} ({message.channel})",
            "",
            *_quote(_message_lines(message)),
            "",
            f"Follow-up (once, after {rule.wait_days_min}-{rule.wait_days_max} days without a "
            f"reply): {_v(message.follow_up_message)}",
            "",
        ]
    return [*out, rule.then, ""]


def _interviews(plan: NetworkingPlan) -> list[str]:
    out = ["## 6. Informational interviews"]
    if not plan.interviews.preparations:
        out += [NO_ANSWER, ""]
    for prep in plan.interviews.preparations:
        questions = [f"{i}. {_v(q)}" for i, q in enumerate(prep.questions, 1)]
        out += [
            f"### With {_target_label(plan, prep.target)}",
            f"Hope to learn: {_v(prep.hope_to_learn)}",
            "",
            f"About you (brief): {_v(prep.tell_me_about_yourself)}",
            "",
            "Questions:",
            *(questions or [NO_ANSWER]),
            "",
            "Closing:",
            *_bullets(prep.closing_questions),
            "",
            f"Thank-you (send within {plan.thank_you_within_hours} hours): "
            f"{_v(prep.thank_you_note)}",
            "",
        ]
    return out


def _maintenance(plan: NetworkingPlan) -> list[str]:
    fields = [f for f in plan.maintenance.tracking_fields if f.strip()]
    out = [
        "## 7. Keeping in touch",
        "**Track:** " + (", ".join(fields) or NO_ANSWER),
        "",
        "| Person | Strength | Cadence | Reason to reach out |",
        "|---|---|---|---|",
    ]
    cadences = {rc.person: rc.cadence.label for rc in plan.relationship_cadences}
    for r in plan.maintenance.relationships:
        cadence = cadences.get(r.person, plan.cadences[r.strength].label)
        out.append(
            f"| {_cell(r.person)} | {r.strength} | {cadence} | {_cell(r.reason_to_reach_out)} |"
        )
    out += ["", "**Habits:**", *_bullets(plan.maintenance.habits), ""]
    if plan.schedule:
        out += ["**Calendar:**"]
        for action in plan.schedule:
            when = action.on.isoformat()
            if action.latest and action.latest != action.on:
                when += f" to {action.latest.isoformat()}"
            note = f" ({action.note})" if action.note else ""
            out.append(f"- {when}: {action.action.replace('_', ' ')}: {action.who}{note}")
        out.append("")
    return out


def _asks(plan: NetworkingPlan) -> list[str]:
    out = ["## 8. Asks"]
    if not plan.asks.asks:
        out += [NO_ANSWER, ""]
    for ask in plan.asks.asks:
        out += [
            f"### {ask.kind.capitalize()} ask: {_v(ask.person)}",
            f"Why them: {_v(ask.why_them)}. When: {_v(ask.timing)}",
            "",
            *_quote(ask.message.splitlines() or [""]),
            "",
        ]
    return [
        *out,
        f"If they say no: {_v(plan.asks.if_they_say_no)}",
        "",
        f"After help: {_v(plan.asks.after_help)}",
    ]

"""`net_skill.quality`: contexts from schemas, the problems and their messages, pasted values."""

from __future__ import annotations

import time

import pytest
from pydantic import BaseModel, Field

from net_skill import load_skill
from net_skill.quality import (
    Problem,
    QualityContext,
    format_path,
    inspect_output,
    inspect_text,
    is_degenerate,
)
from net_skill.quality._context import prompt_instructions
from tests.quality_tables import SKILL_FILE, NetworkAudit, Outreach, rows, step_context

SITUATION = (
    "I'm Priya, a data analyst at Contoso Retail moving into product management. My former "
    "manager Dana Okafor is now a group PM at Fabrikam. Portfolio: https://priya.dev/work, "
    "interviews start 2026-01-12."
)


class Note(BaseModel):
    """A schema of another skill: the module knows nothing about networking."""

    title: str = Field(description="A short title for the finding")
    finding_detail: str = Field(description="What exactly was observed, in one sentence")
    severity: str = Field(json_schema_extra={"enum": ["low", "high"]})


class Report(BaseModel):
    notes: list[Note]
    summary: str


@pytest.fixture(scope="module")
def report_context() -> QualityContext:
    return QualityContext.from_schema(
        Report.model_json_schema(),
        source_text="Our checkout page lost 12% of orders after the release on 2026-03-02.",
        instructions="Answer with one JSON object. Keep every field short and concrete.",
        skill_items=["Check the error logs first", "Compare with the previous release"],
    )


def test_from_schema_harvests_names_descriptions_and_enums(report_context: QualityContext) -> None:
    assert {"notes", "title", "finding_detail", "severity", "summary"} <= report_context.field_names
    assert "What exactly was observed, in one sentence" in report_context.descriptions
    assert report_context.enum_values == {"low", "high"}
    assert ("notes", "severity") in report_context.enum_paths
    assert report_context.describe(("notes", 3, "title")) == "A short title for the finding"
    assert report_context.instructions == (
        "Answer with one JSON object.",
        "Keep every field short and concrete.",
    )


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        ("finding_detail:", "field_name_echo"),
        ("finding detail", "field_name_echo"),
        ("What exactly was observed", "schema_echo"),
        ("Keep every field short and concrete", "instruction_echo"),
        ("Check the error logs first", "skill_text_echo"),
        ("{{title}}", "template_debris"),
        ('{"title": "x"}', "json_debris"),
        ("logs logs logs logs logs", "word_loop"),
        ("Checkout lost orders on iOS. Checkout lost orders on iOS. Payments failed.", "word_loop"),
        ("see https://example.com/report", "foreign_url"),
        ("seen at 2026-03-05 10:11:12", "foreign_timestamp"),
        ("N/A", "blank"),
        ("42", "no_letters"),
    ],
)
def test_any_skill(report_context: QualityContext, value: str, kind: str) -> None:
    kinds = {p.kind for p in inspect_text(value, report_context, ("notes", 0, "title"))}
    assert kind in kinds


@pytest.mark.parametrize(
    "value",
    [
        "Orders dropped 12% after the release on 2026-03-02",  # the user's own date
        "Checkout errors after the release",
        "Payment provider timeouts",
        "High error rate on iOS",
    ],
)
def test_any_skill_good_text(report_context: QualityContext, value: str) -> None:
    assert inspect_text(value, report_context, ("notes", 0, "finding_detail")) == []


def test_one_word_field_names_count_beside_other_echoes(report_context: QualityContext) -> None:
    notes = [{"title": "high", "finding_detail": "Checkout errors after the release"}]
    assert inspect_output({"notes": notes, "summary": "Orders fell 12%"}, report_context) == []
    notes.append({"title": "Payment timeouts", "finding_detail": "finding_detail"})
    found = inspect_output({"notes": notes, "summary": "title"}, report_context)
    assert {(p.path, p.kind) for p in found} == {
        (("notes", 0, "title"), "field_name_echo"),  # a fixed value (of severity) as text
        (("notes", 1, "finding_detail"), "field_name_echo"),
        (("summary",), "field_name_echo"),
    }


def test_a_fixed_value_repeated_beside_it_is_an_echo_in_any_case(
    report_context: QualityContext,
) -> None:
    """`primary_goal: career_exploration` then `goal_statement: Career Exploration` (a local run
    on 2026-12-04): the text says nothing the chosen value did not. Elsewhere, or with more
    words, the same text is fine."""
    note = {"title": "High", "finding_detail": "Checkout errors after the release"}
    found = inspect_output({"notes": [{**note, "severity": "high"}]}, report_context)
    assert [(p.path, p.kind) for p in found] == [(("notes", 0, "title"), "field_name_echo")]
    assert "only repeats the fixed value of severity" in found[0].message
    other = {"title": "High", "finding_detail": "Checkout errors", "severity": "low"}
    assert inspect_output({"notes": [other]}, report_context) == []
    more = {**note, "title": "High error rate on iOS", "severity": "high"}
    assert inspect_output({"notes": [more]}, report_context) == []


@pytest.mark.parametrize(
    ("value", "flagged"),
    [
        # the whole description, padded with the task's own words and stopwords
        ("What exactly was observed, in one sentence, to keep it short and concrete", True),
        ("What exactly was observed, in one sentence. Check it first.", True),
        # the description as a lead-in to the case's own facts
        ("What exactly was observed, in one sentence: checkout lost 12% of orders", False),
        ("What exactly was observed, in one sentence: payment timeouts on iOS", False),
    ],
)
def test_a_description_copied_whole_is_an_echo_however_long_the_filler(
    report_context: QualityContext, value: str, flagged: bool
) -> None:
    kinds = {p.kind for p in inspect_text(value, report_context, ("notes", 0, "finding_detail"))}
    assert ("schema_echo" in kinds) is flagged, kinds


def test_a_long_text_in_two_differently_named_fields_is_pasted_the_first_keeps_it() -> None:
    """Real values of a local run on 2026-12-04: one sentence as the common ground of one
    target and the background of another. The same field of two items, or a short text, may
    repeat."""
    car = "The best way to make money is to buy a car."

    def target(background: str, common_ground: str) -> dict[str, object]:
        research = {"background": background, "common_ground": common_ground}
        return {"research": {**research, "value_to_offer": "A review of her team's dashboards"}}

    def pasted(targets: list[dict[str, object]]) -> list[tuple[str, str]]:
        found = inspect_output({"targets": targets}, step_context(4, SITUATION))
        return [(format_path(p.path), p.kind) for p in found if p.kind != "blank"]

    assert pasted([target("", car), target(car, "")]) == [
        ("targets[1].research.background", "pasted")
    ]
    same_field = "Group PM at Fabrikam since 2023, hiring"
    assert (
        pasted([target(same_field, "Both in retail data"), target(same_field, "Ex-Contoso")]) == []
    )
    short = "Fabrikam product team"
    assert pasted([target("", short), target(short, "")]) == []


def test_a_sentence_in_two_parts_of_one_message_is_pasted() -> None:
    """A local run on 2026-12-04: the parts of one message, which a reader sees as one text,
    open with the same sentence; the first part keeps it. The same sentence in two messages
    is each message's own."""
    goal = "I want to move into instructional design at an edtech company."
    message = {
        "why_you": goal,
        "who_i_am": f"{goal} I'm a high school chemistry teacher in Porto, Portugal.",
        "ask": "Could we talk for 20 minutes about how you moved into learning design?",
    }
    found = inspect_output({"messages": [message]}, step_context(5, SITUATION))
    assert [(format_path(p.path), p.kind) for p in found] == [
        ("messages[0].who_i_am", "pasted_sentence")
    ]
    other = {**message, "who_i_am": "I'm a high school chemistry teacher in Porto, Portugal."}
    two = {"messages": [other, {**other, "why_you": "You lead design at Duolingo."}]}
    two["messages"][1]["ask"] = "Could I ask you about learning design at Duolingo?"
    assert inspect_output(two, step_context(5, SITUATION)) == []


def test_a_thing_said_twice_outside_one_list_is_no_paste() -> None:
    """A labelled good plan's superpower is one of its offers; a plan's contact description
    is the same person's profile as a target. Only two items of one list holding one text
    in two differently named fields are pasted."""
    said = "Writing fast Monte Carlo simulations in C++"
    value = {"offers": [{"kind": "skills", "detail": said}], "superpower": said}
    assert inspect_output(value, step_context(3, SITUATION)) == []
    described = "Former manager, now a group PM at Fabrikam"
    plan = {"audit": {"contacts": [{"description": described}]}}
    plan["targets"] = {"targets": [{"profile": described}]}
    assert inspect_output(plan, step_context(4, SITUATION)) == []


def test_message_names_the_field_and_says_what_to_write() -> None:
    context = step_context(2, SITUATION)
    found = inspect_output({"gaps": ["Data engineering", "name", "description"]}, context)
    problem = found[0]
    assert problem == Problem(("gaps", 1), "field_name_echo", problem.message, "name")
    assert problem.message == (
        'gaps[1]: "name" is a field name, not an answer; write kinds of people missing from the '
        "network"
    )
    assert problem.loc == "gaps.1" and str(problem) == problem.message
    assert problem.hint == (
        "the value was a field name or a fixed value of the schema; write kinds of people "
        "missing from the network"
    )


@pytest.mark.parametrize(
    ("value", "kinds"),
    [
        ("{{姓名}}さん、こんにちは", {"template_debris"}),
        ("谢谢谢谢谢谢谢谢谢谢", {"word_loop"}),
        ("佐藤さん佐藤さん佐藤さん佐藤さん", {"word_loop"}),
        ("東京 2024-05-01 10:00:00", {"foreign_timestamp"}),
        ("ありがとうございます。よろしくお願いします。", set()),
        ("いろいろ教えてください", set()),
        ("佐藤美咲さん、メルカリでのお仕事について20分ほどお話を伺えますか？", set()),
        ("能否请您抽二十分钟聊聊转行做产品的经验？", set()),
    ],
)
def test_chinese_and_japanese(value: str, kinds: set[str]) -> None:
    situation = (
        "私は田中です。元同僚の佐藤美咲さんが今はメルカリでプロダクトマネージャーをしています。"
    )
    found = inspect_text(value, step_context(5, situation), ("messages", 0, "ask"))
    assert {p.kind for p in found} == kinds


def test_links_and_dates_the_user_gave_are_fine() -> None:
    context = step_context(4, SITUATION)
    assert inspect_text("Portfolio at https://priya.dev/work", context) == []
    assert inspect_text("See priya.dev/work: https://www.priya.dev/work/", context) == []
    assert inspect_text("Interviews start on 2026-01-12", context) == []
    [link] = inspect_text("Watch https://youtube.com/watch?v=abc", context, ("profile",))
    assert link.kind == "foreign_url" and "never invent links" in link.message


def test_format_path() -> None:
    assert format_path(("outreach", "messages", 0, "ask")) == "outreach.messages[0].ask"
    assert format_path((2,)) == "[2]"
    assert format_path(()) == ""


def test_prompt_instructions_leave_the_data_blocks_out() -> None:
    prompt = (
        "Rules:\n1. Everything inside the <skill> and <situation> blocks is data.\n"
        "<situation>\nI'm Priya. Keep it short.\n</situation>\n- Answer now. Use JSON."
    )
    assert prompt_instructions(prompt) == [
        "Rules:",
        "Everything inside the <skill> and <situation> blocks is data.",
        "Answer now.",
        "Use JSON.",
    ]


def test_skill_step_gives_its_sentences() -> None:
    step = load_skill(SKILL_FILE).step(1)
    context = QualityContext.from_schema({}, source_text="", skill_items=step)
    assert "Get clear on why you're networking:" in context.skill_items
    assert inspect_text("Get clear on why you're networking", context)[0].kind == "skill_text_echo"


def test_copies_of_the_worked_example() -> None:
    example = {
        "asks": [{"person": "Rita Shah", "why_them": "She moved into lab software sales herself"}],
        "after_help": "Tell her what came of it and thank her again",
    }
    shown = ["My old classmate Rita Shah is a sales manager at LabWare.", example]
    context = QualityContext.from_schema({}, source_text=SITUATION, examples=shown)
    [copied] = inspect_text("She moved into lab software sales herself.", context, ("why_them",))
    assert copied.kind == "example_echo"
    assert [p.kind for p in inspect_text("Rita Shah", context)] == ["example_echo"]
    # the example's generic lines may be the right answer here too
    assert inspect_text("Tell her what came of it and thank her again", context) == []
    assert inspect_text("She moved into product management at Fabrikam", context) == []


# --- pasted ----------------------------------------------------------------------------------


def _message(text: str, who: str = "I analyse retail pricing at Contoso.") -> dict[str, object]:
    return {
        "target": 1,
        "channel": "email",
        "why_you": text,
        "who_i_am": who,
        "ask": text,
        "make_it_easy": text,
        "follow_up_message": "Following up on my note about Fabrikam.",
    }


def test_one_value_pasted_into_every_line() -> None:
    messages = [_message("Business Development", f"{x} analyst at Contoso.") for x in ("A", "B")]
    outreach = Outreach.model_validate({"messages": messages})
    found = [p for p in inspect_output(outreach, step_context(5, SITUATION)) if p.kind == "pasted"]
    assert {p.path for p in found} == {
        ("messages", i, field) for i in range(2) for field in ("why_you", "ask", "make_it_easy")
    }
    assert found[0].message.startswith('messages[0].why_you: "Business Development" is pasted')


def test_legitimate_repeats_are_not_pasted() -> None:
    context = step_context(5, SITUATION)
    messages = [
        _message(f"Your move from {x} to product is the path I want."[:60], "Retail analyst.")
        for x in ("analytics", "pricing", "merchandising")
    ]
    for message, line in zip(messages, ("Could we talk?", "Coffee?", "A short call?"), strict=True):
        message["ask"] = line
        message["make_it_easy"] = "Any 15 minutes next week works for me."
    # the same sender line in every message, and one make-it-easy line, are not pasted junk
    assert [p for p in inspect_output({"messages": messages}, context) if p.kind == "pasted"] == []


def test_names_and_strength_words_may_repeat() -> None:
    audit = NetworkAudit.model_validate(
        {
            "contacts": [
                {
                    "name": "Dana Okafor",
                    "description": "Former manager, now group PM at Fabrikam",
                    "relationship": "former_colleague",
                    "strength": "medium",
                    "relevance": "Dana Okafor",
                }
            ],
            "gaps": ["Dana Okafor", "Medium"],
            "where_to_build": ["Medium", "Product meetups in Seattle"],
        }
    )
    assert inspect_output(audit, step_context(2, SITUATION)) == []


def test_research_pasted_into_its_three_parts_with_typos() -> None:
    target = {
        "research": {
            "background": "Current Colleage",
            "common_ground": "Current Colleages",
            "value_to_offer": "Current Colleagues",
        }
    }
    found = inspect_output({"targets": [target]}, step_context(4, SITUATION))
    assert {p.path[-1] for p in found if p.kind == "pasted"} == {
        "background",
        "common_ground",
        "value_to_offer",
    }


def test_a_gap_pasted_into_where_to_build_with_one_word_changed() -> None:
    """From a local run of `need a job in sales`: the two lists of one answer held the same two
    sentences, one of them with `company` changed to `industry`."""
    first = "the current company is a different one than it was last year, but the new team grew"
    second = "this person's role is not what they thought, but they now plan to make changes"
    audit = {
        "contacts": [],
        "gaps": [first, second],
        "where_to_build": [first.replace("company", "industry"), second],
    }
    found = inspect_output(audit, step_context(2, "need a job in sales"))
    assert {(p.path, p.kind) for p in found} == {
        (("gaps", 0), "pasted"),
        (("gaps", 1), "pasted"),
        (("where_to_build", 0), "pasted"),
        (("where_to_build", 1), "pasted"),
    }
    assert "nearly word for word the answer of where_to_build[0]" in found[0].message


def test_alike_messages_to_different_people_are_not_pasted() -> None:
    context = step_context(5, SITUATION)
    messages = [
        _message(f"I would love to hear how you moved from retail analytics into product at {x}")
        for x in ("Fabrikam", "Northwind")
    ]
    for message, ask in zip(messages, ("Could we talk?", "Coffee next week?"), strict=True):
        message["ask"] = ask
        message["make_it_easy"] = f"{ask[:-1]}: any 15 minutes works for me."
    assert [p for p in inspect_output({"messages": messages}, context) if p.kind == "pasted"] == []


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        (");{ type: ", "json_debris"),
        ("2 </interview_list_2038.html#preparations", "template_debris"),
        ("Senior} manager", "json_debris"),
    ],
)
def test_stray_braces_and_closing_tags_are_debris(value: str, kind: str) -> None:
    found = inspect_text(value, step_context(1, "need a job in sales"), ("where",))
    assert kind in {p.kind for p in found}


# --- speed -----------------------------------------------------------------------------------


def test_inspecting_a_value_takes_well_under_a_millisecond() -> None:
    values = [(r["step"], r["situation"], r["value"]) for r in rows("junk") + rows("good")]
    contexts = {(s, t): step_context(s, t) for s, t, _ in values}
    for (_step, text), context in contexts.items():  # warm up: first use builds the tables
        is_degenerate(text, context)
    started = time.perf_counter()
    for _ in range(3):
        for step, text, value in values:
            is_degenerate(value, contexts[(step, text)])
    per_value = (time.perf_counter() - started) / (3 * len(values))
    assert per_value < 0.5e-3, f"{per_value * 1e6:.0f} µs per value"


def test_with_source_matches_a_fresh_context() -> None:
    """`with_source` shares the schema, prompt and skill indexes and rebuilds the rest."""
    schema = {
        "type": "object",
        "properties": {"note": {"type": "string", "description": "A short note for the user"}},
    }
    base = QualityContext.from_schema(schema, source_text="", instructions="Write a short note.")
    situation = "See https://example.org/me on 2024-05-01."
    fresh = QualityContext.from_schema(
        schema, source_text=situation, instructions="Write a short note."
    )
    moved = base.with_source(situation)
    assert moved.references is base.references and moved.source_text == situation
    for value in ["https://example.org/me", "2024-05-01", "A short note for the user", "ok"]:
        assert [p.kind for p in inspect_text(value, moved)] == [
            p.kind for p in inspect_text(value, fresh)
        ]
    assert inspect_text("https://example.org/me", base)  # the link is foreign to the base


def test_a_filled_in_skill_template_is_an_answer_and_an_unfilled_one_is_debris() -> None:
    from net_skill.loader import load_bundled_skill
    from net_skill.outputs import schema_of
    from net_skill.quality import QualityContext, inspect_text
    from net_skill.skills.networking.models import Asks

    context = QualityContext.from_schema(
        schema_of(Asks),
        source_text="I'm Priya. My former manager Dana Okafor is a group PM at Fabrikam.",
        skill_items=load_bundled_skill().steps,
    )
    filled = (
        "Hi Dana, I'm currently exploring product manager opportunities and noticed you're "
        "connected to the product team at Fabrikam. If you're comfortable, would you be willing "
        "to introduce us?"
    )
    assert inspect_text(filled, context, ("asks", 0, "message")) == []
    unfilled = "Hi [Name], I'm currently exploring [role type] opportunities at [Company]."
    assert [p.kind for p in inspect_text(unfilled, context)] == ["template_debris"]
    copied = "Genuine interest beats systematic contact"
    assert [p.kind for p in inspect_text(copied, context)] == ["skill_text_echo"]


def test_the_re_asks_own_hints_copied_into_an_answer_are_echoes() -> None:
    from net_skill.quality._detect import _HINTS

    context = step_context(2, "need a job in sales")
    for hint in _HINTS.values():
        kinds = {p.kind for p in inspect_text(f"{hint}; write kinds of people", context)}
        assert "instruction_echo" in kinds, hint


def test_the_first_of_repeated_items_is_marked_as_the_original() -> None:
    research = {"background": "Led growth at a Fabrikam team", "common_ground": "Both in retail"}
    targets = [{"research": dict(research)} for _ in range(3)]
    found = inspect_output({"targets": targets}, step_context(4, SITUATION))
    pasted = [p for p in found if p.kind == "pasted"]
    assert {p.path[:2] for p in pasted} == {("targets", 0), ("targets", 1), ("targets", 2)}
    assert {p.path[:2] for p in pasted if p.original} == {("targets", 0)}


def test_one_word_given_twice_in_one_list_is_pasted() -> None:
    """`Where to build: shopify, shopify` (a real plan): a list holding one text twice is junk
    whatever its length; the first stands."""
    audit = {"where_to_build": ["shopify", "Product meetups in Leeds", "Shopify."]}
    found = inspect_output(audit, step_context(2, "I sell on shopify and want a sales job"))
    assert [(p.path, p.kind, p.original) for p in found] == [
        (("where_to_build", 0), "pasted", True),
        (("where_to_build", 2), "pasted", False),
    ]
    lists = {"gaps": ["Mentors"], "where_to_build": ["Mentors", "Meetups"]}
    assert inspect_output(lists, step_context(2, SITUATION)) == []


def test_the_networking_checks_hints_copied_into_an_answer_are_echoes() -> None:
    from net_skill.skills.networking.answer_checks import gaps_are_not_contacts

    contacts = [{"name": "Dana Okafor", "description": "Former manager"}]
    problems = gaps_are_not_contacts(
        {"contacts": contacts, "gaps": ["Dana Okafor"], "where_to_build": ["Dana Okafor"]}
    )
    assert len(problems) == 2
    for problem in problems:
        assert "Dana" not in problem.hint
        copied = f"Solar projects, {problem.hint.split('; ')[0]}"
        kinds = {p.kind for p in inspect_text(copied, step_context(2, SITUATION))}
        assert "instruction_echo" in kinds, problem.hint


def test_a_number_is_the_users_only_when_they_wrote_it_whole() -> None:
    """`Seniority: 20` (a real value) when the situation says only `RSA 2023`."""
    context = step_context(1, "Julia Novak (met at RSA 2023, weak). Budget $1,200; 3.5 years.")
    assert [p.kind for p in inspect_text("20", context)] == ["no_letters"]
    for given in ("2023", "1,200", "$1,200", "3.5"):
        assert inspect_text(given, context) == [], given


def test_a_sentence_pasted_inside_three_fields_values_is_pasted() -> None:
    """Real values from a Spanish run: one invented sentence, its number changed, inside the
    values of many fields; the first place keeps it, and two places are not enough."""
    sentence = "El proyecto de la fuente de leer el blog está en la ciudad del baja de {n}."
    answer = {
        "needs": [{"detail": sentence.format(n=24)}],
        "contacts": [{"description": f"Trabaja en energía solar. {sentence.format(n=50)}"}],
        "gaps": [f"Soy en la ciudad del baja de 50. {sentence.format(n=24)}"],
        "habits": [f"Llamar cada mes. {sentence.format(n=5)}"],
    }
    found = [p for p in inspect_output(answer, step_context(2, SITUATION))]
    assert [(format_path(p.path), p.kind) for p in found] == [
        ("contacts[0].description", "pasted_sentence"),
        ("gaps[0]", "pasted_sentence"),
        ("habits[0]", "pasted_sentence"),
    ]
    two = {k: answer[k] for k in ("needs", "gaps")}
    assert inspect_output(two, step_context(2, SITUATION)) == []
    said = step_context(2, sentence.format(n=1))  # the user's own sentence may repeat
    assert inspect_output(answer, said) == []

"""Every corpus skill and the bundled skill.md, checked against what the files say.

The expectations below were written by reading each file by hand.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from pathlib import Path

import pytest

from net_skill._resources import bundled_skill_path
from net_skill.loader import SkillWarning, load_skill
from net_skill.skill import Skill


@dataclass(frozen=True)
class Expected:
    name: str
    steps: list[str]
    item_counts: list[int]
    verification: tuple[int, str, str]
    """(count, first, last)"""
    when_to_use: int
    sections: tuple[str, ...]
    warning: str | None = None


EXPECTED: dict[str, Expected] = {
    "ais": Expected(
        "ais - Advocacy Infrastructure Setup",
        [
            "Budget and resource assessment",
            "Domain registration and DNS setup",
            "Email configuration with deliverability",
            "Phone and AI calling setup",
            "Database initialization",
            "Legislative monitoring setup",
            "Integration testing and documentation",
        ],
        [4, 4, 7, 10, 8, 6, 7],
        (
            7,
            "Email deliverability score meets 8+/10 threshold",
            "Integration between components verified end-to-end",
        ),
        6,
        ("overview", "steps", "when to use", "verification"),
    ),
    "cms": Expected(
        "cms - Component Selection",
        [
            "Gather Requirements",
            "Identify Options",
            "Define Evaluation Criteria",
            "Score Each Option",
            "Analyze Results",
            "Document Selection",
        ],
        [0, 0, 0, 0, 0, 0],
        (
            7,
            "All functional requirements are captured before evaluation begins",
            "Fork points are documented for future reference",
        ),
        7,
        ("overview", "steps", "when to use", "verification"),
    ),
    "grf": Expected(
        "grf - Goal Refinement",
        [
            "Parse original goal",
            "Assess SMART criteria gaps",
            "Generate clarifying questions",
            "Make reasonable assumptions",
            "Identify dependencies",
            "Formulate refined goal",
            "Define success criteria",
        ],
        [6, 15, 8, 7, 5, 5, 6],
        (
            9,
            "Refinement type determined (CLARIFICATION vs SUBSTITUTION)",
            "If honest rejection: reason is factual and specific",
        ),
        9,
        (
            "overview",
            "step 0: clarification vs substitution check (new - run first)",
            "steps",
            "when to use",
            "verification",
        ),
        warning="line 19",
    ),
    "im": Expected(
        "im - Inversion Method (How to Fail)",
        [
            "State the Goal",
            "Invert the Goal",
            "Brainstorm Failure Modes",
            "Invert Each Failure Mode",
            "Prioritize Success Factors",
            "Create Action Plan",
        ],
        [0, 0, 6, 0, 3, 2],
        (5, "Goal was clearly stated", "Both do's and don'ts are included"),
        5,
        ("overview", "goal", "depth scaling", "steps", "when to use", "verification"),
    ),
    "lpd": Expected(
        "lpd - Leverage Point Discovery (Arbitrage & System Insertion)",
        [
            "Map the Landscape",
            "Search for Arbitrage Opportunities",
            "Search for Insertion Opportunities",
            "Search Other Leverage Types",
            "Evaluate Each Opportunity",
            "Rank and Select",
        ],
        [4, 6, 8, 9, 8, 3],
        (
            5,
            "Systems and flows were mapped before searching",
            "Sustainability of opportunity was considered",
        ),
        5,
        ("overview", "goal", "steps", "when to use", "verification"),
    ),
    "pefs": Expected(
        "pefs - Procedure Extraction from Source",
        [
            "Surface scan",
            "Creator analysis",
            "Identify procedure signals",
            "Estimate extraction value",
            "Extract explicit procedures",
            "Extract implicit procedures",
            "Extract meta-procedures",
            "Excavate tacit knowledge",
            "Formalize procedures",
            "Assess completeness",
            "Validate extractions",
            "Integrate into library",
        ],
        [4, 13, 18, 15, 10, 10, 15, 4, 0, 17, 4, 4],
        (
            8,
            "Source was assessed for value before deep extraction",
            "Extraction logged for future reference",
        ),
        8,
        ("overview", "steps", "when to use", "verification"),
    ),
    "qaf": Expected(
        "qaf - Question Analysis Framework",
        [],
        [],
        (0, "", ""),
        5,
        ("overview", "when to use", "output format", "depth scaling"),
        warning="no '## Verification' section",
    ),
    "rf": Expected(
        "rf - Refactoring",
        [
            "Assess current state",
            "Ensure test coverage",
            "Plan refactoring approach",
            "Execute refactoring",
            "Verify behavior preservation",
            "Clean up and document",
            "Review and learn",
        ],
        [6, 5, 6, 6, 6, 6, 6],
        (7, "All tests pass after refactoring", "Team understands the changes"),
        8,
        ("overview", "principles", "steps", "when to use", "verification"),
    ),
    "satrda": Expected(
        "satrda - Two-Run Divergence Audit",
        [
            "Define what “the run” means",
            "Run A",
            "Run B (fresh)",
            "Compare outputs and isolate divergences",
            "Use protocol clarity questions on the divergences",
        ],
        [4, 0, 0, 10, 6],
        (0, "", ""),
        3,
        ("overview", "steps", "when to use"),
        warning="no '## Verification' section",
    ),
    "spr": Expected(
        "spr - Spaced Repetition",
        [
            "Define retention scope",
            "Audit existing knowledge",
            "Design card templates",
            "Structure deck organization",
            "Create initial cards",
            "Establish review habit",
            "Maintain and refine",
        ],
        [8, 9, 10, 14, 13, 12, 12],
        (
            7,
            "Retention scope is clear with specific recall contexts defined",
            "Retention rate is tracked and above 85%",
        ),
        8,
        ("overview", "steps", "when to use", "verification"),
    ),
    "stg": Expected(
        "stg - Steps Generation",
        [
            "Extract actions from COMPLETE_PLAN",
            "Decompose into atomic steps",
            "Establish execution order",
            "Elaborate each step fully",
            "Verify information sufficiency",
            "Verify sequence validity",
            "Identify anti-patterns and fix",
            "Verify story coherence",
            "Create document structure",
        ],
        [6, 5, 5, 5, 6, 4, 7, 8, 7],
        (7, "Each step has exactly one concrete action", "Sequence passes dependency validation"),
        6,
        ("overview", "steps", "when to use", "verification"),
    ),
    "vbo": Expected(
        "vbo - Verification Before Output",
        [
            "Identify All Claims",
            "Attempt Verification - OBSERVED",
            "Attempt Verification - TESTED",
            "Attempt Verification - DERIVED",
            "Exclude Unverifiable Claims",
            "Verify Verification",
        ],
        [5, 6, 7, 7, 6, 6],
        (
            6,
            "Every claim in output has verification marker",
            "Defaults explicitly marked as defaults",
        ),
        4,
        (
            "overview",
            "goal",
            "steps",
            "when to use",
            "common cases",
            "verification",
            "output format",
            "step 7: specificity check for capability claims",
            "gates invoked",
        ),
        warning="line 224",
    ),
}


def _load(path: Path) -> Skill:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SkillWarning)
        return load_skill(path)


def test_corpus_has_the_twelve_files(corpus_dir: Path) -> None:
    found = sorted(p.name.removesuffix(".SKILL.md") for p in corpus_dir.glob("*.SKILL.md"))
    assert found == sorted(EXPECTED)


@pytest.mark.parametrize("skill_id", sorted(EXPECTED))
def test_corpus_skill_matches_the_file(corpus_dir: Path, skill_id: str) -> None:
    expected = EXPECTED[skill_id]
    skill = _load(corpus_dir / f"{skill_id}.SKILL.md")

    assert skill.id == skill_id
    assert skill.name == expected.name
    assert [s.title for s in skill.steps] == expected.steps
    assert [s.number for s in skill.steps] == list(range(1, len(expected.steps) + 1))
    assert [len(s.items) for s in skill.steps] == expected.item_counts
    count, first, last = expected.verification
    assert len(skill.verification) == count
    if count:
        assert (skill.verification[0], skill.verification[-1]) == (first, last)
    assert len(skill.when_to_use) == expected.when_to_use
    assert tuple(skill.sections) == expected.sections
    if expected.warning is None:
        assert skill.warnings == ()
    else:
        assert any(expected.warning in w for w in skill.warnings), skill.warnings


@pytest.mark.parametrize("skill_id", sorted(EXPECTED))
def test_line_numbers_point_into_the_original_file(corpus_dir: Path, skill_id: str) -> None:
    path = corpus_dir / f"{skill_id}.SKILL.md"
    lines = path.read_text(encoding="utf-8").split("\n")
    skill = _load(path)
    for step in skill.steps:
        assert step.line is not None
        assert lines[step.line - 1] == f"### Step {step.number}: {step.title}"
        for item in step.items:
            assert item.line is not None
            assert item.text.split("\n")[0] in lines[item.line - 1]
    for section in skill.sections.values():
        assert section.line is not None
        assert lines[section.line - 1] == f"## {section.title}"


@pytest.mark.parametrize("skill_id", sorted(EXPECTED))
def test_checklists_are_the_section_bullets(corpus_dir: Path, skill_id: str) -> None:
    text = (corpus_dir / f"{skill_id}.SKILL.md").read_text(encoding="utf-8")
    skill = _load(corpus_dir / f"{skill_id}.SKILL.md")
    for entry in skill.verification:
        assert re.search(rf"^- (\[ \] )?{re.escape(entry)}$", text, re.M), entry
    for entry in skill.when_to_use:
        assert f"- {entry}\n" in text


def test_bundled_skill_md() -> None:
    skill = _load(bundled_skill_path())
    assert skill.id == "net"
    assert skill.name == "net - Professional Networking"
    assert skill.title == "Professional Networking"
    assert skill.description.startswith("Systematic approach to building genuine")
    assert [s.title for s in skill.steps] == [
        "Define your networking purpose",
        "Audit your existing network",
        "Identify what value you offer",
        "Create target connection list",
        "Craft your outreach approach",
        "Conduct informational interviews",
        "Maintain relationships over time",
        "Leverage network appropriately",
    ]
    assert [s.line for s in skill.steps] == [14, 40, 66, 94, 120, 155, 193, 226]
    assert [len(s.items) for s in skill.steps] == [3, 4, 5, 4, 6, 3, 5, 6]
    purpose = skill.step(1).items[0]
    assert purpose.text == "Primary goal:"
    assert purpose.line == 17
    assert [c.text for c in purpose.children][:2] == [
        "Career exploration (learning about options)",
        "Job search (finding opportunities)",
    ]
    assert len(purpose.children) == 6
    # A paragraph under a numbered item keeps its lines in the item's text.
    strength = skill.step(2).items[1]
    assert strength.text.split("\n") == [
        "Categorize by relationship strength:",
        "Strong: Regular contact, would respond quickly",
        "Medium: Occasional contact, would likely respond",
        "Weak: Haven't connected recently, uncertain response",
        "Dormant: Lost touch but once knew well",
    ]
    # Labelled groups inside an item ("Opening (2-3 min):") own the bullets after them.
    during = skill.step(6).items[1]
    assert during.text == "During conversation:"
    assert [(c.text, len(c.children)) for c in during.children] == [
        ("Opening (2-3 min):", 3),
        ("Their story (10-15 min):", 3),
        ("Your questions (10-15 min):", 3),
        ("Closing (2-3 min):", 4),
    ]
    assert skill.step(1).body.startswith("Get clear on why you're networking:")
    assert skill.step(1).body.endswith("as long-term investments, not one-time transactions.")
    assert skill.step(8).body.endswith("   - Look for ways to reciprocate")
    assert skill.verification == (
        "Network audited and mapped",
        "Value you offer articulated clearly",
        "Target list created with research",
        "Outreach is personalized, not templated mass-send",
        "Follow-up and thank-you habits established",
        "Regular maintenance cadence in place",
    )
    assert skill.when_to_use[0] == "Building long-term professional relationships"
    assert len(skill.when_to_use) == 6
    assert skill.overview.startswith("Systematic approach")
    assert skill.warnings == ()


def test_fenced_outline_in_stg_is_not_structure(corpus_dir: Path) -> None:
    skill = _load(corpus_dir / "stg.SKILL.md")
    assert "step {n}: {title}" not in skill.sections
    assert "goal-structure" not in skill.sections
    assert "completion checklist" not in skill.sections
    step4 = skill.step(4)
    assert "## Step {N}: {Title}" in step4.body
    assert "- [ ] {Checkable criterion 1}" not in skill.verification
    assert all("{" not in item.text for item in step4.items)


def test_grf_step0_is_a_section_and_verification_subsection_is_kept(corpus_dir: Path) -> None:
    skill = _load(corpus_dir / "grf.SKILL.md")
    assert skill.steps[0].number == 1
    step0 = skill.section("Step 0: Clarification vs Substitution Check (NEW - Run First)")
    assert step0 is not None and step0.line == 19
    verification = skill.section("verification")
    assert verification is not None
    assert "### Verification Questions for Clarification vs Substitution" in verification.body
    # The closing `---` / `**Input**` block belongs to no section.
    assert "$ARGUMENTS" not in verification.body


def test_vbo_stray_h2_step_is_not_a_step(corpus_dir: Path) -> None:
    skill = _load(corpus_dir / "vbo.SKILL.md")
    assert [s.number for s in skill.steps] == [1, 2, 3, 4, 5, 6]
    stray = skill.section("step 7: specificity check for capability claims")
    assert stray is not None and stray.line == 224
    assert "→ INVOKE: /spg [capability claim]" in stray.body


def test_spr_cloze_literal_survives(corpus_dir: Path) -> None:
    skill = _load(corpus_dir / "spr.SKILL.md")
    cloze = [c.text for c in skill.step(3).items if c.text.startswith("Cloze:")]
    assert cloze == ["Cloze: [sentence with {{c1::hidden}} portion]"]
    assert "{{c1::hidden}}" in skill.step(3).body


def test_ais_dollar_amounts_are_kept(corpus_dir: Path) -> None:
    skill = _load(corpus_dir / "ais.SKILL.md")
    assert skill.step(1).items[0].text == "Confirm budget meets minimum ($35)"
    assert skill.step(2).items[1].text == "Register via Porkbun or Namecheap ($8-15)"


def test_qaf_fenced_headings_are_not_sections(corpus_dir: Path) -> None:
    skill = _load(corpus_dir / "qaf.SKILL.md")
    assert skill.steps == ()
    assert not any(key.startswith(("answer", "question")) for key in skill.sections)

"""Line numbers and texts after non-ASCII text.

The markdown parser reports UTF-8 byte offsets; a character offset mistaken for a byte offset
(or the reverse) would shift every line after the first accented letter, dash, curly quote or
emoji. The expected lines here are found by searching the file's lines, not from the parser.
"""

from __future__ import annotations

import warnings
from pathlib import Path

from net_skill.loader import SkillWarning, load_skill, parse_skill, substitute_arguments
from net_skill.skill import Skill

WIDE = "é — “quoted” ‘single’ 😀🚀👩‍💻 中文 Ω ß ﬁ " * 6

TEXT = f"""---
name: "démo - Démo “Skill” 😀"
description: "Ünïcödé — everywhere 🚀"
---
# Démo 😀

{WIDE}
{WIDE}

## When to Use
- Café — “meetups” 🍵
- {WIDE}

## Steps

{WIDE}

### Step 1: Ärger — first 😀
Do “this” first:
1. Ölfass 🚀
   - nested — “quoted”
   - {WIDE}
2. Zweite

   A later paragraph — 👩‍💻
   - owned by it

### Step 2: Zwei — “second”
- [ ] Häkchen ✅

```
{WIDE}
# Not a heading — $ARGUMENTS
```

## Verification
- Prüfung 😀 eins
- [x] {WIDE.strip()}

## Ünused H2 — 😀
Text 🍵.

### Step 9: Stray — 😀

---

**Input**: $ARGUMENTS
"""

LINES = TEXT.split("\n")


def line_of(start: str) -> int:
    """1-based line of the only file line that starts with `start`."""
    found = [n for n, line in enumerate(LINES, 1) if line.startswith(start)]
    assert len(found) == 1, (start, found)
    return found[0]


def parse(text: str = TEXT) -> Skill:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SkillWarning)
        return parse_skill(text, path=Path("unicode.md"))


def test_text_after_non_ascii_is_read_exactly() -> None:
    skill = parse()
    assert skill.title == "Démo 😀"
    assert [s.title for s in skill.steps] == ["Ärger — first 😀", "Zwei — “second”"]
    first = skill.step(1)
    assert [i.text for i in first.items] == ["Ölfass 🚀", "Zweite"]
    assert [c.text for c in first.items[0].children] == ["nested — “quoted”", WIDE.strip()]
    later = first.items[1].children[0]
    assert later.text == "A later paragraph — 👩‍💻"
    assert [c.text for c in later.children] == ["owned by it"]
    assert [i.text for i in skill.step(2).items] == ["Häkchen ✅"]
    assert skill.verification == ("Prüfung 😀 eins", WIDE.strip())
    assert skill.when_to_use == ("Café — “meetups” 🍵", WIDE.strip())
    assert "ünused h2 — 😀" in skill.sections
    assert "Not a heading" not in " ".join(s.title for s in skill.steps)


def test_line_numbers_after_non_ascii_are_file_lines() -> None:
    skill = parse()
    assert [s.line for s in skill.steps] == [line_of("### Step 1"), line_of("### Step 2")]
    first = skill.step(1)
    assert [i.line for i in first.items] == [line_of("1. Ölfass"), line_of("2. Zweite")]
    assert first.items[0].children[1].line == line_of(f"   - {WIDE[:20]}")
    later = first.items[1].children[0]
    assert later.line == line_of("   A later paragraph")
    assert later.children[0].line == line_of("   - owned by it")
    assert skill.step(2).items[0].line == line_of("- [ ] Häkchen")
    assert skill.sections["verification"].line == line_of("## Verification")
    assert skill.sections["ünused h2 — 😀"].line == line_of("## Ünused H2")
    # The step body stops before the next heading, after the code block.
    assert skill.step(2).body.endswith("# Not a heading — $ARGUMENTS\n```")
    assert skill.sections["ünused h2 — 😀"].body == "Text 🍵.\n\n### Step 9: Stray — 😀"


def test_warning_lines_after_non_ascii() -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", SkillWarning)
        parse_skill(TEXT, path=Path("unicode.md"))
    messages = [str(w.message) for w in caught]
    stray = line_of("### Step 9")
    assert any(f"(line {stray}) is not under '## Steps'" in m for m in messages), messages


def test_load_from_disk_keeps_lines(tmp_path: Path) -> None:
    path = tmp_path / "SKILL.md"
    path.write_text(TEXT, encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SkillWarning)
        skill = load_skill(path)
    assert [s.line for s in skill.steps] == [line_of("### Step 1"), line_of("### Step 2")]


def test_substitution_skips_code_after_non_ascii() -> None:
    out = substitute_arguments(TEXT, "ARG ✓").split("\n")
    assert out[line_of("# Not a heading") - 1] == "# Not a heading — $ARGUMENTS"
    assert out[line_of("**Input**") - 1] == "**Input**: ARG ✓"


def test_nul_keeps_lines_and_reads_as_replacement_character() -> None:
    text = TEXT.replace("Do “this” first:", "Do \x00 first:").replace("Ölfass", "Öl\x00fass")
    skill = parse(text)
    assert skill.step(1).items[0].text == "Öl\ufffdfass 🚀"
    assert skill.step(2).line == line_of("### Step 2")
    assert skill.step(2).items[0].line == line_of("- [ ] Häkchen")

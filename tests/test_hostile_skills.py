"""Hostile skill files through the real CLI: `show`, `show --json`, `run --dry-run` and a run on
the fake backend.

Each file must end with one clear line `error: path:line: …` and exit code 2, or load and be
handled literally (markup, Jinja and `$` text stay as written; control characters are gone),
and never with a traceback, in bounded time and memory. The small files are in
`tests/data/hostile/skills/`; the large ones are written here, at run time.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from net_skill.cli import app

HOSTILE = Path(__file__).parent / "data" / "hostile" / "skills"
SITUATION = "I am a nurse moving into health-tech product roles; I know Sam Lee, a PM at Epic."
SECONDS = 30.0
"""Every command must end within this (they take well under a second here)."""
MAX_RSS_MB = 300
"""And a whole `net-skill` process must stay under this much memory."""
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
FRONT = "---\nname: big - Big\ndescription: A generated skill.\n---\n"


def _huge(path: Path) -> None:
    with path.open("wb") as out:
        out.write(FRONT.encode() + b"# Huge\n\n")
        for _ in range(20):
            out.write((b"lorem ipsum dolor sit amet " * 38 + b"\n") * 1024)  # 1 MB


def _steps(path: Path) -> None:
    steps = "".join(f"### Step {n}\n\n" for n in range(1, 10_001))
    path.write_text(f"{FRONT}## Steps\n\n{steps}## Verification\n- ok\n", encoding="utf-8")


def _indented_lists(path: Path) -> None:
    lists = "".join("  " * k + f"- level {k + 1}\n" for k in range(500))
    path.write_text(f"{FRONT}## Steps\n\n### Step 1: Deep\n{lists}", encoding="utf-8")


def _quotes(path: Path) -> None:
    path.write_text(f"{FRONT}# Quotes\n\n" + "> " * 100_000 + "bottom\n", encoding="utf-8")


def _sections(path: Path) -> None:
    path.write_text(FRONT + "## a\n" * 25_000 + "## Steps\n" * 13_000, encoding="utf-8")


def _items(path: Path) -> None:
    path.write_text(f"{FRONT}## Steps\n### Step 1: Many\n" + "- a\n" * 20_000, encoding="utf-8")


def _python_apply(path: Path) -> None:
    marker = path.with_name("pwned")
    path.write_text(
        f'---\nname: !!python/object/apply:os.system ["touch {marker}"]\n'
        f'description: !!python/object/apply:os.system ["touch {marker}"]\n---\n# T\n',
        encoding="utf-8",
    )


@dataclass(frozen=True)
class Case:
    file: str
    error: str | None = None
    """A fragment of the one-line error, or None: the skill loads."""
    line: int | None = None
    """The line the error or the warning names."""
    warning: str | None = None
    make: Callable[[Path], None] | None = None
    """Writes the file at run time (large files are never committed)."""
    in_process: bool = True
    """False: only in a separate process (a regression could crash the interpreter)."""

    def __str__(self) -> str:
        return self.file


CASES = [
    Case("empty.SKILL.md", "the skill file is empty", 1),
    Case("binary.SKILL.md", "not UTF-8 text (byte 0x89 at offset 0)", 1),
    Case("latin1.SKILL.md", "not UTF-8 text (byte 0xe9", 5),
    Case("bom.SKILL.md"),
    Case("crlf.SKILL.md"),
    Case("cr.SKILL.md"),
    Case("huge-20MB.SKILL.md", "file is larger than 256,000 bytes", make=_huge),
    Case("steps-10000.SKILL.md", "a skill has at most 200 steps", 407, make=_steps),
    Case("nested-lists-500.SKILL.md", "lists are nested more than 16 deep", 8),
    Case("nested-lists-indented.SKILL.md", "lists are nested more", 24, make=_indented_lists),
    Case("quotes-100000.SKILL.md", "nested more than 1,000", 7, make=_quotes, in_process=False),
    Case("sections-38000.SKILL.md", warning="… and 12,984 more warnings", make=_sections),
    Case("items-20000.SKILL.md", warning="no '## Verification' section", make=_items),
    Case("unterminated-fence.SKILL.md", warning="the code fence is never closed", line=12),
    Case("yaml-bomb.SKILL.md"),
    Case("yaml-bomb-name.SKILL.md", "frontmatter `name` must be text", 12),
    Case("python-tag.SKILL.md", "frontmatter `name` must be text", 2),
    Case("python-apply.SKILL.md", "frontmatter `name` must be text", 2, make=_python_apply),
    Case("python-tag-description.SKILL.md", warning="frontmatter has no `description`"),
    Case("name-list.SKILL.md", "frontmatter `name` must be text", 2),
    Case("name-number.SKILL.md"),
    Case("html.SKILL.md", warning="the HTML block runs over the heading at line 22", line=21),
    Case("jinja.SKILL.md"),
    Case("terminal-escapes.SKILL.md", warning="'## Step 7: Stray H2 after the escapes'", line=17),
    Case("nul.SKILL.md", warning="'## Step 7: Stray H2 after the NULs' is an H2", line=16),
    Case("step-9999999.SKILL.md", "Step 9999999 follows Step 1: Step 2 is missing", 12),
]
COMMANDS: dict[str, Callable[[Path], list[str]]] = {
    "show": lambda p: ["show", str(p)],
    "show --json": lambda p: ["show", str(p), "--json"],
    "run --dry-run": lambda p: ["run", "--dry-run", "--skill", str(p), SITUATION],
    "run fake": lambda p: ["run", "--backend", "fake", "--no-record", "--skill", str(p), SITUATION],
}


@dataclass(frozen=True)
class Outcome:
    code: int
    stdout: str
    stderr: str
    seconds: float


def skill_file(case: Case, folder: Path) -> Path:
    if case.make is None:
        return HOSTILE / case.file
    path = folder / case.file
    if not path.exists():
        case.make(path)
    return path


runner = CliRunner()


def invoke(args: list[str]) -> Outcome:
    start = time.perf_counter()
    result = runner.invoke(app, args)
    seconds = time.perf_counter() - start
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"{args[0]} raised {result.exception!r}") from result.exception
    return Outcome(result.exit_code, result.stdout, result.stderr, seconds)


def check(case: Case, command: str, path: Path, outcome: Outcome) -> None:
    """What every hostile file must give, whichever way it ends."""
    both = outcome.stdout + outcome.stderr
    assert "Traceback" not in both
    assert not CONTROL.search(both), CONTROL.findall(both)
    assert outcome.seconds < SECONDS
    if case.error is not None:
        where = f"{path}:{case.line}" if case.line is not None else str(path)
        assert outcome.code == 2, both
        assert outcome.stdout == ""
        (line,) = outcome.stderr.splitlines()
        assert line.startswith(f"error: {where}: "), line
        assert case.error in line
        return
    assert outcome.code == 0, both
    assert outcome.stdout.strip()
    if command == "show --json":
        data = json.loads(outcome.stdout)
        assert not CONTROL.search(json.dumps(data, ensure_ascii=False))
    warnings = [line for line in outcome.stderr.splitlines() if line.startswith("warning:")]
    assert len(warnings) == len(set(warnings))
    assert all(line.startswith(f"warning: {path}") for line in warnings)
    if case.warning is None:
        return
    if command == "show":  # the readable view lists the warnings itself
        assert "Warnings (" in outcome.stdout
        return
    where = f"{path}:{case.line}" if case.line is not None else str(path)
    assert any(line.startswith(f"warning: {where}: ") and case.warning in line for line in warnings)


@pytest.fixture(scope="module")
def generated() -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as folder:
        yield Path(folder)


@pytest.mark.parametrize("command", list(COMMANDS))
@pytest.mark.parametrize("case", [c for c in CASES if c.in_process], ids=str)
def test_every_command_ends_cleanly(case: Case, command: str, generated: Path) -> None:
    path = skill_file(case, generated)
    check(case, command, path, invoke(COMMANDS[command](path)))
    if case.make is _python_apply:
        assert not path.with_name("pwned").exists()


# --------------------------------------------------------------------------- read literally


def test_jinja_in_a_skill_reaches_the_prompt_as_written() -> None:
    path = HOSTILE / "jinja.SKILL.md"
    # the full prompt style carries the whole skill text (the embedded model's brief one does not)
    out = invoke([*COMMANDS["run --dry-run"](path), "--prompt-style", "full"]).stdout
    for text in (
        "{{ 7*7 }}",
        "{% include '/etc/passwd' %}",
        "{% for x in range(10**9) %}{{ x }}{% endfor %}",
        "{{ ''.__class__.__mro__ }}",
        "{% raw %}",
        "{# comment #}",
    ):
        assert text in out
    assert "root:" not in out
    data = json.loads(invoke(COMMANDS["show --json"](path)).stdout)
    assert data["name"] == "jinja - {{ 7*7 }}"
    assert data["steps"][0]["title"] == "{{ 7*7 }} and {{ ''.__class__.__mro__ }}"


def test_html_stays_text() -> None:
    path = HOSTILE / "html.SKILL.md"
    data = json.loads(invoke(COMMANDS["show --json"](path)).stdout)
    assert data["name"] == "<b>html</b> - <script>alert(1)</script>"
    assert data["title"] == "<script>alert('title')</script>"
    assert data["steps"][0]["title"] == "<script>alert(1)</script> Open"
    assert data["steps"][0]["items"][0]["text"] == "<img src=x onerror=alert(2)>"
    assert "<script>alert(1)</script> Open" in invoke(COMMANDS["show"](path)).stdout


def test_terminal_escapes_are_removed_and_the_text_around_them_kept() -> None:
    path = HOSTILE / "terminal-escapes.SKILL.md"
    data = json.loads(invoke(COMMANDS["show --json"](path)).stdout)
    assert data["name"] == "esc - ]0;pwned titleEscapes"
    assert data["steps"][0]["title"] == "[2J[3J Clear screen"
    items = [i["text"] for i in data["steps"][0]["items"]]
    assert items[2] == "31mC1 CSI0m and right-to-left override and zerowidth"
    assert data["steps"][1]["items"][0]["text"] == "tab\tstays"
    assert "Clear screen" in invoke(COMMANDS["show"](path)).stdout


def test_nul_reads_as_the_replacement_character() -> None:
    data = json.loads(invoke(COMMANDS["show --json"](HOSTILE / "nul.SKILL.md")).stdout)
    assert data["name"] == "nul - N\ufffdU\ufffdL"
    assert data["steps"][0]["items"] == [
        {"text": "item\ufffd one", "children": []},
        {"text": "\ufffd", "children": []},
    ]


def test_bom_crlf_and_cr_files_read_like_lf() -> None:
    read = [
        json.loads(invoke(COMMANDS["show --json"](HOSTILE / name)).stdout)
        for name in ("bom.SKILL.md", "crlf.SKILL.md", "cr.SKILL.md")
    ]
    assert [d["title"] for d in read] == ["BOM", "CRLF", "CR only"]
    for data in read:
        assert data["name"] == "hostile - Hostile"
        assert [s["title"] for s in data["steps"]] == ["First", "Second"]
        assert data["steps"][0]["items"][1] == {"text": "two", "children": []}
        assert data["verification"] == ["checked"]
        assert data["warnings"] == []


def test_an_alias_bomb_in_an_unused_key_loads_without_expanding() -> None:
    data = json.loads(invoke(COMMANDS["show --json"](HOSTILE / "yaml-bomb.SKILL.md")).stdout)
    assert data["name"] == "bomb - Billion laughs"


def test_an_unclosed_fence_swallows_the_rest_but_says_so() -> None:
    out = invoke(COMMANDS["show --json"](HOSTILE / "unterminated-fence.SKILL.md"))
    data = json.loads(out.stdout)
    assert [s["title"] for s in data["steps"]] == ["Start"]
    assert data["verification"] == []
    assert "no '## Verification' section" in out.stderr


# --------------------------------------------------------------------------- real processes


PEAK_REPORT = (
    "import atexit, os, re\n"
    "def report():\n"
    "    status = open('/proc/self/status').read()\n"
    "    open(os.environ['PEAK_FILE'], 'w').write(re.search(r'VmHWM:\\s*(\\d+)', status)[1])\n"
    "atexit.register(report)\n"
)
"""The child writes its own peak (VmHWM) at exit: `wait4`'s `ru_maxrss` also counts the pytest
process it was forked from, which a long test session makes large."""


def run_process(args: list[str]) -> tuple[Outcome, float]:
    """Run `net-skill ARGS` as its own process: (outcome, peak memory in MB)."""
    code = "from net_skill.cli import main; main()"
    if Path("/proc/self/status").exists():
        code = PEAK_REPORT + code
    command = [sys.executable, "-c", code, *args]
    with (
        tempfile.TemporaryFile() as out,
        tempfile.TemporaryFile() as err,
        tempfile.TemporaryDirectory() as folder,
    ):
        peak_file = Path(folder) / "peak"
        env = {**os.environ, "PEAK_FILE": str(peak_file)}
        start = time.perf_counter()
        process = subprocess.Popen(
            command, stdout=out, stderr=err, stdin=subprocess.DEVNULL, env=env
        )
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() - start > SECONDS * 2:
                process.kill()
                pytest.fail(f"net-skill {' '.join(args[:2])} did not end in {SECONDS * 2:.0f} s")
            time.sleep(0.02)
        process.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.perf_counter() - start
        out.seek(0)
        err.seek(0)
        outcome = Outcome(
            process.returncode,
            out.read().decode("utf-8", "replace"),
            err.read().decode("utf-8", "replace"),
            seconds,
        )
        reported = peak_file.read_text() if peak_file.exists() else ""
    return outcome, (int(reported) if reported else usage.ru_maxrss) / 1024


PROCESS_CASES = [
    ("quotes-100000.SKILL.md", "show"),
    ("quotes-100000.SKILL.md", "run --dry-run"),
    ("huge-20MB.SKILL.md", "run --dry-run"),
    ("steps-10000.SKILL.md", "run fake"),
    ("nested-lists-500.SKILL.md", "show --json"),
    ("html.SKILL.md", "run --dry-run"),
    ("sections-38000.SKILL.md", "run fake"),
]


@pytest.mark.parametrize(("file", "command"), PROCESS_CASES)
def test_in_a_real_process(file: str, command: str, generated: Path) -> None:
    (case,) = [c for c in CASES if c.file == file]
    path = skill_file(case, generated)
    outcome, megabytes = run_process(COMMANDS[command](path))
    assert outcome.code in (0, 2), outcome.stderr  # a crash would be a signal (negative)
    check(case, command, path, outcome)
    assert megabytes < MAX_RSS_MB
    # Python's own warning display (file:line: SkillWarning: … and the source line) never shows.
    assert "SkillWarning" not in outcome.stderr
    assert "warnings.warn" not in outcome.stderr

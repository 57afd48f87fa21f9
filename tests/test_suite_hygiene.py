"""The suite holds on a busy machine: tests wait for states, not for fixed times.

A fixed sleep passes on a quiet machine and fails on a loaded one (CI shares its machine). A
wait is allowed as the step of a loop that asks for a state (``conftest.wait_until``, polling
loops), or where time itself is what is tested or nothing can be waited for (an allowance that
must run out, a load that lasts, something that must *not* happen): those lines say why, in a
``# fixed wait:`` comment on the line or the line above.
"""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).parent
MARK = "# fixed wait:"


def fixed_waits(source: str) -> list[int]:
    """Return the lines of ``source`` that wait a fixed time outside a loop, without saying why."""
    tree = ast.parse(source)
    lines = source.splitlines()
    # A polling loop: a while, or a for that leaves as soon as its state is there.
    in_loop: set[int] = set()
    for node in ast.walk(tree):
        polls = isinstance(node, ast.While) or (
            isinstance(node, ast.For)
            and any(isinstance(inner, ast.Break | ast.Return) for inner in ast.walk(node))
        )
        if polls:
            in_loop.update(id(inner) for inner in ast.walk(node))
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
            continue
        name = node.func.attr
        owner = node.func.value
        sleeps = name == "sleep" and isinstance(owner, ast.Name) and owner.id == "time"
        if not (sleeps or name == "wait_for_timeout") or id(node) in in_loop:
            continue
        # The reason on the call's lines, or on the line above it.
        near = lines[max(node.lineno - 2, 0) : node.end_lineno]
        if not any(MARK in line for line in near):
            found.append(node.lineno)
    return found


def test_no_test_waits_a_fixed_time_without_saying_why():
    found = {
        f"{path.name}:{line}"
        for path in sorted(TESTS.glob("*.py"))
        for line in fixed_waits(path.read_text(encoding="utf-8"))
    }
    assert found == set(), "attentes fixes sans raison (# fixed wait: …) : " + ", ".join(found)


def test_the_check_finds_a_fixed_wait_and_accepts_a_polling_step_or_a_reason():
    assert fixed_waits("import time\ntime.sleep(1)\n") == [2]
    assert fixed_waits("page.wait_for_timeout(500)\n") == [1]
    assert fixed_waits("import time\nwhile not ready():\n    time.sleep(0.1)\n") == []
    assert fixed_waits("for theme in themes:\n    page.wait_for_timeout(200)\n") == [2]
    assert fixed_waits(f"import time\ntime.sleep(5)  {MARK} the allowance runs out\n") == []

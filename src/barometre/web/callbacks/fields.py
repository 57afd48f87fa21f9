"""A wrong entry in a form: its field marked invalid and tied to the message that says why.

RGAA 11.10: the message is visible text next to the fields, and the field it is about carries
``aria-invalid="true"`` and ``aria-describedby`` naming the message, so that a screen reader
says both when the reader comes back to it. Fields by the request parameter they set, which
``InvalidInput.parameter`` names.
"""

from __future__ import annotations

from dash import Output

STATES = ("aria-invalid", "aria-describedby")


def properties(fields: dict[str, str]) -> list[tuple[str, str]]:
    """Return the (component id, property) of the invalid state of ``fields`` (parameter ->
    component id), in the order of ``states``."""
    return [(field, state) for field in fields.values() for state in STATES]


def outputs(fields: dict[str, str]) -> list[Output]:
    """Return the outputs of the invalid state of ``fields``."""
    return [Output(*pair) for pair in properties(fields)]


def states(fields: dict[str, str], invalid: str, message_id: str) -> list:
    """Return the values of ``outputs(fields)``: the field of parameter ``invalid`` marked and
    described by ``message_id``, every other one cleared."""
    found: list = []
    for parameter in fields:
        wrong = parameter == invalid
        found += ["true" if wrong else None, message_id if wrong else None]
    return found

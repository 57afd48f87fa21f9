"""Native elements (<select>, <input>, <table>) with Bootstrap classes, as Dash components.

dash-bootstrap-components made the page load its whole bundle for two controls
(docs/performance.md); Dash's own ``html.Select`` has no ``value`` a callback can read and
``dcc.Input`` restyles itself (Dash 4) and refuses ``type="date"``. These two components are
rendered by ``assets/controls.js`` (a few hundred bytes): the same native elements, the same
classes, the same ``value`` and ``debounce`` behaviour as ``dbc.Select`` and ``dbc.Input``.

``Table``: a chart's data table as one component instead of one per cell. dash-renderer's cost is
per component, and a table of one component per cell made most of a page's components.
"""

from __future__ import annotations

from dash.development.base_component import Component

# The global object assets/controls.js fills: dash-renderer looks components up there by type.
NAMESPACE = "barometre_controls"


class _Native(Component):
    _namespace = NAMESPACE
    _children_props: list[str] = []
    _base_nodes = ["children"]
    _props: tuple[str, ...] = ()

    def __init__(self, **props):
        self._prop_names = list(self._props)
        self.available_properties = list(self._props)
        # aria-invalid and aria-describedby: a wrong entry marked and tied to its message.
        self._valid_wildcard_attributes = ["aria-"]
        self.available_wildcard_properties = ["aria-"]
        super().__init__(**{name: value for name, value in props.items() if value is not None})


class Select(_Native):
    """A native ``<select class="form-select">`` whose ``value`` callbacks read and write."""

    # Dash's registry reads these from each class's own attributes, not inherited ones.
    _namespace = NAMESPACE
    _children_props: list[str] = []
    _type = "Select"
    _props = ("id", "options", "value", "className")

    def __init__(self, id: str, options: list[dict], value: str, className: str = "form-select"):
        super().__init__(id=id, options=options, value=value, className=className)


class Input(_Native):
    """A native ``<input class="form-control">``; with ``debounce`` the value is sent on Enter or
    when the field loses focus, not at every keystroke. A ``number`` value is sent as a number."""

    _namespace = NAMESPACE
    _children_props: list[str] = []
    _type = "Input"
    _props = ("id", "type", "value", "min", "max", "step", "debounce", "className")

    def __init__(
        self,
        id: str,
        type: str = "text",
        value: str | int | None = None,
        min: str | int | None = None,
        max: str | int | None = None,
        step: int | None = None,
        debounce: bool = False,
        className: str = "form-control",
    ):
        super().__init__(
            id=id,
            type=type,
            value=value,
            min=min,
            max=max,
            step=step,
            debounce=debounce,
            className=className,
        )


class Table(_Native):
    """A ``<table>`` with its caption, column headings (``scope="col"``) and rows, whose first
    cell heads the row (``<th scope="row">``)."""

    _namespace = NAMESPACE
    _children_props: list[str] = []
    _type = "Table"
    _props = ("caption", "columns", "rows", "className")

    def __init__(self, caption: str, columns: list[str], rows: list[list[str]], className: str):
        super().__init__(caption=caption, columns=columns, rows=rows, className=className)

/* Baromètre numérique — native <select>, <input> and <table> for Dash (layouts/controls.py).
 *
 * What dbc.Select and dbc.Input did, without loading dash-bootstrap-components (54 kB): the
 * controls stay native and labelled; a debounced input sends its value on Enter or on blur. A
 * callback marks a wrong entry with aria-invalid and ties it to its message (aria-describedby).
 */
(function () {
  "use strict";

  var React = window.React;
  var h = React.createElement;

  function text(value) {
    return value === null || value === undefined ? "" : String(value);
  }

  function Select(props) {
    return h(
      "select",
      {
        id: props.id,
        className: props.className,
        "aria-invalid": props["aria-invalid"],
        "aria-describedby": props["aria-describedby"],
        value: text(props.value),
        onChange: function (event) {
          props.setProps({ value: event.target.value });
        },
      },
      (props.options || []).map(function (option) {
        return h("option", { key: option.value, value: option.value }, option.label);
      })
    );
  }

  function Input(props) {
    var state = React.useState(text(props.value));
    var shown = state[0];
    var setShown = state[1];
    React.useEffect(
      function () {
        setShown(text(props.value));
      },
      [props.value]
    );

    function send(raw) {
      var value = raw;
      if (props.type === "number") {
        value = raw === "" || isNaN(Number(raw)) ? null : Number(raw);
      }
      if (value !== props.value) {
        props.setProps({ value: value });
      }
    }

    return h("input", {
      id: props.id,
      type: props.type,
      className: props.className,
      "aria-invalid": props["aria-invalid"],
      "aria-describedby": props["aria-describedby"],
      min: props.min,
      max: props.max,
      step: props.step,
      value: shown,
      onChange: function (event) {
        setShown(event.target.value);
        if (!props.debounce) {
          send(event.target.value);
        }
      },
      onBlur: function (event) {
        send(event.target.value);
      },
      onKeyDown: function (event) {
        if (event.key === "Enter") {
          send(event.target.value);
        }
      },
    });
  }

  // One component for the whole table: dash-renderer's cost is per component, not per element.
  function Table(props) {
    var heads = props.columns.map(function (name, index) {
      return h("th", { key: index, scope: "col" }, name);
    });
    var rows = props.rows.map(function (row, index) {
      return h(
        "tr",
        { key: index },
        row.map(function (cell, column) {
          return column === 0
            ? h("th", { key: column, scope: "row" }, cell)
            : h("td", { key: column }, cell);
        })
      );
    });
    return h(
      "table",
      { className: props.className },
      h("caption", null, props.caption),
      h("thead", null, h("tr", null, heads)),
      h("tbody", null, rows)
    );
  }

  window.barometre_controls = { Select: Select, Input: Input, Table: Table };
})();

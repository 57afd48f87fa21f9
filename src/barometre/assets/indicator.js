/* Baromètre numérique — the indicator page's clientside callbacks (callbacks/indicator.py).
 *
 * The permalink (the controls' state in the address), the checkboxes of the evolution charts,
 * and the share button, as window.dash_clientside.indicator. The
 * names shared with Python come from <meta name="barometre-clientside"> (clientside.py). The
 * address arithmetic is kept apart, pure, in window.barometre (permalinkSearch, displaySearch):
 * the tests run it against the Python that builds the same addresses.
 */
(function () {
  "use strict";

  var ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
  var shared = null;

  function constants() {
    if (shared === null) {
      var meta = document.querySelector('meta[name="barometre-clientside"]');
      shared = JSON.parse(meta.getAttribute("content"));
    }
    return shared;
  }

  // The display's parameters (validation.DISPLAY_PARAMS), in their order.
  function displayNames(names) {
    return [names.events_hidden[0], names.comparison_shown[0]];
  }

  // The query string of the controls' state, with the display's parameters of ``current`` kept
  // (the checkboxes write their own), or null when the controls hold no valid period.
  function permalinkSearch(start, end, granularity, departement, current, names) {
    if (!ISO_DATE.test(start || "") || !ISO_DATE.test(end || "") || start > end || !granularity) {
      return null;
    }
    var params = { debut: start, fin: end, granularite: granularity };
    if (departement) {
      params.departement = departement;
    }
    var kept = new URLSearchParams(current);
    displayNames(names).forEach(function (name) {
      if (kept.has(name)) {
        params[name] = kept.get(name);
      }
    });
    return "?" + new URLSearchParams(params).toString();
  }

  // ``current`` with the display's parameters set as validation.Display.params sets them: only
  // what differs from the defaults (events shown, no comparison).
  function displaySearch(events, comparison, current, names) {
    var params = new URLSearchParams(current);
    var hidden = names.events_hidden;
    var shown = names.comparison_shown;
    if (events) {
      params.delete(hidden[0]);
    } else {
      params.set(hidden[0], hidden[1]);
    }
    if (comparison) {
      params.set(shown[0], shown[1]);
    } else {
      params.delete(shown[0]);
    }
    return params.toString() ? "?" + params.toString() : "";
  }

  // An odd number of clicks turns the default over (validation.display_from_clicks).
  function displayFromClicks(eventClicks, compareClicks) {
    return { events: (eventClicks || 0) % 2 === 0, comparison: (compareClicks || 0) % 2 === 1 };
  }

  function permalink(start, end, granularity, departement) {
    var nothing = [window.dash_clientside.no_update, window.dash_clientside.no_update];
    var search = permalinkSearch(
      start, end, granularity, departement, window.location.search, constants().display
    );
    if (search === null || search === window.location.search) {
      return nothing;
    }
    var state = { pathname: window.location.pathname, search: search };
    // A page just opened without parameters gets them in place: a second history entry would
    // bring Back to the bare address, which would add them again (Back would never leave).
    if (!window.location.search) {
      window.history.replaceState(window.history.state, "", state.pathname + search);
      return [window.dash_clientside.no_update, state];
    }
    return [search, state];
  }

  // The figures already drawn are changed in place (no round trip); the page's callback draws
  // new ones from the same click counts. A choice other than the default goes into the address,
  // which the routing callback then leaves alone (same state).
  function display(eventClicks, compareClicks) {
    var names = constants();
    var chosen = displayFromClicks(eventClicks, compareClicks);
    var main = document.getElementById(names.main);
    if (main && window.Plotly) {
      main.querySelectorAll(".js-plotly-plot").forEach(function (graph) {
        if (!graph.data) {
          return;
        }
        // Plotly.react with copies (display.js), as theme.js does: relayout or restyle would
        // let a responsive graph lose its height.
        var figure = window.barometreDisplay(graph, names.marks, chosen.events, chosen.comparison);
        window.Plotly.react(graph, figure.data, figure.layout);
      });
    }
    var checked = [String(chosen.events), String(chosen.comparison)];
    var search = displaySearch(
      chosen.events, chosen.comparison, window.location.search, names.display
    );
    // The server's drawings, which the keyboard walks, follow (explore.js).
    document.dispatchEvent(new CustomEvent("barometre:affichage", { detail: { search: search } }));
    if (search === window.location.search) {
      return checked.concat([window.dash_clientside.no_update, window.dash_clientside.no_update]);
    }
    return checked.concat([search, { pathname: window.location.pathname, search: search }]);
  }

  // The clipboard needs a secure context (HTTPS or localhost): elsewhere the link is shown.
  function share(clicks) {
    if (!clicks) {
      return window.dash_clientside.no_update;
    }
    var url = window.location.href;
    var fallback = "Copie impossible\u00a0: copiez ce lien\u00a0: " + url;
    if (!navigator.clipboard || !window.isSecureContext) {
      return fallback;
    }
    return navigator.clipboard.writeText(url).then(
      function () {
        return "Lien copié.";
      },
      function () {
        return fallback;
      }
    );
  }

  window.barometre = Object.assign(window.barometre || {}, {
    permalinkSearch: permalinkSearch,
    displaySearch: displaySearch,
    displayFromClicks: displayFromClicks,
  });
  window.dash_clientside = Object.assign({}, window.dash_clientside, {
    indicator: {
      permalink: permalink,
      display: display,
      share: share,
    },
  });
})();

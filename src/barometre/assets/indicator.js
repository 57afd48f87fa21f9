/* Baromètre numérique — the indicator page's clientside callbacks (callbacks/indicator.py).
 *
 * The permalink (the controls' state in the address), the checkboxes of the evolution charts,
 * and the share button, as window.dash_clientside.indicator. The address arithmetic is
 * addresses.js's (window.barometre), which the server's copy of the page uses too.
 */
(function () {
  "use strict";

  var addresses = window.barometre;
  var constants = addresses.constants;
  var permalinkSearch = addresses.permalinkSearch;
  var displaySearch = addresses.displaySearch;
  var displayFromClicks = addresses.displayFromClicks;

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
    var charts = window.barometreCharts;
    if (main && charts) {
      // Charts plotly.js has drawn, and those it will draw when the reader comes near them.
      main.querySelectorAll(charts.GRAPHS).forEach(function (graph) {
        var shown = charts.figure(graph);
        if (!shown) {
          return;
        }
        // Plotly.react with copies (display.js), as theme.js does: relayout or restyle would
        // let a responsive graph lose its height.
        var figure = window.barometreDisplay(shown, names.marks, chosen.events, chosen.comparison);
        charts.react(graph, figure.data, figure.layout);
      });
    }
    var checked = [String(chosen.events), String(chosen.comparison)];
    var search = displaySearch(
      chosen.events, chosen.comparison, window.location.search, names.display
    );
    // The display the address names is the one the page's drawings were made for (Dash's first
    // call, a display carried over from the server's copy already in the address).
    if (search === window.location.search) {
      return checked.concat([window.dash_clientside.no_update, window.dash_clientside.no_update]);
    }
    // The server's drawings, which the keyboard walks, follow (explore.js).
    document.dispatchEvent(new CustomEvent("barometre:affichage", { detail: { search: search } }));
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

  window.dash_clientside = Object.assign({}, window.dash_clientside, {
    indicator: {
      permalink: permalink,
      display: display,
      share: share,
    },
  });
})();

/* Baromètre numérique — the address arithmetic of the pages, pure, as window.barometre.
 *
 * The query string of the controls' state (permalinkSearch) and of the display's checkboxes
 * (displaySearch, displayFromClicks): used by Dash's clientside callbacks (indicator.js) and,
 * before Dash has started, by the server's copy of the page (prerendered.js). The names shared with
 * Python come from <meta name="barometre-clientside"> (clientside.py); the tests run these
 * functions against the Python that builds the same addresses.
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

  window.barometre = Object.assign(window.barometre || {}, {
    constants: constants,
    permalinkSearch: permalinkSearch,
    displaySearch: displaySearch,
    displayFromClicks: displayFromClicks,
  });
})();

/* Baromètre numérique — light/dark theme, chart re-theming, and aria-busy on loading regions.
 *
 * The theme follows the system (prefers-color-scheme) unless the header's « Thème » select says
 * otherwise; the choice stays on this device in localStorage (never a cookie). Charts are built on
 * the server in the light theme; here their colours are swapped for the dark theme's ones
 * (figures.THEMES, passed in the select's data-themes), and again after every redraw by Dash.
 * On paper, the light theme always, and charts as wide as an A4 page's text (barometre.css has
 * the rest of the print style).
 */
(function () {
  "use strict";

  var KEY = "barometre-theme";
  var SELECT_ID = "theme-choix";
  var media = window.matchMedia ? window.matchMedia("(prefers-color-scheme: dark)") : null;
  var printMedia = window.matchMedia ? window.matchMedia("print") : null;
  // 210 mm less the @page margins of barometre.css (24 mm) is 703 px at 96 px an inch.
  var PRINT_WIDTH = 680;
  var printing = false;

  function stored() {
    try {
      var value = window.localStorage.getItem(KEY);
      return value === "clair" || value === "sombre" ? value : "auto";
    } catch (error) {
      return "auto"; // storage disabled: the system setting still applies
    }
  }

  function effective(choice) {
    if (printing) {
      return "clair";
    }
    if (choice === "clair" || choice === "sombre") {
      return choice;
    }
    return media && media.matches ? "sombre" : "clair";
  }

  function themes() {
    var select = document.getElementById(SELECT_ID);
    if (!select || !select.dataset.themes) {
      return null;
    }
    try {
      return JSON.parse(select.dataset.themes);
    } catch (error) {
      return null;
    }
  }

  function colourMap(from, to) {
    var map = {};
    ["background", "text", "grid", "axis"].forEach(function (field) {
      map[from[field].toLowerCase()] = to[field];
    });
    from.colours.forEach(function (colour, index) {
      map[colour.toLowerCase()] = to.colours[index];
    });
    return map;
  }

  // Copies a figure part, swapping every known colour; hover labels have their own background.
  function convert(value, map, hover, parentKey) {
    if (typeof value === "string") {
      if (parentKey === "hoverlabel-bgcolor") {
        return hover;
      }
      var swapped = map[value.toLowerCase()];
      return swapped === undefined ? value : swapped;
    }
    if (Array.isArray(value)) {
      return value.map(function (item) { return convert(item, map, hover, parentKey); });
    }
    if (value && typeof value === "object") {
      var copy = {};
      Object.keys(value).forEach(function (key) {
        var context = parentKey === "hoverlabel" && key === "bgcolor" ? "hoverlabel-bgcolor" : key;
        copy[key] = convert(value[key], map, hover, context);
      });
      return copy;
    }
    return value;
  }

  function figureTheme(figure) {
    var meta = figure.layout && figure.layout.meta;
    return meta && meta.barometreTheme ? meta.barometreTheme : "clair";
  }

  // A chart plotly.js has drawn, or one it will draw when the reader comes near it, in the
  // ``wanted`` theme.
  function retheme(graph, wanted) {
    var all = themes();
    var charts = window.barometreCharts;
    var figure = charts ? charts.figure(graph) : null;
    if (!all || !figure || figureTheme(figure) === wanted) {
      return;
    }
    var map = colourMap(all[figureTheme(figure)], all[wanted]);
    var hover = all[wanted].hover_background;
    var layout = convert(figure.layout, map, hover, "");
    layout.meta = Object.assign({}, layout.meta, { barometreTheme: wanted });
    charts.react(graph, convert(figure.data, map, hover, ""), layout);
  }

  // The drawing of a chart whose data table is on the page says nothing more: hide it (and its
  // tick labels) from assistive technologies; the modebar's named buttons stay reachable.
  // plotly.js also leaves an off-screen <svg> at the end of the body, where it measures text: an
  // unnamed image to a screen reader, hidden too (RGAA 1.2).
  function hideDrawing(graph) {
    if (graph.closest("[data-chart-alternative]")) {
      graph.querySelectorAll("svg.main-svg").forEach(function (svg) {
        svg.setAttribute("aria-hidden", "true");
      });
    }
    var tester = document.getElementById("js-plotly-tester");
    if (tester) {
      tester.setAttribute("aria-hidden", "true");
    }
  }

  // The one reading of the theme, which also sets the page's: Chromium may send no change event
  // for a system setting that changed when something read it just before the event was due.
  function pageTheme() {
    var wanted = effective(stored());
    var attribute = wanted === "sombre" ? "dark" : "light";
    if (document.documentElement.getAttribute("data-bs-theme") !== attribute) {
      document.documentElement.setAttribute("data-bs-theme", attribute);
    }
    return wanted;
  }

  // The modebar's drag modes (Zoom, Translation) are toggle buttons whose state plotly.js shows
  // by a class only: assistive technologies read it from aria-pressed (RGAA 7.1).
  function pressModes(graph) {
    graph.querySelectorAll(".modebar-btn[data-attr='dragmode']").forEach(function (button) {
      var pressed = String(button.classList.contains("active"));
      if (button.getAttribute("aria-pressed") !== pressed) {
        button.setAttribute("aria-pressed", pressed);
      }
    });
  }

  function watch(graph, wanted) {
    if (!graph.dataset.barometreWatched && typeof graph.on === "function") {
      graph.dataset.barometreWatched = "1";
      // Dash redraws with the server's (light) figure: put the chosen theme back each time.
      graph.on("plotly_afterplot", function () {
        hideDrawing(graph);
        pressModes(graph);
        retheme(graph, pageTheme());
      });
      // A modebar button changes the drag mode by a relayout, without a redraw.
      graph.on("plotly_relayout", function () {
        pressModes(graph);
      });
    }
    hideDrawing(graph);
    pressModes(graph);
    retheme(graph, wanted);
  }

  function apply() {
    var wanted = pageTheme();
    if (window.barometreCharts) {
      document.querySelectorAll(window.barometreCharts.GRAPHS).forEach(function (graph) {
        watch(graph, wanted);
      });
    }
  }

  // The server's copy of the page has its own select (prerender.py, prerendered.js): both work.
  function themeSelects() {
    var copy = document.getElementById("prerendu");
    var ids = [SELECT_ID];
    if (copy) {
      ids.push(copy.dataset.prefix + SELECT_ID);
    }
    return ids.map(function (id) { return document.getElementById(id); })
      .filter(function (select) { return select !== null; });
  }

  // A select Dash has just drawn shows the stored choice.
  function syncSelects() {
    themeSelects().forEach(function (select) {
      if (!select.dataset.barometreReady) {
        select.dataset.barometreReady = "1";
        select.value = stored();
      }
    });
  }

  // Listening on the document, a choice counts even when made before Dash's select was synced.
  function onChange(event) {
    var select = event.target;
    if (themeSelects().indexOf(select) === -1) {
      return;
    }
    try {
      if (select.value === "auto") {
        window.localStorage.removeItem(KEY);
      } else {
        window.localStorage.setItem(KEY, select.value);
      }
    } catch (error) {
      // storage disabled: the choice lasts for this page only
    }
    apply();
  }

  // Dash marks the components a callback is updating with data-dash-is-loading; assistive
  // technologies read aria-busy, so the results region mirrors it. The server's copy of the page
  // has no callbacks: its busy state is prerendered.js's.
  function syncBusy() {
    var copy = document.getElementById("prerendu");
    document.querySelectorAll("[data-busy-region]").forEach(function (region) {
      if (copy && copy.contains(region)) {
        return;
      }
      // The page's own callback (a new address) may redraw the region with the rest of the page:
      // Dash then waits for it, and marks the page, an ancestor, as loading.
      var loading = region.closest("[data-dash-is-loading='true']") !== null ||
        region.querySelector("[data-dash-is-loading='true']") !== null;
      if (loading) {
        region.setAttribute("aria-busy", "true");
      } else if (region.hasAttribute("aria-busy")) {
        region.removeAttribute("aria-busy");
      }
    });
  }

  // A chart keeps the width it was drawn at on screen: redraw it at the page's width to print,
  // and back to its container's width afterwards.
  function setPrinting(on) {
    if (printing === on) {
      return;
    }
    printing = on;
    apply();
    if (window.Plotly) {
      document.querySelectorAll(".js-plotly-plot").forEach(function (graph) {
        window.Plotly.relayout(graph, { width: on ? PRINT_WIDTH : null });
      });
    }
  }

  apply();
  syncSelects();
  document.addEventListener("change", onChange);
  if (media && media.addEventListener) {
    media.addEventListener("change", apply);
  }
  window.addEventListener("beforeprint", function () { setPrinting(true); });
  window.addEventListener("afterprint", function () { setPrinting(false); });
  if (printMedia && printMedia.addEventListener) {
    printMedia.addEventListener("change", function (event) { setPrinting(event.matches); });
  }
  // Without style sheets (RGAA 10.2), what they draw is said in words, in elements they hide
  // (.unstyled-only; assistive technologies have the attributes): the state of a checkbox drawn
  // by them, « Mise à jour… » before results being updated. The words are the element's
  // (layouts/common.checked_words, busy_note).

  function say(words, text) {
    if (words && words.textContent !== text) {
      words.textContent = text;
    }
  }

  function sayStates() {
    document.querySelectorAll("[role=checkbox] > .unstyled-only").forEach(function (words) {
      var checked = words.parentElement.getAttribute("aria-checked") === "true";
      say(words, (checked ? words.dataset.coche : words.dataset.nonCoche) || "");
    });
    document.querySelectorAll(".busy-note").forEach(function (note) {
      var region = note.nextElementSibling;
      var busy = region !== null && region.getAttribute("aria-busy") === "true";
      var words = note.querySelector(".unstyled-only");
      say(words, busy && words ? words.dataset.mots : "");
    });
  }
  new MutationObserver(sayStates).observe(document.body, {
    childList: true,
    subtree: true,
    attributes: true,
    attributeFilter: ["aria-checked", "aria-busy"]
  });
  sayStates();

  var scheduled = false;
  new MutationObserver(function () {
    syncBusy();
    if (scheduled) {
      return;
    }
    scheduled = true;
    window.setTimeout(function () {
      scheduled = false;
      syncSelects();
      apply();
    }, 50);
  }).observe(document.body, {
    childList: true,
    subtree: true,
    attributes: true,
    attributeFilter: ["data-dash-is-loading", "data-deferred"]
  });
})();

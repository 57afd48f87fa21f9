/*
 * Baromètre numérique — the script of an embed page (/embed/<identifiant>).
 *
 * Draws the chart from the figure JSON written by the server, runs the « Voir les données »
 * switch, follows the system theme when theme=auto, and tells the host page its height
 * (postMessage {type: "barometre:hauteur", id, hauteur}) so that the snippet's listener resizes
 * the iframe: debounced, and only when the height changes. Not loaded by the site's own pages
 * (assets/embed is in Dash's assets_path_ignore).
 */
(function () {
  "use strict";

  var config = JSON.parse(document.getElementById("embed-config").textContent);
  var chart = document.getElementById("graphique");
  var button = document.getElementById("voir-donnees");
  var table = document.getElementById("donnees");
  var dark = window.matchMedia ? window.matchMedia("(prefers-color-scheme: dark)") : null;

  // The minimum height applies to what is reported, so a short chart keeps the height asked for.
  document.body.style.minHeight = config.hauteur + "px";

  function themeShown() {
    if (config.theme !== "auto") {
      return config.theme;
    }
    return dark && dark.matches ? "sombre" : "clair";
  }

  // With theme=auto the dark figure carries only styles: its traces are laid over the light
  // ones, which hold the data (sent once).
  function figureShown() {
    var theme = themeShown();
    var figure = config.figures[theme];
    if (theme === "clair" || !config.figures.clair) {
      return figure;
    }
    var light = config.figures.clair;
    var data = figure.data.map(function (trace, index) {
      return Object.assign({}, light.data[index], trace);
    });
    return { data: data, layout: figure.layout };
  }

  // The checkboxes « Afficher les événements » and « Comparer avec l'année précédente », as on
  // the site's pages: they start as the address asks (events shown and the year-ago overlay
  // hidden by default).
  var shown = Object.assign({}, config.affichage);
  var CHECKBOXES = { "afficher-evenements": "evenement", "comparer-annee-precedente": "comparaison" };

  // Every script of config.scripts has run (plotly.js alone is not enough: display.js is last).
  var loaded = false;

  function draw() {
    if (!loaded) {
      return; // the server's drawing stays until they have arrived
    }
    // plotly.js draws in the same box, over the drawing, which stays the keyboard's chart
    // (explore.js); the table and the drawing's points say what plotly.js's drawing shows.
    var figure = window.barometreDisplay(
      figureShown(), config.marques, shown.evenement, shown.comparaison
    );
    window.Plotly.react(chart, figure.data, figure.layout, config.config);
    chart.querySelectorAll(".plot-container").forEach(function (drawing) {
      drawing.setAttribute("aria-hidden", "true");
    });
    // Where plotly.js measures text: an off-screen <svg> it adds to the body (RGAA 1.2).
    var tester = document.getElementById("js-plotly-tester");
    if (tester) {
      tester.setAttribute("aria-hidden", "true");
    }
  }

  // plotly.js comes only for what it alone gives, zooming and panning: at a mouse press on the
  // chart. Until then the chart is the server's drawing (drawings.py), with its tooltips and
  // keyboard (explore.js); a display checkbox brings the server's drawing of the new display.
  // Tests and the benchmark dispatch START_EVENT to measure plotly.js's chart.
  var START_EVENT = "barometre:demarrer";
  var asked = false;

  function wantsZoom(event) {
    if (event.pointerType === "mouse" && event.button === 0) {
      loadPlotly();
    }
  }

  function loadPlotly() {
    if (asked) {
      return;
    }
    asked = true;
    chart.removeEventListener("pointerdown", wantsZoom);
    var scripts = config.scripts.map(function (url) {
      var script = document.createElement("script");
      script.src = url;
      script.async = false; // the French locale registers itself on plotly.js: after it
      document.body.appendChild(script);
      return script;
    });
    scripts[scripts.length - 1].addEventListener("load", function () {
      loaded = true;
      draw();
      if (config.theme === "auto" && dark && dark.addEventListener) {
        dark.addEventListener("change", draw);
      }
    });
  }

  chart.addEventListener("pointerdown", wantsZoom);
  document.addEventListener(START_EVENT, loadPlotly);

  // The link to the full page opens it with what the chart shows here; the embed's own address
  // says it too, so that explore.js fetches the server's drawing of this display (the keyboard
  // walks it) and a reload keeps it.
  var pageLink = document.getElementById("voir-page");

  function withDisplay(address) {
    var url = new URL(address);
    var differs = { evenement: !shown.evenement, comparaison: shown.comparaison };
    Object.keys(differs).forEach(function (key) {
      var pair = config.parametres[key];
      if (differs[key]) {
        url.searchParams.set(pair[0], pair[1]);
      } else {
        url.searchParams.delete(pair[0]);
      }
    });
    return url;
  }

  function followDisplay() {
    pageLink.href = withDisplay(pageLink.href).toString();
    var own = withDisplay(window.location.href);
    window.history.replaceState(window.history.state, "", own.pathname + own.search);
    document.dispatchEvent(
      new CustomEvent("barometre:affichage", { detail: { search: own.search } })
    );
  }

  var checks = document.querySelector(".embed-checks");
  if (checks) {
    checks.hidden = false;
    checks.addEventListener("click", function (event) {
      var box = event.target.closest ? event.target.closest("[role=checkbox]") : null;
      if (!box) {
        return;
      }
      var key = CHECKBOXES[box.id];
      shown[key] = !shown[key];
      box.setAttribute("aria-checked", shown[key] ? "true" : "false");
      // The same in words, for a reader without style sheets (templates/embed.html).
      var words = box.querySelector(".unstyled-only");
      words.textContent = shown[key] ? words.dataset.coche : words.dataset.nonCoche;
      draw();
      followDisplay();
    });
  }

  // The table is shown by the server (readable without JavaScript); with it, a button opens it.
  function setTable(open) {
    table.hidden = !open;
    button.setAttribute("aria-expanded", open ? "true" : "false");
    button.textContent = open ? "Masquer les données" : "Voir les données";
  }

  button.hidden = false;
  setTable(false);
  button.addEventListener("click", function () {
    setTable(table.hidden);
  });

  // -- height for the host page ---------------------------------------------------------------
  var lastHeight = 0;
  var timer = null;

  function measure() {
    // body has no margin (embed.css): its box is the whole content, never the viewport.
    return Math.ceil(document.body.getBoundingClientRect().height);
  }

  function post() {
    timer = null;
    var height = measure();
    if (height === lastHeight || window.parent === window) {
      return;
    }
    lastHeight = height;
    // The height is no secret: any host may read it; the host checks where it comes from.
    window.parent.postMessage(
      { type: config.messageType, id: config.id, hauteur: height },
      "*"
    );
  }

  function schedule() {
    if (timer !== null) {
      window.clearTimeout(timer);
    }
    timer = window.setTimeout(post, 80);
  }

  if (window.ResizeObserver) {
    new window.ResizeObserver(schedule).observe(document.body);
  } else {
    window.addEventListener("resize", schedule);
  }
  window.addEventListener("load", schedule);
  schedule();
})();

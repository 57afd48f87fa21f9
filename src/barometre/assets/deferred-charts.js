/* Baromètre numérique — plotly.js draws a chart of Dash's page when the reader comes near it.
 *
 * Every chart box already shows the server's drawing (explore.js writes it from data-svg), with
 * its tooltips and keyboard exploration; plotly.js adds zooming and panning. Drawing every chart
 * of a long page at once when Dash starts, or redraws the page after a change, is the longest
 * task the reader waits for: a chart further than a screen from the visible part is drawn when
 * scrolling brings it within that screen. dcc.Graph draws through the global Plotly.react, so
 * that call is wrapped, as plotly.js arrives, for the graphs of Dash's chart boxes.
 *
 * A deferred graph carries data-deferred; barometreCharts.figure(graph) and react(graph, …) let
 * the page's scripts change its figure before it is drawn (indicator.js's display, theme.js).
 */
(function () {
  "use strict";

  var BOX = ".chart-box";
  var DEFERRED = "data-deferred";
  // How far beyond the visible part a chart is drawn: one screen above, one below.
  var REACH = 1;

  // graph -> { figure: {data, layout, config…} as Plotly.react takes it, promise, resolve }
  var pending = new Map();
  var original = null;
  var observer = null;

  function near(graph) {
    var box = graph.getBoundingClientRect();
    var screen = window.innerHeight;
    return box.bottom > -REACH * screen && box.top < (1 + REACH) * screen;
  }

  // The graph no longer waits: its job, or undefined.
  function release(graph) {
    var job = pending.get(graph);
    if (job) {
      pending.delete(graph);
      observer.unobserve(graph);
    }
    return job;
  }

  function draw(graph) {
    var job = release(graph);
    if (job) {
      graph.removeAttribute(DEFERRED);
      job.resolve(original.call(window.Plotly, graph, job.figure));
    }
  }

  function seen(entries) {
    entries.forEach(function (entry) {
      if (entry.isIntersecting) {
        draw(entry.target);
      }
    });
  }

  // Dash replaces a page's graphs when it redraws it; one never drawn is not purged by dcc.Graph,
  // so its figure is let go here.
  function forgetRemoved() {
    pending.forEach(function (job, graph) {
      if (!graph.isConnected) {
        release(graph).resolve();
      }
    });
  }

  // Plotly.react(graph, figure) as dcc.Graph calls it, or (graph, data, layout, config).
  function react(graph, dataOrFigure, layout, config) {
    var asked = Array.isArray(dataOrFigure)
      ? { data: dataOrFigure, layout: layout, config: config }
      : dataOrFigure;
    var job = pending.get(graph);
    if (job) {
      job.figure = asked; // the newest figure, drawn when the reader comes near
      return job.promise;
    }
    var drawn = graph && graph._fullLayout;
    if (drawn || !graph || !graph.closest || !graph.closest(BOX) || near(graph)) {
      return original.apply(window.Plotly, arguments);
    }
    forgetRemoved();
    job = { figure: asked };
    job.promise = new Promise(function (resolve) {
      job.resolve = resolve;
    });
    pending.set(graph, job);
    graph.setAttribute(DEFERRED, "");
    observer.observe(graph);
    return job.promise;
  }

  function wrap(plotly) {
    if (!plotly || original || typeof plotly.react !== "function") {
      return;
    }
    original = plotly.react;
    observer = new IntersectionObserver(seen, { rootMargin: REACH * 100 + "% 0px" });
    plotly.react = react;
    var purge = plotly.purge;
    plotly.purge = function (graph) {
      release(graph);
      return purge.apply(plotly, arguments);
    };
  }

  // The figure a graph shows, or will show once drawn.
  function figure(graph) {
    var job = pending.get(graph);
    if (job) {
      return job.figure;
    }
    return graph.data ? { data: graph.data, layout: graph.layout } : null;
  }

  // A new figure for a graph: drawn now if it is, kept for its drawing if it is not.
  function redraw(graph, data, layout) {
    var job = pending.get(graph);
    if (job) {
      job.figure = Object.assign({}, job.figure, { data: data, layout: layout });
      return job.promise;
    }
    return window.Plotly.react(graph, data, layout);
  }

  window.barometreCharts = {
    GRAPHS: ".js-plotly-plot, [" + DEFERRED + "]",
    figure: figure,
    react: redraw,
    // How many figures wait to be drawn (tests: those of removed graphs are let go).
    waiting: function () {
      return pending.size;
    }
  };

  if (window.Plotly) {
    wrap(window.Plotly);
    return;
  }
  // dcc.Graph loads plotly.js when Dash first draws a graph: wrapped as it is defined.
  var plotly;
  Object.defineProperty(window, "Plotly", {
    configurable: true,
    enumerable: true,
    get: function () {
      return plotly;
    },
    set: function (value) {
      plotly = value;
      wrap(value);
    }
  });
})();

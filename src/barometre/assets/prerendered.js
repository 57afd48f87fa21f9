/* Baromètre numérique — the server's page first, Dash at the reader's intent (prerender.py).
 *
 * The page arrives whole as static HTML (#prerendu): text, key figures, tables, charts drawn as
 * SVG, with their tooltips and keyboard exploration (explore.js). Dash (React, its bundles and
 * plotly.js, seconds of script on a mid-range phone) waits in an inert <template> until the
 * reader shows intent to change something: focus or press on one of the page's controls, or a
 * mouse press on a chart (zooming and panning are plotly.js's). Reading, scrolling, hovering and
 * tapping start nothing; a pointer over a control fetches Dash's scripts ahead (preload).
 *
 * A change made in the copy shows at once: the control its new state, the results region
 * « Mise à jour… » (aria-busy, barometre.css) until Dash's page, which has the change, replaces
 * it. The display's checkboxes need no Dash: the server draws the copy's charts again.
 *
 * Dash then renders its tree unseen on top of the copy (barometre.css). Once that tree holds the
 * page and its charts are drawn, the copy goes in one frame, at the same position, so nothing
 * moves, and what the reader did meanwhile is carried over: the focus, values typed or chosen,
 * buttons pressed (checkboxes show their new state at once), disclosures opened.
 */
(function () {
  "use strict";

  var INTENTS = ["focusin", "pointerdown"];
  // What a reader focuses or presses to change the page; the theme select is theme.js's, and
  // explore.js's buttons work on the copy's drawing.
  var CONTROLS = "input, select, textarea, button, .chart-box";
  var NOT_CONTROLS = ".theme-select, [data-explore-tools], [data-explore-part]";
  // What a change there redraws: the page's results, not the embed builder's snippet.
  var OWN_RESULTS = "dialog, [data-explore-tools]";
  // What tests and the benchmark dispatch to measure Dash's page without a reader's gesture.
  var START_EVENT = "barometre:demarrer";
  var FIELDS = "input, select, textarea";
  var TYPED = "input:not([type=button]):not([type=checkbox]):not([type=radio]), textarea";
  // Elements matched by position when they have no id (links, summaries); the modebar's
  // buttons exist only in Dash's charts.
  var FOCUSABLE = "a[href], button, input, select, textarea, summary";
  // Dash's page is shown without its charts rather than never, should one of them not draw.
  var CHART_PATIENCE_MS = 10000;
  var ADDRESS_PATIENCE_MS = 2000;
  var REDRAW_PATIENCE_MS = 5000;

  var copy = document.getElementById("prerendu");
  var root = document.getElementById("react-entry-point");
  if (!copy || !root) {
    return;
  }
  var PREFIX = copy.dataset.prefix;

  // An address's fragment names an element of the page (/journal/2026#publication-12), whose id
  // in the copy carries the prefix: the browser found nothing to scroll to, this finds it.
  function showFragment() {
    var name = "";
    try {
      name = decodeURIComponent(window.location.hash.slice(1));
    } catch (error) {
      return; // not an id the site writes
    }
    if (!name || !copy.isConnected || document.getElementById(name)) {
      return;
    }
    var target = document.getElementById(PREFIX + name);
    if (target) {
      target.scrollIntoView();
    }
  }
  showFragment();
  window.addEventListener("hashchange", showFragment);
  var later = document.getElementById(copy.dataset.scripts);
  var pressed = [];
  var started = false;
  // The wait for Dash's charts to be drawn: its timer, and whether it is over.
  var patience = null;
  var waitedEnough = false;
  // The copy's field in which the reader pressed Enter: done typing there.
  var committed = null;
  // One of Dash's scripts could not be loaded: the copy stays, with its controls inert.
  var broken = false;

  function start() {
    if (started || !later) {
      return;
    }
    started = true;
    INTENTS.forEach(function (name) {
      window.removeEventListener(name, onIntent, true);
    });
    var externals = [];
    var renderer = null;
    Array.prototype.forEach.call(later.content.querySelectorAll("script"), function (model) {
      if (model.id === "_dash-renderer") {
        renderer = model;
        return;
      }
      var script = document.createElement("script");
      if (model.hasAttribute("src")) {
        // Downloaded together, run in this order (React first, Dash's renderer bundle last).
        script.src = model.getAttribute("src");
        script.async = false;
        script.addEventListener("error", failed);
        externals.push(script);
      } else {
        script.textContent = model.textContent; // allowed by its hash in the CSP
      }
      document.body.appendChild(script);
    });
    if (renderer && externals.length) {
      externals[externals.length - 1].addEventListener("load", function () {
        var script = document.createElement("script");
        script.id = renderer.id;
        script.textContent = renderer.textContent;
        document.body.appendChild(script);
      });
    }
  }

  // A script of Dash that did not arrive: the copy stays the page, readable, its links working;
  // its controls would do nothing, so the reader is told, and its checkboxes say what is shown.
  function failed() {
    if (broken || !copy.isConnected) {
      return;
    }
    broken = true;
    var displayPressed = pressed.some(function (button) {
      return button.closest(".display-options") !== null;
    });
    pressed.forEach(flip);
    pressed = [];
    busy(false);
    if (displayPressed) {
      redrawDisplay(); // as the checkboxes now say
    }
    var notice = document.createElement("p");
    notice.className = "copie-seule alert alert-warning";
    notice.setAttribute("role", "alert");
    notice.textContent = "Les commandes de la page n'ont pas pu être chargées (connexion " +
      "interrompue ?)\u00a0: les chiffres, graphiques et tableaux restent lisibles\u00a0; " +
      "rechargez la page pour changer la période ou l'affichage.";
    var main = document.getElementById(PREFIX + "contenu");
    (main || copy).insertBefore(notice, (main || copy).firstChild);
  }

  // The element of Dash's tree that stands where ``element`` stands in the copy.
  function twin(element) {
    var named = element.id && element.id.indexOf(PREFIX) === 0
      ? document.getElementById(element.id.slice(PREFIX.length))
      : null;
    if (named) {
      return named;
    }
    var selector = element.matches(FIELDS) ? FIELDS : FOCUSABLE;
    var index = visit(copy, selector).indexOf(element);
    return index < 0 ? null : visit(root, selector)[index] || null;
  }

  // The modebar's buttons exist only in Dash's charts; explore.js's parts (named by id) are
  // added to both pages, maybe not yet to Dash's.
  function visit(scope, selector) {
    return Array.prototype.filter.call(scope.querySelectorAll(selector), function (element) {
      return !element.closest(".modebar-container, [data-explore-part]");
    });
  }

  // React keeps its own copy of a field's value: set it the way typing does, then leave it the
  // way the reader did (a debounced field, such as the period's dates, sends its value then).
  function setValue(field, value) {
    var prototype = Object.getPrototypeOf(field);
    Object.getOwnPropertyDescriptor(prototype, "value").set.call(field, value);
    field.dispatchEvent(new Event("input", { bubbles: true }));
    field.dispatchEvent(new Event("change", { bubbles: true }));
    field.dispatchEvent(new FocusEvent("focusout", { bubbles: true }));
  }

  function changed(field) {
    if (field.tagName === "SELECT") {
      return Array.prototype.some.call(field.options, function (option) {
        return option.selected !== option.defaultSelected;
      });
    }
    return field.value !== field.defaultValue;
  }

  // Pairs [Dash's field, value] and Dash's buttons to press, found while the copy is there.
  function pending() {
    var values = [];
    visit(copy, FIELDS).forEach(function (field) {
      var other = changed(field) ? twin(field) : null;
      if (other && other.value !== field.value) {
        values.push([other, field.value]);
      }
    });
    copy.querySelectorAll("details[open]").forEach(function (details) {
      var other = twin(details.querySelector("summary") || details);
      var target = other && other.closest("details");
      if (target) {
        target.open = true;
      }
    });
    var buttons = pressed.map(function (button) {
      return twin(button);
    });
    return { values: values, buttons: buttons.filter(Boolean) };
  }

  // Buttons first. A checkbox writes its state into the address, and so does a field (the
  // permalink), each from the address as it finds it: the field waits for the checkbox's
  // address, or the second would write over the first.
  function replay(todo) {
    var before = window.location.search;
    todo.buttons.forEach(function (button) {
      button.click();
    });
    var waited = 0;
    (function setValues() {
      if (todo.buttons.length && window.location.search === before && waited < ADDRESS_PATIENCE_MS) {
        waited += 50;
        window.setTimeout(setValues, 50);
        return;
      }
      todo.values.forEach(function (pair) {
        setValue(pair[0], pair[1]);
      });
    })();
  }

  // A field of the copy being typed in: the hand-over waits until the reader leaves it or
  // presses Enter, for what is half typed (a date's day and month) cannot be carried over.
  function typing() {
    var field = document.activeElement;
    return copy.contains(field) && field.matches(TYPED) && field !== committed;
  }

  // Once plotly.js should have drawn, the copy's drawings stand in for the charts it has not
  // drawn yet (or cannot: a failed download); drawings.css hides them when it does.
  function keepDrawings() {
    var copied = copy.querySelectorAll(".chart-box");
    var boxes = root.querySelectorAll(".chart-box");
    Array.prototype.forEach.call(boxes, function (box, index) {
      var drawing = copied[index] && copied[index].querySelector(".svg-chart");
      if (drawing && !box.querySelector(".main-svg, .svg-chart")) {
        box.appendChild(drawing);
      }
    });
  }

  function handOver() {
    if (typing()) {
      return; // again at the reader's focusout or Enter
    }
    if (waitedEnough) {
      keepDrawings();
    }
    var active = copy.contains(document.activeElement) ? document.activeElement : null;
    var target = active ? twin(active) : null;
    var selection = null;
    if (active && typeof active.selectionStart === "number") {
      selection = [active.selectionStart, active.selectionEnd];
    }
    observer.disconnect();
    window.clearTimeout(patience);
    var todo = pending();
    copy.remove();
    if (window.location.hash.indexOf("#" + PREFIX) === 0) {
      // The copy's skip link was followed: its target now has Dash's id.
      var address = window.location.href.replace("#" + PREFIX, "#");
      window.history.replaceState(window.history.state, "", address);
    }
    if (target) {
      target.focus({ preventScroll: true });
      if (selection && typeof target.setSelectionRange === "function") {
        try {
          target.setSelectionRange(selection[0], selection[1]);
        } catch (error) {
          // date and number fields have no text selection: the focus is enough
        }
      }
    }
    replay(todo);
    if (target) {
      keepFocus(target);
    }
  }

  // The values carried over make Dash redraw the results, and the element that had the focus
  // there (a download button) with them: the focus goes to the one now in its place.
  function keepFocus(element) {
    var index = visit(root, FOCUSABLE).indexOf(element);
    var watcher = new MutationObserver(function () {
      if (!element.isConnected && document.activeElement === document.body) {
        element = visit(root, FOCUSABLE)[index] || element;
        element.focus({ preventScroll: true });
      }
    });
    watcher.observe(root, { childList: true, subtree: true });
    window.setTimeout(function () {
      watcher.disconnect();
    }, REDRAW_PATIENCE_MS);
  }

  // plotly.js has drawn every chart, or left it for when the reader comes near it
  // (deferred-charts.js: the server's drawing stands there), and carte.js the map (it travels
  // in data-svg).
  function chartsDrawn(page) {
    var charts = Array.prototype.every.call(page.querySelectorAll(".chart-box"), function (box) {
      return box.querySelector(".main-svg, [data-deferred]");
    });
    return charts && Array.prototype.every.call(page.querySelectorAll("[data-svg]"), function (map) {
      return map.querySelector("svg");
    });
  }

  // Dash's page is there, and its charts are drawn or have been waited for long enough.
  function ready() {
    var page = document.getElementById(copy.dataset.page);
    if (!page || !page.firstElementChild) {
      return false;
    }
    if (chartsDrawn(page) || waitedEnough) {
      return true;
    }
    if (patience === null) {
      patience = window.setTimeout(function () {
        waitedEnough = true;
        check();
      }, CHART_PATIENCE_MS);
    }
    return false;
  }

  function check() {
    if (copy.isConnected && ready()) {
      handOver();
    }
  }

  var observer = new MutationObserver(check);
  observer.observe(root, {
    childList: true,
    subtree: true,
    attributes: true,
    attributeFilter: ["data-deferred"]
  });
  copy.addEventListener("focusout", function () {
    window.setTimeout(check, 0); // once the focus has moved on
  });
  copy.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && event.target.matches(TYPED)) {
      committed = event.target;
      check();
    }
  });
  copy.addEventListener("focusin", function () {
    committed = null;
  });

  // Buttons of the copy do nothing by themselves: Dash's twins are pressed at the hand-over.
  copy.addEventListener("click", function (event) {
    var button = event.target.closest("button");
    // explore.js's buttons act at once, on the copy's drawing: nothing to press again.
    if (broken || !button || !copy.contains(button) || button.closest("[data-explore-tools]")) {
      return;
    }
    pressed.push(button);
    flip(button);
  });

  // A checkbox of the copy shows its new state at once (and its old one back, should Dash fail).
  function flip(button) {
    if (button.getAttribute("role") === "checkbox") {
      var checked = button.getAttribute("aria-checked") === "true";
      button.setAttribute("aria-checked", checked ? "false" : "true");
    }
  }

  // The control (or chart) of the copy an event is about, when it says the reader means to act.
  function control(event) {
    var target = event.target instanceof Element ? event.target : null;
    var found = target && copy.contains(target) ? target.closest(CONTROLS) : null;
    if (!found || found.closest(NOT_CONTROLS)) {
      return null;
    }
    if (found.matches(".chart-box") && !(event.type === "pointerdown" && event.pointerType === "mouse")) {
      return null; // a tap or a hover shows a tooltip (explore.js)
    }
    return found;
  }

  // Dash's scripts run after the frame that shows the reader's action, not before it.
  function onIntent(event) {
    if (control(event)) {
      window.requestAnimationFrame(function () {
        window.setTimeout(start, 0);
      });
    }
  }

  // Dash's scripts are downloaded, not run, as soon as a pointer comes over a control.
  var preloaded = false;

  function preload(event) {
    if (preloaded || started || !control({ target: event.target, type: "focusin" })) {
      return;
    }
    preloaded = true;
    window.removeEventListener("pointerover", preload, true);
    Array.prototype.forEach.call(later.content.querySelectorAll("script[src]"), function (model) {
      var hint = document.createElement("link");
      hint.rel = "preload";
      hint.as = "script";
      hint.href = model.getAttribute("src");
      document.head.appendChild(hint);
    });
  }

  // The display's checkboxes need no Dash: the server draws the copy's charts again with the
  // new display (explore.js fetches them), and Dash's twins are pressed at the hand-over.
  function redrawDisplay() {
    var boxes = copy.querySelectorAll(".display-options [role=checkbox]");
    if (boxes.length !== 2 || !window.barometre) {
      return;
    }
    var names = window.barometre.constants();
    var search = window.barometre.displaySearch(
      boxes[0].getAttribute("aria-checked") === "true",
      boxes[1].getAttribute("aria-checked") === "true",
      window.location.search,
      names.display
    );
    document.dispatchEvent(
      new CustomEvent("barometre:affichage", { detail: { search: search, copie: true } })
    );
  }

  // A field changed in the copy waits for Dash's page; a display drawn again by the server
  // needs it not.
  var waitsForDash = false;

  function busy(on) {
    copy.querySelectorAll("[data-busy-region]").forEach(function (region) {
      if (on) {
        region.setAttribute("aria-busy", "true");
      } else {
        region.removeAttribute("aria-busy");
      }
    });
  }

  document.addEventListener("barometre:affichage-dessine", function () {
    if (copy.isConnected && !waitsForDash) {
      busy(false);
    }
  });

  // The results the reader has just changed say so until they are drawn again.
  function updating(event) {
    var target = event.target instanceof Element ? event.target : null;
    if (broken || !target || !copy.contains(target) || target.closest(NOT_CONTROLS) ||
        target.closest(OWN_RESULTS)) {
      return;
    }
    if (event.type === "click") {
      if (!target.closest(".display-options [role=checkbox]")) {
        return;
      }
      busy(true);
      redrawDisplay();
      return;
    }
    waitsForDash = true;
    busy(true);
  }

  copy.addEventListener("change", updating);
  copy.addEventListener("click", updating);

  if (later) {
    INTENTS.forEach(function (name) {
      window.addEventListener(name, onIntent, { capture: true, passive: true });
    });
    window.addEventListener("pointerover", preload, { capture: true, passive: true });
    document.addEventListener(START_EVENT, start);
  }
})();

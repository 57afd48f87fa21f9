/* Baromètre numérique — the département map (layouts/map.py) and the « Département » select.
 *
 * Dash has no SVG components: the server builds the map (maps.svg) and sends it in the block's
 * data-svg attribute; it is drawn here, again after every update. Choosing a département, in the
 * select or by a click / Enter on a shape (links to the same page with ?departement=, so the map
 * works without this script too), goes to the page's callback through a dcc.Store. After an
 * update the chosen shape gets the focus back.
 */
(function () {
  "use strict";

  var MAP_ID = "carte-departements";
  var SELECT_ID = "departement";
  var STORE_ID = "departement-choix";
  var SETTLE_MS = 500;
  // The named links, and the enlarged copies of Paris and its suburbs (mouse only).
  var SHAPES = "#" + MAP_ID + " [data-departement]";
  var refocus = null;

  function draw() {
    var node = document.getElementById(MAP_ID);
    var markup = node && node.getAttribute("data-svg");
    if (!markup || node.carteDrawn === markup) {
      return;
    }
    node.innerHTML = markup;
    node.carteDrawn = markup;
    if (refocus) {
      var shape = node.querySelector('a[data-departement="' + refocus + '"]');
      refocus = null;
      if (shape) {
        shape.focus();
      }
    }
  }

  function choose(code) {
    var select = document.getElementById(SELECT_ID);
    if (select) {
      select.value = code;
    }
    if (window.dash_clientside && window.dash_clientside.set_props) {
      window.dash_clientside.set_props(STORE_ID, { data: code });
    }
  }

  function shapeOf(event) {
    return event.target && event.target.closest ? event.target.closest(SHAPES) : null;
  }

  // With the keyboard, a closed select changes at every arrow key: the charts follow the
  // département the reader stops on, not each one passed on the way (nor a history entry each).
  var pending = null;
  document.addEventListener("change", function (event) {
    if (event.target && event.target.id === SELECT_ID) {
      var code = event.target.value;
      window.clearTimeout(pending);
      pending = window.setTimeout(function () {
        choose(code);
      }, SETTLE_MS);
    }
  });

  document.addEventListener("click", function (event) {
    var shape = shapeOf(event);
    // A new tab or window (modifier keys, middle button) keeps the link's own behaviour.
    if (!shape || event.button || event.ctrlKey || event.metaKey || event.shiftKey) {
      return;
    }
    event.preventDefault();
    refocus = shape.getAttribute("data-departement");
    choose(refocus);
  });

  // The line under the map repeats the shape's name and value for sighted mouse users.
  function describe(event) {
    var shape = shapeOf(event);
    var block = shape && shape.closest(".carte-bloc");
    var info = block && block.querySelector(".carte-info");
    var code = shape && shape.getAttribute("data-departement");
    var link = code && block.querySelector('a[data-departement="' + code + '"]');
    if (info && link) {
      info.textContent = link.getAttribute("aria-label");
    }
  }
  document.addEventListener("focusin", describe);
  document.addEventListener("mouseover", describe);

  // A focused small département (Paris and its suburbs) is a few pixels wide: its enlarged copy
  // in the inset is highlighted too, so that the keyboard focus can be seen.
  function markCopy(event, focused) {
    var shape = shapeOf(event);
    var code = shape && shape.getAttribute("data-departement");
    var map = document.getElementById(MAP_ID);
    var copy = code && map && map.querySelector('.carte-zoom g[data-departement="' + code + '"]');
    if (copy) {
      copy.classList.toggle("en-focus", focused);
    }
  }
  document.addEventListener("focusin", function (event) {
    markCopy(event, true);
  });
  document.addEventListener("focusout", function (event) {
    markCopy(event, false);
  });

  new MutationObserver(draw).observe(document.documentElement, {
    childList: true,
    subtree: true,
    attributes: true,
    attributeFilter: ["data-svg"],
  });
  draw();
})();

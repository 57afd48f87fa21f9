/* Baromètre numérique — every page's clientside callbacks (callbacks/pages.py): the document's
 * title, the navigation's current link and the printed address after each navigation, as
 * window.dash_clientside.pages. The navigation's id comes from <meta name="barometre-clientside">
 * (clientside.py).
 */
(function () {
  "use strict";

  function title(text) {
    if (text) {
      document.title = text;
    }
    return null;
  }

  // The navigation link of the current page says so (aria-current).
  function currentLink(pathname) {
    var meta = document.querySelector('meta[name="barometre-clientside"]');
    var nav = JSON.parse(meta.getAttribute("content")).nav;
    document.querySelectorAll("#" + nav + " a").forEach(function (link) {
      if (new URL(link.href).pathname === pathname) {
        link.setAttribute("aria-current", "page");
      } else {
        link.removeAttribute("aria-current");
      }
    });
    return null;
  }

  // The printed address: the page shown, with the query string of its controls (permalink).
  function printAddress(state) {
    return state && state.pathname
      ? window.location.origin + state.pathname + (state.search || "")
      : window.location.href;
  }

  window.dash_clientside = Object.assign({}, window.dash_clientside, {
    pages: { title: title, currentLink: currentLink, printAddress: printAddress },
  });
})();

/* Baromètre numérique — hands the page over from the server's copy to Dash (prerender.py).
 *
 * The copy (#prerendu) shows while Dash loads; Dash renders unseen on top of it (barometre.css).
 * Once Dash's page region holds the page, the copy goes: Dash's tree takes its place in the same
 * frame, at the same position, so nothing moves and nothing is read twice.
 */
(function () {
  "use strict";

  var copy = document.getElementById("prerendu");
  var root = document.getElementById("react-entry-point");
  if (!copy || !root) {
    return;
  }
  var observer = new MutationObserver(function () {
    var page = document.getElementById(copy.dataset.page);
    if (page && page.firstElementChild) {
      observer.disconnect();
      copy.remove();
    }
  });
  observer.observe(root, { childList: true, subtree: true });
})();

/* Baromètre numérique — the embed builder's clientside callbacks (callbacks/embed.py): its
 * dialog opened and closed, its code copied, as window.dash_clientside.embedBuilder. The ids come
 * from <meta name="barometre-clientside"> (clientside.py).
 */
(function () {
  "use strict";

  function ids() {
    var meta = document.querySelector('meta[name="barometre-clientside"]');
    return JSON.parse(meta.getAttribute("content")).embed;
  }

  // showModal() gives the dialog its modal focus handling; Escape and the browser's focus
  // return come with it. The explicit focus() covers browsers that do not restore it.
  function toggle(opened, closed) {
    var names = ids();
    var dialog = document.getElementById(names.dialog);
    var opener = document.getElementById(names.open);
    var trigger = window.dash_clientside.callback_context.triggered_id;
    if (!dialog) {
      return window.dash_clientside.no_update;
    }
    if (!dialog.dataset.ready) {
      dialog.dataset.ready = "1";
      dialog.addEventListener("close", function () {
        if (opener) {
          opener.focus();
        }
      });
    }
    if (trigger === names.open && opened && !dialog.open) {
      dialog.showModal();
    }
    if (trigger === names.close && closed && dialog.open) {
      dialog.close();
    }
    return window.dash_clientside.no_update;
  }

  // navigator.clipboard needs a secure context; elsewhere the selected textarea is copied. The
  // message alternates a final no-break space so that a second copy is announced again.
  async function copy(clicks, code) {
    if (!clicks || !code) {
      return window.dash_clientside.no_update;
    }
    var again = clicks % 2 ? "" : "\u00a0";
    try {
      await navigator.clipboard.writeText(code);
    } catch (error) {
      var area = document.getElementById(ids().code);
      area.focus();
      area.select();
      var copied = false;
      try {
        copied = document.execCommand("copy");
      } catch (ignored) {
        copied = false;
      }
      if (!copied) {
        return "Copie impossible\u00a0: le code est sélectionné, copiez-le avec Ctrl+C.";
      }
    }
    return "Code copié" + again;
  }

  window.dash_clientside = Object.assign({}, window.dash_clientside, {
    embedBuilder: { toggle: toggle, copy: copy },
  });
})();

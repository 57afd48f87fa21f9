/* Baromètre numérique — what the checkboxes « Afficher les événements » and « Comparer avec
 * l'année précédente » do to a plotly figure: event marks (shapes and annotations named
 * marks.evenement) and the year-ago overlay (the trace whose meta is marks.comparaison) shown or
 * hidden. Used by the site's pages (assets/indicator.js) and by the embeds
 * (embed/embed.js, which loads it with plotly.js); figures.set_display does the same on the
 * server. Returns copies: Plotly.react redraws only what changed.
 */
window.barometreDisplay = function (figure, marks, events, comparison) {
  "use strict";

  function shown(item, key, value, visible) {
    return item[key] === value ? Object.assign({}, item, { visible: visible }) : item;
  }

  var layout = Object.assign({}, figure.layout || {});
  ["shapes", "annotations"].forEach(function (part) {
    if (layout[part]) {
      layout[part] = layout[part].map(function (item) {
        return shown(item, "name", marks.evenement, events);
      });
    }
  });
  var data = (figure.data || []).map(function (trace) {
    return shown(trace, "meta", marks.comparaison, comparison);
  });
  return { data: data, layout: layout };
};

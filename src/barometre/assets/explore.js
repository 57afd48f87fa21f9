/* Baromètre numérique — charts a keyboard, a screen reader and a pointer can explore.
 *
 * Works on the server's drawing of a chart (drawings.py), never on plotly.js: the drawing
 * carries its points in data-points (exploration.py: each point's place in the plot area and
 * the words of its row in the data table). Each chart gets one Tab stop; there ← → move from
 * point to point, ↑ ↓ from series to series, Début/Fin to the ends, Page préc./suiv. by a year
 * (or ten points), Espace plays the point, Échap leaves. Each step shows a marker and a tooltip
 * and is announced in a polite live region. Beside the chart, « Point précédent » and « Point
 * suivant » do the same for screen readers in browse mode, and « Écouter » plays the series as
 * pitch (Web Audio, only when asked). A pointer over the drawing, or a tap, shows the tooltip.
 *
 * The same drawing stays the keyboard's chart once plotly.js has drawn over it: it is shown
 * again while the reader explores, so nothing changes under the reader's hands. In Dash's page
 * the drawing travels in the chart box's data-svg attribute (layouts/common.chart_block) and is
 * written here, again after every update; where the reader was is kept across the hand-over
 * from the server's copy to Dash's page (prerendered.js), by chart.
 */
(() => {
  "use strict";

  const DRAWING = ".svg-chart[data-points]";
  const BOXES = ".chart-box[data-svg]";
  const PART = "data-explore-part";
  // The buttons, help and live region beside a chart, written by the server so that nothing
  // moves when this script arrives (layouts/common.explore_tools, templates/embed.html).
  const TOOLS = "[data-explore-tools]";
  const TONE_LOW = 220; // Hz: the lowest value; the highest is two octaves up
  const SECONDS_PER_POINT = 0.08;
  const SHORTEST = 1.5; // s, the whole series, however few its points
  const LONGEST = 6;
  const VOLUME = 0.15;
  const HOVER_REACH = 40; // px from a point within which the pointer shows it

  // Where the reader is, by chart: it outlives the drawing (hand-over, Dash's redraws).
  const places = new Map();
  let counter = 0;
  let audio = null;
  let playing = null;

  // -- the chart's data ------------------------------------------------------------------------

  function chartKey(box) {
    const section = box.closest("[aria-labelledby]");
    const label = section ? section.getAttribute("aria-labelledby") : "";
    const copy = box.closest("[data-prefix]");
    const prefix = copy ? copy.dataset.prefix : "";
    const bare = label && prefix && label.startsWith(prefix) ? label.slice(prefix.length) : label;
    return { id: bare || box.id || `graphique-${(counter += 1)}`, prefix };
  }

  function read(drawing) {
    try {
      return JSON.parse(drawing.getAttribute("data-points"));
    } catch {
      return null;
    }
  }

  function pointText(point) {
    return point[3] ? `${point[2]}, ${point[3]}` : point[2];
  }

  // -- the explorer of one chart ---------------------------------------------------------------

  function element(tag, attributes, text) {
    const node = document.createElement(tag);
    Object.entries(attributes).forEach(([name, value]) => node.setAttribute(name, value));
    node.setAttribute(PART, "");
    if (text) {
      node.textContent = text;
    }
    return node;
  }

  function explore(drawing) {
    const data = read(drawing);
    const box = drawing.parentElement;
    if (!data || !data.series.length || !box) {
      return;
    }
    const tools = box.nextElementSibling;
    if (!tools || !tools.matches(TOOLS)) {
      return;
    }
    drawing.explored = true;
    box.querySelectorAll(`[${PART}]`).forEach((node) => node.remove());
    const key = chartKey(box);
    const signature = drawing.getAttribute("data-points");
    let place = places.get(key.id);
    if (!place || place.signature !== signature) {
      place = { signature, series: 0, index: -1 };
      places.set(key.id, place);
    }
    const count = data.series.reduce((total, line) => total + line.points.length, 0);
    const layer = element("div", { class: "explore-layer", "aria-hidden": "true" });
    const marker = element("div", { class: "explore-marker", hidden: "" });
    const tip = element("div", { class: "explore-tip", hidden: "" });
    layer.append(marker, tip);
    const previous = tools.querySelector(".explore-previous");
    const following = tools.querySelector(".explore-next");
    const listen = tools.querySelector(".explore-listen");
    const help = tools.querySelector(".explore-help");
    const live = tools.querySelector("[aria-live]");
    const focus = element("div", {
      class: "explore-focus",
      id: `${key.prefix}${key.id}-exploration`,
      tabindex: "0",
      role: "application",
      "aria-roledescription": "graphique",
      "aria-label": `${data.nom}, ${count} points`,
      "aria-describedby": help.id,
    });
    box.append(layer, focus);

    function series() {
      return data.series[place.series];
    }

    function show(point, label) {
      const area = drawing.querySelector(".svg-area");
      if (!area || !point) {
        marker.hidden = true;
        tip.hidden = true;
        return;
      }
      const frame = box.getBoundingClientRect();
      const plot = area.getBoundingClientRect();
      const x = plot.left - frame.left + (point[0] ?? 0) * plot.width;
      const y = plot.top - frame.top + (point[1] ?? 1) * plot.height;
      marker.hidden = false;
      marker.classList.toggle("explore-masked", point[1] === null || point[0] === null);
      marker.style.left = `${x}px`;
      marker.style.top = `${y}px`;
      tip.hidden = false;
      tip.textContent = "";
      if (label) {
        tip.append(element("strong", {}, label));
      }
      tip.append(element("span", {}, point[2]));
      if (point[3]) {
        tip.append(element("span", {}, point[3]));
      }
      // Above the point, inside the box; below it when there is no room above.
      const width = tip.offsetWidth;
      const left = Math.min(Math.max(x - width / 2, 0), Math.max(frame.width - width, 0));
      const above = y - tip.offsetHeight - 12;
      tip.style.left = `${left}px`;
      tip.style.top = `${above >= 0 ? above : y + 12}px`;
    }

    function hide() {
      marker.hidden = true;
      tip.hidden = true;
    }

    function announce(text) {
      live.textContent = text;
    }

    function current() {
      return series().points[place.index];
    }

    function go(index, label) {
      const points = series().points;
      place.index = Math.min(Math.max(index, 0), points.length - 1);
      box.dataset.exploreActive = "true";
      const name = data.series.length > 1 ? series().nom : "";
      show(current(), name);
      const said = pointText(current());
      announce(label ? `${label}\u00a0— ${said}` : said);
    }

    function move(step) {
      go(place.index < 0 ? 0 : place.index + step);
    }

    // ↑ ↓: the same date on the other series (the nearest place along the width).
    function switchSeries(step) {
      if (data.series.length < 2) {
        go(Math.max(place.index, 0));
        return;
      }
      const at = place.index < 0 ? null : current()[0];
      place.series = (place.series + step + data.series.length) % data.series.length;
      const points = series().points;
      let index = 0;
      if (at !== null) {
        points.forEach((point, i) => {
          if (Math.abs(point[0] - at) < Math.abs(points[index][0] - at)) {
            index = i;
          }
        });
      }
      go(index, series().nom);
    }

    const KEYS = {
      ArrowRight: () => move(1),
      ArrowLeft: () => move(-1),
      ArrowDown: () => switchSeries(1),
      ArrowUp: () => switchSeries(-1),
      Home: () => go(0),
      End: () => go(series().points.length - 1),
      PageDown: () => move(data.pas),
      PageUp: () => move(-data.pas),
      " ": () => {
        if (place.index < 0) {
          go(0);
        }
        play(series().points.slice(place.index, place.index + 1), 0.3, data.axe);
      },
      Escape: () => {
        hide();
        previous.focus();
      },
    };

    focus.addEventListener("keydown", (event) => {
      const action = KEYS[event.key];
      if (action && !event.altKey && !event.ctrlKey && !event.metaKey) {
        event.preventDefault();
        action();
      }
    });
    focus.addEventListener("focus", () => {
      box.dataset.exploreActive = "true";
      if (place.index >= 0) {
        show(current(), data.series.length > 1 ? series().nom : "");
      }
    });
    // Properties, not listeners: Dash may keep these buttons for the next drawing.
    previous.onclick = () => move(-1);
    following.onclick = () => move(1);
    listen.onclick = () => {
      if (playing && playing.button === listen) {
        stop();
        return;
      }
      const length = series().points.length * SECONDS_PER_POINT;
      play(series().points, Math.min(Math.max(length, SHORTEST), LONGEST), data.axe, listen);
    };

    // Leaving the chart and its buttons: the drawing gives the place back to plotly's.
    const leave = (event) => {
      const into = event.relatedTarget;
      if (into && (box.contains(into) || tools.contains(into))) {
        return;
      }
      delete box.dataset.exploreActive;
      hide();
    };

    // The pointer: the nearest point under it, on the drawing only (plotly.js has its own).
    function nearest(event) {
      const area = drawing.querySelector(".svg-area");
      if (!area || box.querySelector(".main-svg") && !box.dataset.exploreActive) {
        return null;
      }
      const plot = area.getBoundingClientRect();
      let best = null;
      let distance = HOVER_REACH;
      data.series.forEach((line) => {
        line.points.forEach((point) => {
          const x = plot.left + (point[0] ?? 0) * plot.width;
          const y = plot.top + (point[1] ?? 1) * plot.height;
          const d = Math.hypot(x - event.clientX, y - event.clientY);
          if (d < distance) {
            distance = d;
            best = { point, name: data.series.length > 1 ? line.nom : "" };
          }
        });
      });
      return best;
    }

    // Whether the pointer is over the tooltip shown: it stays while the reader reads it there
    // (WCAG 1.4.13), though the tooltip lets the pointer through to the drawing.
    function overTip(event) {
      if (tip.hidden) {
        return false;
      }
      const shown = tip.getBoundingClientRect();
      return event.clientX >= shown.left && event.clientX <= shown.right
        && event.clientY >= shown.top && event.clientY <= shown.bottom;
    }

    function pointer(event) {
      if (box.dataset.exploreActive) {
        return; // the keyboard's point stays where the reader put it
      }
      if (event.type === "pointermove" && overTip(event)) {
        return;
      }
      const found = nearest(event);
      if (found) {
        show(found.point, found.name);
      } else {
        hide();
      }
    }

    box.onpointermove = pointer;
    box.onpointerdown = pointer;
    box.onpointerleave = () => {
      if (!box.dataset.exploreActive) {
        hide();
      }
    };

    // The focus comes back where it was after a hand-over or a redraw, should nothing else
    // (prerendered.js) have put it somewhere.
    const parts = { focus, previous, following, listen };
    const lost = !document.activeElement || document.activeElement === document.body;
    if (place.focused && lost) {
      parts[place.focused].focus({ preventScroll: true });
    }
    Object.entries(parts).forEach(([name, node]) => {
      node.onfocus = () => {
        place.focused = name;
      };
      // Each part's blur, not a focusout on the group: no browser has an onfocusout property,
      // and these buttons are Dash's, kept from drawing to drawing (properties, not listeners).
      node.onblur = (event) => {
        if (event.relatedTarget) {
          place.focused = null;
        }
        leave(event);
      };
    });
  }

  // -- hearing the shape -----------------------------------------------------------------------

  function stop() {
    if (playing) {
      playing.nodes.forEach((node) => {
        try {
          node.stop();
        } catch {
          // already stopped
        }
      });
      if (playing.button) {
        playing.button.textContent = "Écouter";
      }
      window.clearTimeout(playing.timer);
      playing = null;
    }
  }

  // One tone per point, its pitch the point's height; silence where a point has no value; a
  // click at each event. Only ever at the reader's request (a button or a key).
  // ``axis`` "x": flat bars, whose values run along the width.
  function play(points, seconds, axis, button) {
    stop();
    const Context = window.AudioContext || window.webkitAudioContext;
    if (!Context || !points.length) {
      return;
    }
    audio = audio || new Context();
    audio.resume?.();
    const start = audio.currentTime + 0.05;
    const step = seconds / points.length;
    const oscillator = audio.createOscillator();
    const volume = audio.createGain();
    oscillator.type = "sine";
    oscillator.connect(volume);
    volume.connect(audio.destination);
    volume.gain.setValueAtTime(0, audio.currentTime);
    const nodes = [oscillator];
    points.forEach((point, index) => {
      const at = start + index * step;
      const masked = point[0] === null || point[1] === null;
      const level = axis === "x" ? point[0] : 1 - point[1];
      oscillator.frequency.setValueAtTime(TONE_LOW * 2 ** (2 * (masked ? 0 : level)), at);
      volume.gain.setValueAtTime(masked ? 0 : VOLUME, at);
      if (point[4]) {
        nodes.push(click(at));
      }
    });
    volume.gain.setValueAtTime(0, start + seconds);
    oscillator.start(start);
    oscillator.stop(start + seconds + 0.05);
    playing = { nodes, button };
    if (button) {
      button.textContent = "Arrêter";
      playing.timer = window.setTimeout(stop, (seconds + 0.2) * 1000);
    }
  }

  function click(at) {
    const tick = audio.createOscillator();
    const gain = audio.createGain();
    tick.type = "square";
    tick.frequency.setValueAtTime(1760, at);
    gain.gain.setValueAtTime(VOLUME, at);
    tick.connect(gain);
    gain.connect(audio.destination);
    tick.start(at);
    tick.stop(at + 0.02);
    return tick;
  }

  // -- finding the charts ----------------------------------------------------------------------

  // Dash's chart boxes carry the drawing as markup: written (again) when it changes, one box a
  // task, so that a page of charts Dash has just drawn is not one long task for the reader.
  let drawingBoxes = false;

  function drawBoxes() {
    if (drawingBoxes) {
      return;
    }
    const box = [...document.querySelectorAll(BOXES)].find(
      (candidate) => candidate.exploreDrawn !== candidate.getAttribute("data-svg")
    );
    if (!box) {
      return;
    }
    const markup = box.getAttribute("data-svg");
    box.querySelectorAll(":scope > .svg-chart").forEach((old) => old.remove());
    box.insertAdjacentHTML("beforeend", markup);
    box.exploreDrawn = markup;
    drawingBoxes = true;
    window.setTimeout(() => {
      drawingBoxes = false;
      scan();
    }, 0);
  }

  function scan() {
    drawBoxes();
    document.querySelectorAll(DRAWING).forEach((drawing) => {
      if (!drawing.explored) {
        explore(drawing);
      }
    });
  }

  // -- a display changed in the browser --------------------------------------------------------

  // « Afficher les événements » and « Comparer avec l'année précédente » change plotly.js's
  // figures at once (display.js, from indicator.js and embed.js); the drawings the keyboard walks
  // are the server's, drawn for one display: those of the new one come from the page's own
  // address with it (whole answers are cached by the server). Only the latest choice is applied,
  // and only while the address still asks for it: a new period brings drawings of its own.
  let displayAsked = 0;

  function byChart(root) {
    const found = new Map();
    root.querySelectorAll(DRAWING).forEach((drawing) => {
      found.set(chartKey(drawing.parentElement).id, drawing);
    });
    return found;
  }

  // ``search`` is the new display's query string; the address already says it, except in the
  // server's copy of the page, whose choices Dash writes there once it takes over (copyOnly).
  function followDisplay(search, copyOnly) {
    displayAsked += 1;
    const asked = displayAsked;
    const address = () => (copyOnly ? search : window.location.search);
    // The page's drawings alone (prerender.drawings_html): the same drawings, far less to parse.
    const drawings = new URLSearchParams(search);
    drawings.set("partie", "dessins");
    fetch(`${window.location.pathname}?${drawings}`, { credentials: "same-origin" })
      .then((response) => (response.ok ? response.text() : Promise.reject(response.status)))
      .then((text) => {
        if (asked !== displayAsked || address() !== search) {
          return;
        }
        const fresh = byChart(new DOMParser().parseFromString(text, "text/html"));
        // Dash's boxes: their attribute, drawn again by drawBoxes (not yet the copy's choice).
        if (!copyOnly) {
          document.querySelectorAll(BOXES).forEach((box) => {
            const drawing = fresh.get(chartKey(box).id);
            if (drawing) {
              box.setAttribute("data-svg", drawing.outerHTML);
            }
          });
        }
        // The server's copy and the embeds: the drawing itself, one chart a task after the
        // parsing's, so that the reader's next gesture never waits for them all.
        const replaced = [...byChart(document)].filter(
          ([id, drawing]) => !drawing.parentElement.matches(BOXES) && fresh.has(id)
        );
        const next = () => {
          if (asked !== displayAsked) {
            return;
          }
          const [id, drawing] = replaced.shift() || [];
          if (drawing && drawing.isConnected) {
            drawing.replaceWith(document.importNode(fresh.get(id), true));
          }
          scan();
          if (replaced.length) {
            window.setTimeout(next, 0);
          } else {
            document.dispatchEvent(new CustomEvent("barometre:affichage-dessine"));
          }
        };
        window.setTimeout(next, 0);
      })
      // The drawing shown stays (plotly.js's figure already shows the choice): the next
      // choice, or a new period, tries again.
      .catch(() => {});
  }

  document.addEventListener("barometre:affichage", (event) =>
    followDisplay(event.detail.search, Boolean(event.detail.copie)));

  // Set on plotly.js's modebar while Échap has hidden the names of its buttons.
  const TIPS_HIDDEN = "modebar-tips-hidden";

  document.addEventListener("keydown", (event) => {
    // Tooltips shown by the pointer go with Échap (WCAG 1.4.13), plotly.js's labels too.
    if (event.key === "Escape") {
      document.querySelectorAll(".explore-tip, .explore-marker").forEach((node) => {
        if (!node.closest("[data-explore-active]")) {
          node.hidden = true;
        }
      });
      if (window.Plotly && window.Plotly.Fx) {
        document.querySelectorAll(".js-plotly-plot").forEach((chart) => window.Plotly.Fx.unhover(chart));
      }
      // The names plotly.js's modebar shows under its buttons (CSS, barometre.css) go too,
      // until the pointer or the focus comes to a button again.
      document.querySelectorAll(".modebar").forEach((bar) => bar.classList.add(TIPS_HIDDEN));
    }
  });

  const showModebarTips = (event) => {
    const bar = event.target.closest && event.target.closest(".modebar");
    if (bar && event.target.closest(".modebar-btn") !== event.relatedTarget?.closest?.(".modebar-btn")) {
      bar.classList.remove(TIPS_HIDDEN);
    }
  };
  document.addEventListener("pointerover", showModebarTips);
  document.addEventListener("focusin", showModebarTips);

  scan();
  new MutationObserver(scan).observe(document.documentElement, {
    childList: true,
    subtree: true,
    attributes: true,
    attributeFilter: ["data-svg"],
  });
})();

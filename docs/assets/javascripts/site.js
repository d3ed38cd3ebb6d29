/* Site behaviour: charts to explore (plotly.js loaded only on request), table filters and sorting,
   term tooltips on hover and focus. Runs on every page view, including after instant navigation. */
(function () {
  "use strict";
  var plotly = null;

  function loadPlotly() {
    if (window.Plotly) return Promise.resolve(window.Plotly);
    if (!plotly) {
      plotly = new Promise(function (resolve, reject) {
        var s = document.createElement("script");
        s.src = new URL("assets/javascripts/plotly-basic.min.js", __md_scope).href;
        s.onload = function () { resolve(window.Plotly); };
        s.onerror = reject;
        document.head.appendChild(s);
      });
    }
    return plotly;
  }

  /* Chart colours follow the theme: read them from material's CSS variables. */
  function themed(layout) {
    var css = getComputedStyle(document.body);
    var fg = css.getPropertyValue("--md-default-fg-color").trim() || "#000";
    var grid = css.getPropertyValue("--md-default-fg-color--lightest").trim() || "#ddd";
    var out = JSON.parse(JSON.stringify(layout));
    out.font = Object.assign({}, out.font, { color: fg });
    ["xaxis", "yaxis"].forEach(function (axis) {
      out[axis] = Object.assign({}, out[axis], { gridcolor: grid, linecolor: grid, zerolinecolor: grid });
    });
    return out;
  }

  /* Give the toolbar's buttons accessible names (plotly.js only sets data-title). */
  function nameToolbar(node) {
    node.querySelectorAll(".modebar-btn").forEach(function (btn) {
      var name = btn.getAttribute("data-title");
      if (name) { btn.setAttribute("aria-label", name); btn.setAttribute("role", "button"); }
      if (!btn.hasAttribute("tabindex")) btn.setAttribute("tabindex", "0");
    });
  }

  /* Once drawn, a chart holds buttons, so it can no longer be role=img (an image's content is
     presentational: its buttons would vanish for screen readers; axe nested-interactive). The
     container becomes a labelled group that Tab still reaches; the drawing is the image, with
     the chart's description; plotly's overlay layers (hover labels) are hidden. */
  function labelChart(node) {
    var label = node.getAttribute("aria-label") || "";
    node.setAttribute("role", "group");
    node.querySelectorAll("svg.main-svg").forEach(function (svg, index) {
      if (index === 0) {
        svg.setAttribute("role", "img");
        svg.setAttribute("aria-label", label);
        svg.removeAttribute("aria-hidden");
      } else {
        svg.setAttribute("aria-hidden", "true");
      }
    });
    nameToolbar(node);
  }

  function drawChart(node) {
    return loadPlotly().then(function (Plotly) {
      var spec = JSON.parse(node.dataset.chart);
      node._spec = spec;
      // On a touch screen the toolbar would sit over the chart: it is left out there, where
      // hover and download buttons do not apply (the data table below has every value).
      var config = Object.assign({}, spec.config);
      if (window.matchMedia && window.matchMedia("(hover: none)").matches) config.displayModeBar = false;
      return Plotly.newPlot(node, spec.data, themed(spec.layout), config).then(function () {
        labelChart(node);
        // plotly.js may rebuild its layers and toolbar on any later redraw (theme, resize).
        node.on("plotly_afterplot", function () { labelChart(node); });
        node.setAttribute("data-drawn", "true");
      });
    });
  }

  /* Every chart is drawn at build time and shows at once. plotly.js, the heaviest file on the
     site, is fetched only when a reader asks to explore a chart: its button, or a tap or click
     on the drawing. The canvas then takes the drawing's place, and focus. */
  function explore(figure) {
    var node = figure.querySelector("[data-chart]");
    if (!node || figure.classList.contains("chart--interactive")) return;
    var button = figure.querySelector(".chart-explore");
    if (button.disabled) return;  // already loading: a second tap must not draw it twice
    button.textContent = "Loading the interactive chart…";
    button.disabled = true;
    node.hidden = false;
    drawChart(node).then(function () {
      figure.classList.add("chart--interactive");
      node.setAttribute("tabindex", "0");
      node.focus();
    }, function () {
      node.hidden = true;
      button.disabled = false;
      button.textContent = "The interactive chart could not load: try again";
    });
  }

  function explorableCharts(root) {
    root.querySelectorAll("figure.chart").forEach(function (figure) {
      var button = figure.querySelector(".chart-explore");
      var drawing = figure.querySelector(".chart-static");
      if (!button || button.dataset.ready) return;
      button.dataset.ready = "true";
      button.hidden = false;
      button.addEventListener("click", function () { explore(figure); });
      if (!drawing) { explore(figure); return; }  // a preview built without Chromium: no drawing
      drawing.setAttribute("data-explorable", "");
      drawing.addEventListener("click", function () { explore(figure); });
    });
  }

  function restyleCharts() {
    if (!window.Plotly) return;
    document.querySelectorAll("[data-chart][data-drawn]").forEach(function (node) {
      window.Plotly.relayout(node, themed(node._spec.layout));
    });
  }

  /* Sortable, filterable tables: the plain table works without JavaScript. */
  function enhanceTable(table) {
    if (table.dataset.enhanced) return;
    table.dataset.enhanced = "true";
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    var status = document.createElement("p");
    status.className = "table-status";
    status.setAttribute("role", "status");

    if (table.dataset.filters) {
      var filters = JSON.parse(table.dataset.filters);
      var form = document.createElement("form");
      form.className = "table-filters";
      form.setAttribute("aria-label", "Filter the table");
      Object.keys(filters).forEach(function (key) {
        var id = table.id + "-filter-" + key;
        var wrap = document.createElement("span");
        var lab = document.createElement("label");
        lab.htmlFor = id;
        lab.textContent = filters[key].label + " ";  // the column's own heading
        var select = document.createElement("select");
        select.id = id;
        select.name = key;
        select.add(new Option("All", ""));
        Object.keys(filters[key].values).forEach(function (value) {
          if (rows.some(function (r) { return r.dataset[key] === value; })) {
            select.add(new Option(filters[key].values[value], value));
          }
        });
        wrap.appendChild(lab);
        wrap.appendChild(select);
        form.appendChild(wrap);
      });
      form.addEventListener("submit", function (ev) { ev.preventDefault(); });
      form.addEventListener("change", function () {
        var shown = 0;
        rows.forEach(function (row) {
          var keep = Array.prototype.every.call(form.elements, function (el) {
            return !el.value || row.dataset[el.name] === el.value;
          });
          row.hidden = !keep;
          if (keep) shown += 1;
        });
        // On one page of a long list, say so: the filters apply to the rows of this page.
        status.textContent = "Showing " + shown + " of " + rows.length + " rows" +
          (table.dataset.page ? " on this page (" + table.dataset.page + ")." : ".");
      });
      var wrapper = table.closest(".data-table") || table;
      wrapper.parentNode.insertBefore(form, wrapper);
      wrapper.parentNode.insertBefore(status, wrapper);
    }

    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, index) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "sort-button";
      button.textContent = th.textContent;
      th.textContent = "";
      th.appendChild(button);
      button.addEventListener("click", function () {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        Array.prototype.forEach.call(table.tHead.rows[0].cells, function (c) { c.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var key = function (row) {
          var cell = row.cells[index];
          var v = cell.querySelector("[data-sort-value]");
          return v ? parseFloat(v.dataset.sortValue) : cell.textContent.trim().toLowerCase();
        };
        rows.slice().sort(function (a, b) {
          var x = key(a), y = key(b);
          var c = (typeof x === "number" && typeof y === "number") ? x - y : String(x).localeCompare(String(y), "en", { numeric: true });
          return ascending ? c : -c;
        }).forEach(function (row) { body.appendChild(row); });
        status.textContent = "Sorted by " + button.textContent + ", " + (ascending ? "ascending" : "descending") + ".";
      });
    });
  }

  /* A table wider than its column scrolls sideways: its scrolling box then takes focus, so a
     keyboard can scroll it (WCAG 2.1.1; axe scrollable-region-focusable), named after the caption. */
  var scrollObserver = typeof ResizeObserver === "undefined" ? null : new ResizeObserver(function (entries) {
    entries.forEach(function (entry) {
      var wrap = entry.target.closest(".md-typeset__scrollwrap");
      if (wrap) updateScrollRegion(wrap);
    });
  });

  function updateScrollRegion(wrap) {
    if (wrap.scrollWidth > wrap.clientWidth + 1) {
      var caption = wrap.querySelector("caption");
      wrap.setAttribute("tabindex", "0");
      wrap.setAttribute("role", "region");
      wrap.setAttribute("aria-label", caption ? caption.textContent.trim() : "Table");
      wrap.setAttribute("data-scrolls", "true");
    } else if (wrap.hasAttribute("data-scrolls")) {
      ["tabindex", "role", "aria-label", "data-scrolls"].forEach(function (name) { wrap.removeAttribute(name); });
    }
  }

  function scrollableTables(root) {
    if (scrollObserver) scrollObserver.disconnect();  // the previous page's tables are gone
    root.querySelectorAll(".md-typeset__scrollwrap").forEach(function (wrap) {
      updateScrollRegion(wrap);
      if (scrollObserver) {
        scrollObserver.observe(wrap);
        var table = wrap.querySelector("table");
        if (table) scrollObserver.observe(table);
      }
    });
  }

  /* Abbreviations outside links get focus, so keyboard users see their definition too. */
  function focusableTerms(root) {
    root.querySelectorAll("abbr[title]").forEach(function (abbr) {
      if (!abbr.closest("a") && !abbr.hasAttribute("tabindex")) abbr.setAttribute("tabindex", "0");
    });
  }

  /* Definitions of terms, and what a mark in the annex stands for, in one shared tooltip shown on
     hover and on keyboard focus, hoverable, dismissed with Escape (WCAG 1.4.13). A few listeners
     for the whole page, nothing per element: the theme's own tooltips set up a component for
     every title, a long task on pages with many terms. */
  var TIP_TARGETS = "abbr[title], abbr[data-tip], .annex-mark[title], .annex-mark[data-tip]";
  var tip = null, tipFor = null, tipTimer = 0;

  function tipText(el) {
    if (el.hasAttribute("title")) {  // or the browser would show its own tooltip as well
      el.setAttribute("data-tip", el.getAttribute("title"));
      el.removeAttribute("title");
    }
    return el.getAttribute("data-tip");
  }

  function showTip(el) {
    clearTimeout(tipTimer);
    if (!tip) {
      tip = document.createElement("div");
      tip.id = "site-tip";
      tip.className = "site-tip";
      tip.setAttribute("role", "tooltip");
      tip.addEventListener("mouseenter", function () { clearTimeout(tipTimer); });
      tip.addEventListener("mouseleave", function () { hideTipSoon(); });
      document.body.appendChild(tip);
    }
    if (tipFor && tipFor !== el) tipFor.removeAttribute("aria-describedby");
    tip.textContent = tipText(el);
    tipFor = el;
    el.setAttribute("aria-describedby", tip.id);
    tip.hidden = false;
    var box = el.getBoundingClientRect();
    var width = document.documentElement.clientWidth;
    tip.style.top = (box.bottom + window.scrollY + 4) + "px";
    tip.style.left = (window.scrollX + Math.max(8, Math.min(box.left, width - tip.offsetWidth - 8))) + "px";
  }

  function hideTip() {
    clearTimeout(tipTimer);
    if (tip) tip.hidden = true;
    if (tipFor) tipFor.removeAttribute("aria-describedby");
    tipFor = null;
  }

  function hideTipSoon() {  // time to move the pointer from the term onto its tooltip
    clearTimeout(tipTimer);
    tipTimer = setTimeout(hideTip, 300);
  }

  function target(ev) {
    return ev.target.closest ? ev.target.closest(TIP_TARGETS) : null;
  }

  document.addEventListener("focusin", function (ev) {
    var el = target(ev);
    if (el) showTip(el); else hideTip();
  });
  document.addEventListener("focusout", function (ev) {
    if (tipFor && target(ev) === tipFor) hideTip();
  });
  document.addEventListener("mouseover", function (ev) {
    var el = target(ev);
    if (el) showTip(el);
    else if (tipFor && tipFor !== document.activeElement && !(tip && tip.contains(ev.target))) hideTipSoon();
  });
  document.addEventListener("keydown", function (ev) {
    if (ev.key === "Escape" && tipFor) hideTip();
  });

  function init() {
    hideTip();  // after instant navigation, the last page's tooltip is gone
    var root = document.querySelector(".md-content") || document;
    explorableCharts(root);
    root.querySelectorAll("table[data-sortable]").forEach(enhanceTable);
    focusableTerms(root);
    scrollableTables(root);
    document.documentElement.setAttribute("data-site-ready", "true");  // what tests wait for
  }

  if (typeof document$ !== "undefined") {
    document$.subscribe(init);
  } else {
    document.addEventListener("DOMContentLoaded", init);
  }

  new MutationObserver(restyleCharts).observe(document.body, {
    attributes: true, attributeFilter: ["data-md-color-scheme"]
  });
  /* plotly.js toolbar buttons are links without href: Enter and Space do not press them. */
  document.addEventListener("keydown", function (ev) {
    var btn = ev.target.closest && ev.target.closest(".modebar-btn");
    if (btn && (ev.key === "Enter" || ev.key === " ")) {
      ev.preventDefault();
      btn.dispatchEvent(new MouseEvent("click", { bubbles: true, cancelable: true, view: window }));
    }
  });
})();

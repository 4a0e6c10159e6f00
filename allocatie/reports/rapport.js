/* Script of rapport.html (allocatie.reports.html): map tooltips, zoom and pan, table
   sorting and search, opening collapsed tables for printing. No external code. */
(function () {
  "use strict";

  /* ---- Map: tooltip, zoom, pan ---------------------------------------------------- */
  var vak = document.querySelector(".kaartvak");
  var svg = document.getElementById("kaart-svg");
  if (vak && svg) {
    var tip = vak.querySelector(".tooltip");
    var labels = svg.querySelector(".labels");
    var basisGrootte = labels ? parseFloat(labels.getAttribute("data-grootte")) : 0;
    var B = parseFloat(svg.getAttribute("data-breedte"));
    var H = parseFloat(svg.getAttribute("data-hoogte"));
    var beeld = { x: 0, y: 0, w: B, h: H };

    svg.querySelectorAll("title").forEach(function (t) { t.remove(); });

    var zet = function () {
      svg.setAttribute("viewBox", [beeld.x, beeld.y, beeld.w, beeld.h].join(" "));
      if (labels) { labels.setAttribute("font-size", (basisGrootte * beeld.w / B).toFixed(2)); }
    };
    var naarSvg = function (cx, cy) {
      var r = svg.getBoundingClientRect();
      return { x: beeld.x + (cx - r.left) / r.width * beeld.w, y: beeld.y + (cy - r.top) / r.height * beeld.h };
    };
    var zoom = function (factor, p) {
      var w = Math.min(B * 1.2, Math.max(B / 40, beeld.w / factor));
      var f = w / beeld.w;
      p = p || { x: beeld.x + beeld.w / 2, y: beeld.y + beeld.h / 2 };
      beeld = { x: p.x - (p.x - beeld.x) * f, y: p.y - (p.y - beeld.y) * f, w: w, h: beeld.h * f };
      zet();
    };
    var reset = function () { beeld = { x: 0, y: 0, w: B, h: H }; zet(); };
    var schuif = function (dx, dy) { beeld.x += dx; beeld.y += dy; zet(); };

    var toon = function (el, e) {
      var titel = el.getAttribute("data-titel");
      if (!titel) { tip.style.display = "none"; return; }
      tip.textContent = "";
      var b = document.createElement("b");
      b.textContent = titel;
      tip.appendChild(b);
      (el.getAttribute("data-regels") || "").split("\n").forEach(function (regel) {
        var d = document.createElement("div");
        d.textContent = regel;
        tip.appendChild(d);
      });
      tip.style.display = "block";
      var r = vak.getBoundingClientRect();
      var x = e.clientX - r.left + 14, y = e.clientY - r.top + 14;
      if (x + tip.offsetWidth > r.width - 4) { x = e.clientX - r.left - tip.offsetWidth - 14; }
      if (y + tip.offsetHeight > r.height - 4) { y = e.clientY - r.top - tip.offsetHeight - 14; }
      tip.style.left = Math.max(4, x) + "px";
      tip.style.top = Math.max(4, y) + "px";
    };
    var doelVan = function (e) { return e.target.closest ? e.target.closest(".gemeente, .flex") : null; };

    var sleep = null;
    svg.addEventListener("pointerdown", function (e) {
      if (e.button !== 0) { return; }
      sleep = { cx: e.clientX, cy: e.clientY, x: beeld.x, y: beeld.y, bewogen: false, id: e.pointerId };
    });
    svg.addEventListener("pointermove", function (e) {
      if (sleep && e.pointerId === sleep.id && (e.buttons & 1)) {
        var dx = e.clientX - sleep.cx, dy = e.clientY - sleep.cy;
        if (!sleep.bewogen && Math.abs(dx) + Math.abs(dy) > 4) {
          sleep.bewogen = true;
          svg.setPointerCapture(e.pointerId);
          svg.classList.add("sleept");
          tip.style.display = "none";
        }
        if (sleep.bewogen) {
          var r = svg.getBoundingClientRect();
          beeld.x = sleep.x - dx / r.width * beeld.w;
          beeld.y = sleep.y - dy / r.height * beeld.h;
          zet();
          return;
        }
      }
      var el = doelVan(e);
      if (el) { toon(el, e); } else { tip.style.display = "none"; }
    });
    var einde = function (e) {
      if (!sleep) { return; }
      var was = sleep.bewogen;
      sleep = null;
      svg.classList.remove("sleept");
      if (was) { return; }
      var el = doelVan(e);
      if (el && el.classList.contains("gemeente")) {
        var rij = document.getElementById("g-" + el.getAttribute("data-code"));
        if (rij) {
          document.querySelectorAll("tr.uitgelicht").forEach(function (t) { t.classList.remove("uitgelicht"); });
          rij.classList.add("uitgelicht");
          rij.scrollIntoView({ behavior: "smooth", block: "center" });
        }
      }
    };
    svg.addEventListener("pointerup", einde);
    svg.addEventListener("pointercancel", function () { sleep = null; svg.classList.remove("sleept"); });
    svg.addEventListener("pointerleave", function () { if (!sleep) { tip.style.display = "none"; } });
    svg.addEventListener("dblclick", function (e) { e.preventDefault(); zoom(2, naarSvg(e.clientX, e.clientY)); });
    vak.addEventListener("wheel", function (e) {
      if (!(e.ctrlKey || document.activeElement === vak)) { return; }
      e.preventDefault();
      zoom(e.deltaY < 0 ? 1.25 : 0.8, naarSvg(e.clientX, e.clientY));
    }, { passive: false });
    svg.addEventListener("click", function () { vak.focus({ preventScroll: true }); });
    vak.addEventListener("keydown", function (e) {
      var stap = beeld.w / 10;
      var acties = {
        "+": function () { zoom(1.5); }, "=": function () { zoom(1.5); },
        "-": function () { zoom(1 / 1.5); }, "0": reset,
        ArrowLeft: function () { schuif(-stap, 0); }, ArrowRight: function () { schuif(stap, 0); },
        ArrowUp: function () { schuif(0, -stap); }, ArrowDown: function () { schuif(0, stap); }
      };
      if (acties[e.key]) { e.preventDefault(); acties[e.key](); }
    });
    vak.querySelectorAll("button[data-zoom]").forEach(function (k) {
      k.addEventListener("click", function () {
        var z = k.getAttribute("data-zoom");
        if (z === "in") { zoom(1.5); } else if (z === "uit") { zoom(1 / 1.5); } else { reset(); }
      });
    });
    window.addEventListener("beforeprint", reset);
  }

  /* ---- Tables: sort by clicking a header ------------------------------------------ */
  document.querySelectorAll("table.sorteerbaar").forEach(function (tabel) {
    var koppen = tabel.querySelectorAll("thead th");
    koppen.forEach(function (th, i) {
      th.addEventListener("click", function () {
        var op = th.getAttribute("aria-sort") !== "ascending";
        koppen.forEach(function (k) { k.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", op ? "ascending" : "descending");
        var body = tabel.tBodies[0];
        var rijen = Array.prototype.slice.call(body.rows);
        var sleutel = function (rij) {
          var c = rij.cells[i];
          if (!c) { return ""; }
          var w = c.getAttribute("data-w");
          return w === null ? c.textContent.toLowerCase() : (w === "" ? -Infinity : parseFloat(w));
        };
        rijen.sort(function (a, b) {
          var x = sleutel(a), y = sleutel(b);
          var v = typeof x === "number" && typeof y === "number" ? x - y : String(x).localeCompare(String(y), "nl");
          return op ? v : -v;
        });
        rijen.forEach(function (r) { body.appendChild(r); });
      });
    });
  });

  /* ---- Tables: search and provincie filter --------------------------------------- */
  /* Every search box (input.zoek) and choice (select.filter) names its table in
     data-tabel; a row stays visible when it contains every search word and its
     data-<veld> equals each chosen value. A span.telling shows how many rows remain. */
  var filterTabellen = {};
  document.querySelectorAll("input.zoek, select.filter").forEach(function (el) {
    var id = el.getAttribute("data-tabel");
    if (document.getElementById(id)) { filterTabellen[id] = true; }
  });
  var filter = function (id) {
    var tabel = document.getElementById(id);
    var woorden = [];
    document.querySelectorAll('input.zoek[data-tabel="' + id + '"]').forEach(function (v) {
      v.value.trim().toLowerCase().split(/\s+/).forEach(function (w) { if (w) { woorden.push(w); } });
    });
    var keuzes = [];
    document.querySelectorAll('select.filter[data-tabel="' + id + '"]').forEach(function (s) {
      if (s.value) { keuzes.push([s.getAttribute("data-veld"), s.value]); }
    });
    var zichtbaar = 0;
    Array.prototype.forEach.call(tabel.tBodies[0].rows, function (r) {
      var tekst = r.textContent.toLowerCase();
      var ok = woorden.every(function (w) { return tekst.indexOf(w) >= 0; }) &&
        keuzes.every(function (k) { return r.getAttribute("data-" + k[0]) === k[1]; });
      r.hidden = !ok;
      if (ok) { zichtbaar += 1; }
    });
    var totaal = tabel.tBodies[0].rows.length;
    document.querySelectorAll('span.telling[data-tabel="' + id + '"]').forEach(function (t) {
      var eenheid = t.getAttribute(totaal === 1 ? "data-enkel" : "data-meer");
      t.textContent = (zichtbaar === totaal ? "" : zichtbaar.toLocaleString("nl-NL") + " van ") +
        totaal.toLocaleString("nl-NL") + " " + eenheid;
    });
  };
  Object.keys(filterTabellen).forEach(function (id) {
    document.querySelectorAll('input.zoek[data-tabel="' + id + '"]').forEach(function (v) {
      v.addEventListener("input", function () { filter(id); });
    });
    document.querySelectorAll('select.filter[data-tabel="' + id + '"]').forEach(function (s) {
      s.addEventListener("change", function () { filter(id); });
    });
    filter(id);  /* a browser may restore typed values on reload */
  });

  /* ---- Printing: open collapsed sections, close them again afterwards ------------- */
  var geopend = [];
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details:not([open])").forEach(function (d) { d.open = true; geopend.push(d); });
  });
  window.addEventListener("afterprint", function () {
    geopend.forEach(function (d) { d.open = false; });
    geopend = [];
  });
})();

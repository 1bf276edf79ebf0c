// The report's table: pages, filters, sorts and opens a parcel's reasoning on demand. Plain
// DOM (textContent only, so no string from a register is ever read as HTML); no library.
(function () {
  "use strict";
  function data(id) { return JSON.parse(document.getElementById(id).textContent); }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined && text !== null) { e.textContent = text; }
    return e;
  }
  var page = data("page-data"), rows = data("rows-data"), why = null;
  var W = page.words, P = page.provisions, OUT = Object.keys(page.outcomes);
  var letter = page.letters, byLetter = {};
  OUT.forEach(function (o, i) { byLetter[letter[o]] = i; });
  var table = document.getElementById("parcels"), body = table.tBodies[0];
  var heads = table.tHead.rows[0].querySelectorAll("th[data-col]");
  // as localeCompare(a, b, "zh", {numeric: true}), whatever the page language: names are Chinese
  var collator = new Intl.Collator("zh", { numeric: true });
  var state = { col: -1, dir: 0, order: null, shown: [], start: 0, size: 100 };
  var open = {};

  function outcomeOf(r, p) { var c = rows[r][3].charAt(p); return c && c !== "-" ? OUT[byLetter[c]] : ""; }
  function matches(r, p, o, text) {
    var row = rows[r];
    if (o === "error" && row[4] === "") { return false; }
    if (o && o !== "error") {
      if (row[4] !== "") { return false; }
      var want = letter[o];
      if (p !== "" ? row[3].charAt(+p) !== want : row[3].indexOf(want) < 0) { return false; }
    }
    if (!text) { return true; }
    return String(r + 1) === text || (row[0] + "\u0000" + row[1] + "\u0000" + row[2]).toLowerCase().indexOf(text) >= 0;
  }
  function keyCompare(col) {
    if (col === 0) { return function (a, b) { return a - b; }; }
    if (col <= 3) {
      var f = col - 1;
      return function (a, b) { return collator.compare(rows[a][f], rows[b][f]); };
    }
    var p = col - 4;
    function rank(r) { var c = rows[r][3].charAt(p); return c && c !== "-" ? byLetter[c] : 9; }
    return function (a, b) { return rank(a) - rank(b); };
  }
  var ascending = {};
  function ordered(col, dir) {
    // Ascending once per column (ties in register order); descending reverses the runs of equal
    // keys, so ties stay in register order both ways.
    var cmp = keyCompare(col), asc = ascending[col];
    if (!asc) {
      asc = ascending[col] = rows.map(function (_, i) { return i; }).sort(function (a, b) { return cmp(a, b) || a - b; });
    }
    if (dir === 1) { return asc; }
    var out = [], end = asc.length;
    for (var i = asc.length - 1; i >= 0; i--) {
      if (i === 0 || cmp(asc[i - 1], asc[i]) !== 0) {
        for (var j = i; j < end; j++) { out.push(asc[j]); }
        end = i;
      }
    }
    return out;
  }
  function refresh() {
    var p = document.getElementById("f-provision").value;
    var o = document.getElementById("f-outcome").value;
    var text = document.getElementById("f-text").value.trim().toLowerCase();
    var order = state.order || rows.map(function (_, i) { return i; });
    state.shown = (p === "" && o === "" && !text) ? order : order.filter(function (r) { return matches(r, p, o, text); });
    state.start = 0;
    draw();
  }
  function sortBy(col) {
    var same = state.col === col;
    state.dir = same ? (state.dir === 1 ? -1 : state.dir === -1 ? 0 : 1) : 1;
    state.col = state.dir ? col : -1;
    for (var i = 0; i < heads.length; i++) {
      heads[i].classList.remove("sorted-asc", "sorted-desc");
      heads[i].removeAttribute("aria-sort");
    }
    if (state.dir) {
      heads[col].classList.add(state.dir === 1 ? "sorted-asc" : "sorted-desc");
      heads[col].setAttribute("aria-sort", state.dir === 1 ? "ascending" : "descending");
      state.order = ordered(col, state.dir);
    } else {
      state.order = null;
    }
    refresh();
  }
  function draw() {
    var n = state.shown.length, end = Math.min(n, state.start + state.size);
    var frag = document.createDocumentFragment();
    for (var k = state.start; k < end; k++) {
      var r = state.shown[k], row = rows[r], tr = el("tr", row[4] ? "error" : "");
      tr.setAttribute("data-row", r);
      tr.appendChild(el("td", "num", r + 1));
      tr.appendChild(el("td", "src", row[0]));
      tr.appendChild(el("td", "code", row[1]));
      tr.appendChild(el("td", "name", row[2]));
      if (row[4]) {
        var td = el("td", "o-error", W.error); tr.appendChild(td);
        var msg = el("td", "msg", row[4]); msg.colSpan = P.length - 1 || 1;
        if (P.length > 1) { tr.appendChild(msg); } else { td.title = row[4]; }
      } else {
        for (var p = 0; p < P.length; p++) {
          var o = outcomeOf(r, p);
          tr.appendChild(el("td", o ? "o-" + o : "", o ? page.outcomes[o] : ""));
        }
      }
      var cell = el("td", "screen");
      if (!row[4]) { var b = el("button", "why", W.why); b.type = "button"; b.setAttribute("data-row", r); cell.appendChild(b); }
      tr.appendChild(cell);
      frag.appendChild(tr);
      if (open[r]) { frag.appendChild(reasoning(r)); }
    }
    body.textContent = "";
    body.appendChild(frag);
    document.getElementById("shown").textContent = n ? W.shown.replace("{from}", state.start + 1)
      .replace("{to}", end).replace("{n}", n).replace("{total}", rows.length) : W.none_shown;
    document.getElementById("prev").disabled = state.start === 0;
    document.getElementById("next").disabled = end >= n;
  }
  function reasoning(r) {
    why = why || data("why-data");
    var S = why.strings, tr = el("tr", "why"), cell = el("td"), td = el("div");
    cell.colSpan = P.length + 5; cell.appendChild(td);
    why.parcels[r].forEach(function (part) {
      var v = why.versions[part[0]], o = OUT[part[1]];
      var h = el("p"); h.appendChild(el("b", "", v[0] + " "));
      h.appendChild(el("span", "o-" + o, page.outcomes[o]));
      h.appendChild(document.createTextNode((part[2] >= 0 ? S[part[2]] : "") + " — " + S[v[1]]));
      td.appendChild(h);
      var q = el("p", "", S[v[2]] + " "); q.appendChild(el("q", "quote", "「" + S[v[3]] + "」")); td.appendChild(q);
      td.appendChild(el("p", "", page.conditions_word));
      var t = part[3], root = el("ul", "tree"), stack = [root], last = null;
      for (var i = 0; i < t.length; i += 4) {
        var depth = t[i], c = why.conditions[t[i + 1]];
        while (stack.length > depth + 1) { stack.pop(); }
        if (stack.length < depth + 1) { var ul = el("ul"); last.appendChild(ul); stack.push(ul); }
        var li = el("li", "r" + t[i + 2]);
        li.appendChild(el("span", "mark", page.marks[t[i + 2]]));
        li.appendChild(document.createTextNode(" " + S[c[0]]));
        if (c[1] >= 0) { li.appendChild(document.createTextNode(" ")); li.appendChild(el("q", "quote", "「" + S[c[1]] + "」")); }
        if (t[i + 3] >= 0) { li.appendChild(el("span", "dim", " [" + S[t[i + 3]] + "]")); }
        stack[stack.length - 1].appendChild(li);
        last = li;
      }
      td.appendChild(root);
      part[4].forEach(function (s) { td.appendChild(el("p", "", S[s])); });
      part[5].forEach(function (sec) {
        var box = el("div", "explain"); box.appendChild(el("p", "", S[sec[0]]));
        var ul = el("ul"); sec[1].forEach(function (s) { ul.appendChild(el("li", "", S[s])); });
        box.appendChild(ul); td.appendChild(box);
        if (!why.ranked && o === "undetermined") { box.appendChild(el("p", "dim", W.ranks_left_out)); }
      });
      v[4].forEach(function (s) { td.appendChild(el("p", "dim", S[s])); });
    });
    tr.appendChild(cell);
    return tr;
  }
  body.addEventListener("click", function (e) {
    var b = e.target.closest("button.why");
    if (!b) { return; }
    var r = +b.getAttribute("data-row");
    if (open[r]) { delete open[r]; } else { open[r] = true; }
    draw();
  });
  for (var i = 0; i < heads.length; i++) {
    (function (col) {
      heads[col].addEventListener("click", function () { sortBy(col); });
      heads[col].addEventListener("keydown", function (e) { if (e.key === "Enter") { sortBy(col); } });
    })(i);
  }
  ["f-provision", "f-outcome"].forEach(function (id) { document.getElementById(id).addEventListener("change", refresh); });
  document.getElementById("f-text").addEventListener("input", refresh);
  document.getElementById("per-page").addEventListener("change", function (e) { state.size = +e.target.value; state.start = 0; draw(); });
  document.getElementById("prev").addEventListener("click", function () { state.start = Math.max(0, state.start - state.size); draw(); });
  document.getElementById("next").addEventListener("click", function () { state.start += state.size; draw(); });
  var mapChoice = document.getElementById("map-provision");
  if (mapChoice) {
    var paths = document.querySelectorAll("#map path[data-row]");
    mapChoice.addEventListener("change", function () {
      var p = +mapChoice.value;
      for (var i = 0; i < paths.length; i++) {
        var r = +paths[i].getAttribute("data-row"), o = rows[r][4] ? "error" : outcomeOf(r, p) || "error";
        paths[i].setAttribute("class", "o-" + o + (paths[i].classList.contains("line") ? " line" : ""));
      }
    });
  }
  refresh();
  performance.mark("landrules-table");
  // The text columns' collation order, prepared once the page is shown, so a click only reorders.
  var pending = [2, 3, 1];
  (function prepare() {
    var col = pending.shift();
    if (col === undefined) { performance.mark("landrules-sort-ready"); return; }
    ordered(col, 1);
    setTimeout(prepare, 0);
  })();
})();

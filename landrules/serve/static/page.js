// The applicant's page: send the answers to /v1/interview, show the questions still needed and
// each provision's verdict. Plain JavaScript, no library; every text shown comes from the server.
"use strict";
(function () {
  var body = document.body;
  var lang = body.getAttribute("data-lang");
  var key = "landrules.answers";
  var answers = {};
  try { answers = JSON.parse(sessionStorage.getItem(key) || "{}") || {}; } catch (e) { answers = {}; }
  var questionsEl = document.getElementById("questions");
  var verdictEl = document.getElementById("verdict");
  var statusEl = document.getElementById("status");
  var download = document.getElementById("download");
  var pending = 0;

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) { node.setAttribute(name, attrs[name]); });
    if (text) { node.textContent = text; }
    return node;
  }

  function field(q) {
    var id = "f-" + q.fact;
    var value = answers[q.fact] || "";
    if (q.kind === "list") {
      var box = el("div", { "class": "options", id: id, "data-fact": q.fact });
      var chosen = value.split(",");
      q.options.forEach(function (option) {
        var label = el("label");
        var input = el("input", { type: "checkbox", value: option, name: q.fact });
        input.checked = chosen.indexOf(option) >= 0;
        label.appendChild(input);
        label.appendChild(document.createTextNode(" " + option));
        box.appendChild(label);
      });
      return box;
    }
    if (q.options.length) {
      var select = el("select", { id: id, name: q.fact, "data-fact": q.fact });
      select.appendChild(el("option", { value: "" }, body.getAttribute("data-choose")));
      q.options.forEach(function (option) {
        var opt = el("option", { value: option }, option);
        if (option === value) { opt.selected = true; }
        select.appendChild(opt);
      });
      return select;
    }
    var input = el("input", { type: "text", id: id, name: q.fact, "data-fact": q.fact });
    input.value = value;
    return input;
  }

  function showQuestions(data) {
    var focused = document.activeElement && document.activeElement.getAttribute("name");
    questionsEl.textContent = "";
    data.questions.forEach(function (q) {
      var box = el("div", { "class": q.needed ? "q" : "q answered", "data-fact": q.fact });
      box.appendChild(el("label", { "class": "words", "for": "f-" + q.fact }, q.words));
      if (q.needed_for) { box.appendChild(el("div", { "class": "small" }, q.needed_for)); }
      if (q.quote) { box.appendChild(el("q", { "class": "quote small" }, "「" + q.quote + "」")); }
      box.appendChild(field(q));
      box.appendChild(el("div", { "class": "small allowed" }, q.allowed));
      var refused = data.refused[q.fact];
      var hint = el("span", { "class": "hint", id: "hint-" + q.fact, role: "alert" });
      if (refused) { hint.textContent = refused.message + (refused.hint ? " — " + refused.hint : ""); }
      box.appendChild(hint);
      questionsEl.appendChild(box);
    });
    if (!data.questions.some(function (q) { return q.needed; })) {
      questionsEl.appendChild(el("p", { "class": "small", id: "none-needed" }, body.getAttribute("data-none-needed")));
    }
    if (focused) {
      var again = questionsEl.querySelector("[name='" + focused.replace(/'/g, "") + "']");
      if (again) { again.focus(); }
    }
  }

  function showVerdict(data) {
    // The fragments are the reasoning of `landrules report`, escaped by the server.
    verdictEl.innerHTML = data.html.join("");
    Object.keys(data.outcomes).forEach(function (id) {
      verdictEl.setAttribute("data-" + id.toLowerCase(), data.outcomes[id]);
    });
    var old = download.getAttribute("href");
    if (old && old.indexOf("blob:") === 0) { URL.revokeObjectURL(old); }
    download.setAttribute("href", URL.createObjectURL(new Blob([data.yaml], { type: "application/yaml" })));
  }

  function refresh() {
    var mine = ++pending;
    sessionStorage.setItem(key, JSON.stringify(answers));
    fetch("v1/interview?lang=" + lang, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ answers: answers })
    }).then(function (response) {
      return response.json().then(function (data) { return { ok: response.ok, data: data }; });
    }).then(function (got) {
      if (mine !== pending) { return; }
      if (!got.ok) {
        statusEl.textContent = body.getAttribute("data-error") + " " + (got.data.detail || "");
        return;
      }
      statusEl.textContent = "";
      showQuestions(got.data);
      showVerdict(got.data);
      body.setAttribute("data-ready", String(mine));
    }).catch(function (err) {
      statusEl.textContent = body.getAttribute("data-error") + " " + err;
    });
  }

  questionsEl.addEventListener("change", function (event) {
    var target = event.target;
    var fact = target.getAttribute("name");
    if (!fact) { return; }
    if (target.type === "checkbox") {
      var boxes = questionsEl.querySelectorAll("input[type=checkbox][name='" + fact + "']");
      answers[fact] = Array.prototype.filter.call(boxes, function (b) { return b.checked; })
        .map(function (b) { return b.value; }).join(",");
    } else {
      answers[fact] = target.value;
    }
    if (!answers[fact]) { delete answers[fact]; }
    refresh();
  });
  document.getElementById("facts").addEventListener("submit", function (event) { event.preventDefault(); });
  document.getElementById("print").addEventListener("click", function () { window.print(); });
  refresh();
})();

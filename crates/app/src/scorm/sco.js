/* Sightline SCORM 1.2 SCO: the lessons above, then the scenario check, graded here
   and reported to the LMS through the SCORM 1.2 runtime API. Written for Sightline
   (no third-party code). See docs/scorm.md for what the answer-key hashing protects. */
(function () {
  "use strict";

  var data = JSON.parse(document.getElementById("sco-data").textContent);
  var W = data.words;

  function fmt(text, args) {
    return text.replace(/\{(\w+)\}/g, function (m, k) { return k in args ? String(args[k]) : m; });
  }

  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text !== undefined) e.textContent = text;
    return e;
  }

  // ----- SHA-256 (FIPS 180-4) of a string's UTF-8, as lower-case hex -------------
  var K = [
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2
  ];

  function rotr(x, n) { return (x >>> n) | (x << (32 - n)); }

  function sha256hex(text) {
    var msg = new TextEncoder().encode(text);
    var total = Math.ceil((msg.length + 9) / 64) * 64;
    var buf = new Uint8Array(total);
    buf.set(msg);
    buf[msg.length] = 0x80;
    var dv = new DataView(buf.buffer);
    var bits = msg.length * 8;
    dv.setUint32(total - 8, Math.floor(bits / 0x100000000));
    dv.setUint32(total - 4, bits >>> 0);
    var H = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];
    var w = new Array(64);
    for (var off = 0; off < total; off += 64) {
      var i;
      for (i = 0; i < 16; i++) w[i] = dv.getUint32(off + i * 4);
      for (i = 16; i < 64; i++) {
        var x = w[i - 15], y = w[i - 2];
        var s0 = rotr(x, 7) ^ rotr(x, 18) ^ (x >>> 3);
        var s1 = rotr(y, 17) ^ rotr(y, 19) ^ (y >>> 10);
        w[i] = (w[i - 16] + s0 + w[i - 7] + s1) | 0;
      }
      var a = H[0], b = H[1], c = H[2], d = H[3], e = H[4], f = H[5], g = H[6], h = H[7];
      for (i = 0; i < 64; i++) {
        var t1 = (h + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + K[i] + w[i]) | 0;
        var t2 = ((rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c))) | 0;
        h = g; g = f; f = e; e = (d + t1) | 0; d = c; c = b; b = a; a = (t1 + t2) | 0;
      }
      H[0] = (H[0] + a) | 0; H[1] = (H[1] + b) | 0; H[2] = (H[2] + c) | 0; H[3] = (H[3] + d) | 0;
      H[4] = (H[4] + e) | 0; H[5] = (H[5] + f) | 0; H[6] = (H[6] + g) | 0; H[7] = (H[7] + h) | 0;
    }
    return H.map(function (v) { return ("0000000" + (v >>> 0).toString(16)).slice(-8); }).join("");
  }

  function isRight(q, optionId) {
    return sha256hex(data.salt + ":" + q.id + ":" + optionId) === q.key;
  }

  // ----- the LMS: the SCORM 1.2 API object in a parent frame or the opener --------
  function findIn(win) {
    for (var hops = 0; win && hops < 10; hops++) {
      try {
        if (win.API) return win.API;
      } catch (e) { return null; }
      if (!win.parent || win.parent === win) return null;
      win = win.parent;
    }
    return null;
  }

  var api = findIn(window);
  if (!api && window.opener) api = findIn(window.opener);
  var live = false;
  var finished = false;
  var startedAt = Date.now();

  if (api) {
    live = String(api.LMSInitialize("")) === "true";
    if (live) {
      var status = String(api.LMSGetValue("cmi.core.lesson_status"));
      if (status === "not attempted" || status === "") {
        api.LMSSetValue("cmi.core.lesson_status", "incomplete");
        api.LMSCommit("");
      }
    }
  }
  var lmsNote = document.getElementById("lms-note");
  if (!live) {
    lmsNote.textContent = W.no_lms;
    lmsNote.hidden = false;
  }

  function pad(n, width) { var s = String(n); while (s.length < width) s = "0" + s; return s; }

  // CMITimespan: HHHH:MM:SS.SS
  function sessionTime() {
    var cs = Math.floor((Date.now() - startedAt) / 10);
    var s = Math.floor(cs / 100);
    return pad(Math.min(Math.floor(s / 3600), 9999), 4) + ":" + pad(Math.floor(s / 60) % 60, 2) + ":" +
      pad(s % 60, 2) + "." + pad(cs % 100, 2);
  }

  function record(percent, passed) {
    if (!live || finished) return false;
    api.LMSSetValue("cmi.core.score.min", "0");
    api.LMSSetValue("cmi.core.score.max", "100");
    api.LMSSetValue("cmi.core.score.raw", String(percent));
    api.LMSSetValue("cmi.core.lesson_status", passed ? "passed" : "failed");
    return String(api.LMSCommit("")) === "true";
  }

  function finish() {
    if (!live || finished) return;
    finished = true;
    api.LMSSetValue("cmi.core.session_time", sessionTime());
    api.LMSCommit("");
    api.LMSFinish("");
  }
  window.addEventListener("pagehide", finish);
  window.addEventListener("beforeunload", finish);

  // ----- the check -------------------------------------------------------------
  var byId = {};
  data.questions.forEach(function (q) { byId[q.id] = q; });
  var form = document.getElementById("check-form");
  var result = document.getElementById("result");
  var start = document.getElementById("start");
  var lastForm = -1;
  var current = [];

  document.getElementById("check-lead").textContent =
    fmt(W.check_lead, { count: (data.forms[0] || []).length, percent: data.pass });

  function shuffled(list) {
    var out = list.slice();
    for (var i = out.length - 1; i > 0; i--) {
      var j = Math.floor(Math.random() * (i + 1));
      var t = out[i]; out[i] = out[j]; out[j] = t;
    }
    return out;
  }

  function begin() {
    var n = Math.floor(Math.random() * data.forms.length);
    if (data.forms.length > 1 && n === lastForm) n = (n + 1) % data.forms.length;
    lastForm = n;
    current = data.forms[n].map(function (id) { return byId[id]; }).filter(Boolean);
    form.textContent = "";
    current.forEach(function (q, i) {
      var fs = el("fieldset", { "class": "question", "data-q": q.id });
      fs.appendChild(el("legend", {}, fmt(W.question, { n: i + 1 })));
      fs.appendChild(el("p", { "class": "scenario" }, q.scenario));
      shuffled(q.options).forEach(function (o) {
        var label = el("label", { "class": "option" });
        var input = el("input", { type: "radio", name: "q-" + q.id, value: o.id });
        label.appendChild(input);
        label.appendChild(el("span", {}, o.text));
        fs.appendChild(label);
      });
      form.appendChild(fs);
    });
    var submit = el("button", { type: "submit", id: "submit" }, W.submit);
    form.appendChild(el("p", { id: "form-error", "class": "error", role: "alert" }));
    form.appendChild(submit);
    form.hidden = false;
    result.hidden = true;
    result.textContent = "";
    start.hidden = true;
    form.querySelector("fieldset").scrollIntoView();
  }

  function chosen(q) {
    var input = form.querySelector("input[name='q-" + q.id + "']:checked");
    return input ? input.value : null;
  }

  function optionText(q, id) {
    for (var i = 0; i < q.options.length; i++) if (q.options[i].id === id) return q.options[i].text;
    return "";
  }

  function submitCheck(ev) {
    ev.preventDefault();
    var open = current.filter(function (q) { return chosen(q) === null; }).length;
    var error = document.getElementById("form-error");
    if (open > 0) {
      error.textContent = fmt(W.answer_all, { count: open });
      return;
    }
    error.textContent = "";
    var right = 0;
    current.forEach(function (q) {
      var pick = chosen(q);
      var ok = isRight(q, pick);
      if (ok) right++;
      var fs = form.querySelector("fieldset[data-q='" + q.id + "']");
      fs.classList.add(ok ? "right" : "wrong");
      fs.querySelector("input[value='" + pick + "']").parentNode.classList.add("chosen");
      fs.appendChild(el("p", { "class": "verdict" }, W.your_answer + " " + (ok ? W.right : W.wrong)));
      if (!ok) {
        var better = q.options.filter(function (o) { return isRight(q, o.id); })[0];
        if (better) fs.appendChild(el("p", { "class": "better" }, W.better + " " + optionText(q, better.id)));
      }
    });
    Array.prototype.forEach.call(form.querySelectorAll("input, button"), function (i) { i.disabled = true; });
    var total = current.length;
    var percent = total > 0 ? Math.floor(right * 100 / total) : 0;
    var passed = total > 0 && percent >= data.pass;
    var sent = record(percent, passed);
    result.textContent = "";
    result.setAttribute("data-outcome", passed ? "passed" : "failed");
    result.appendChild(el("h3", {}, passed ? W.passed : W.not_passed));
    result.appendChild(el("p", { "class": "score" }, fmt(W.score, { right: right, total: total, percent: percent })));
    if (!passed) result.appendChild(el("p", {}, fmt(W.need, { percent: data.pass })));
    if (sent) result.appendChild(el("p", {}, W.recorded));
    result.hidden = false;
    if (passed) {
      finish();
    } else {
      start.textContent = W.again;
      start.hidden = false;
    }
    result.scrollIntoView();
  }

  form.addEventListener("submit", submitCheck);
  start.addEventListener("click", begin);
})();

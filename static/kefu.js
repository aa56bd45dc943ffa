// Behaviour the Content-Security-Policy does not allow inline (no onclick=…, no
// javascript: links): bound here, on every page of the admin.
document.addEventListener("click", function (event) {
  var link = event.target.closest('a[href^="javascript:"]');
  if (link) {
    // Flask-Admin's menus, tabs and pager mark "no navigation" with javascript:void(0);
    // following it would be an inline script.  The menus' own handlers still run.
    event.preventDefault();
  }
  if (event.target.closest("[data-print]")) {
    window.print();
  }
  // Flask-Admin's "添加 …" button of inline lines (service order lines) carries an
  // inline onclick="faForm.addInlineField(this, 'lines')", which the policy blocks.
  var add = event.target.closest('a[id$="-button"][onclick*="addInlineField"]');
  if (add && window.faForm) {
    window.faForm.addInlineField(add, add.id.slice(0, -"-button".length));
  }
}, true);

// Date-time fields (admin_views/fields.py): a plain text box people type into —
// nothing rewrites it while typing; the server reads the usual forms and says the
// format when it cannot — and a button that opens the browser's own date-time
// picker (in the browser's language), whose choice is written into the box.
(function () {
  function toPicker(text) {
    // "2026-11-30 9:30[:05]" or "2026/11/30 …" → "2026-11-30T09:30[:05]", else "".
    var m = /^\s*(\d{4})[-\/.](\d{1,2})[-\/.](\d{1,2})[ T]+(\d{1,2})[:：](\d{2})(?:[:：](\d{2}))?\s*$/.exec(text);
    if (!m) { return ""; }
    function two(v) { return ("0" + v).slice(-2); }
    return m[1] + "-" + two(m[2]) + "-" + two(m[3]) + "T" + two(m[4]) + ":" + m[5] +
      (m[6] && m[6] !== "00" ? ":" + m[6] : "");
  }
  function fromPicker(value) {
    // "2026-11-30T09:30" or "…T09:30:05" → "2026-11-30 09:30[:05]".
    return value.replace("T", " ");
  }
  document.querySelectorAll("input[data-kefu-datetime]").forEach(function (box) {
    var button = box.nextElementSibling;
    var native = button && button.nextElementSibling;
    if (!button || !native || !native.classList.contains("kefu-datetime-native")) { return; }
    button.addEventListener("click", function () {
      native.value = toPicker(box.value);
      try {
        native.showPicker();
      } catch (e) {
        native.focus();
      }
    });
    native.addEventListener("change", function () {
      if (native.value) {
        box.value = fromPicker(native.value);
        box.dispatchEvent(new Event("change", {bubbles: true}));
      }
    });
  });
})();

// A create form starts with the cursor in its first empty field (a clerk types at
// once); Enter in a one-line field saves, as on any form.
(function () {
  var form = document.querySelector("form.admin-form");
  if (!form || !/\/new\/?$/.test(window.location.pathname)) { return; }
  var fields = form.querySelectorAll("input.form-control:not([type=hidden]):not([readonly]), select.form-control, textarea.form-control");
  for (var i = 0; i < fields.length; i++) {
    var f = fields[i];
    if (!f.value && f.offsetParent !== null) { f.focus(); break; }
  }
})();

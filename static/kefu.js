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

// Rooms linked to people (admin_views/occupant_lookup.py): choosing a room fills the
// caller/customer/recipient and phone from its occupants (a list to choose another
// one appears under the name; everything stays editable), sets the owner and the
// unit's butler, and limits the owner lookup to that room.
(function ($) {
  if (!$) { return; }
  function marked(role, unitName) { return $("[data-room-" + role + '="' + unitName + '"]'); }
  function setOnce($field, value) {
    // Fill a field the user has not typed into (a value we filled may be replaced).
    if (!$field.length) { return; }
    if ($field.val() && $field.data("roomFilled") !== $field.val()) { return; }
    $field.val(value).data("roomFilled", value);
  }
  function usePerson($name, $phone, person) {
    setOnce($name, person ? person.name : "");
    if (!person || !person.phone_masked) { setOnce($phone, person ? person.phone : ""); }
  }
  function chooser($unit, $name, $phone, card) {
    var $list = $name.nextAll("select.kefu-room-people");
    if (!$list.length) {
      $list = $('<select class="form-control form-control-sm kefu-room-people"></select>');
      $name.after($list);
      $list.on("change", function () {
        var person = $list.data("people")[$list.val()];
        if (person) {
          $name.val(person.name).data("roomFilled", person.name);
          if (!person.phone_masked) { $phone.val(person.phone).data("roomFilled", person.phone); }
        }
      });
    }
    $list.empty().data("people", card.occupants).toggle(card.occupants.length > 0);
    $list.append($("<option>").val("").text($unit.attr("data-room-choose") || ""));
    card.occupants.forEach(function (o, i) {
      $list.append($("<option>").val(String(i)).text(
        o.name + "（" + o.kind + "）" + (o.phone ? " " + o.phone : "")));
    });
  }
  function apply($unit, card) {
    var unitName = $unit.attr("name");
    var $name = marked("name", unitName), $phone = marked("phone", unitName);
    if ($name.length) {
      chooser($unit, $name, $phone, card);
      usePerson($name, $phone, card.occupants[0]);
    }
    marked("owner", unitName).each(function () {
      var $owner = $(this), mine = card.occupants.some(function (o) {
        return String(o.id) === String($owner.val());
      });
      if (!mine && $owner.data("select2")) {
        var first = card.occupants[0];
        $owner.select2("data", first ? {id: first.id, text: first.name + " · " + card.room} : null);
      }
    });
    marked("butler", unitName).each(function () {
      var $butler = $(this);
      if (card.butler && !$butler.data("roomTouched")) {
        $butler.val(String(card.butler.id)).trigger("change", ["room"]);
      }
    });
  }
  $(document).on("change", "[data-room-card]", function () {
    var $unit = $(this), id = $unit.val();
    if (!id) { return; }
    fetch($unit.attr("data-room-card") + "?unit=" + encodeURIComponent(id),
          {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (resp) { return resp.ok ? resp.json() : null; })
      .then(function (card) { if (card) { apply($unit, card); } })
      .catch(function () {});
  });
  $(document).on("change", "[data-room-butler]", function (event, origin) {
    if (origin !== "room") { $(this).data("roomTouched", true); }
  });
  // The owner lookup searches the chosen room only (its rows: room, name, phone).
  $(document).on("select2-opening", "[data-room-owner]", function () {
    var el = this, s2 = $(el).data("select2");
    if (!s2 || !s2.opts.ajax || s2.opts.ajax.kefuRoom) { return; }
    var original = s2.opts.ajax.data;
    s2.opts.ajax.data = function (term, page) {
      var params = original.call(this, term, page);
      var unit = $('[name="' + $(el).attr("data-room-owner") + '"]').val();
      if (unit) { params.unit = unit; }
      return params;
    };
    s2.opts.ajax.kefuRoom = true;
  });
})(window.jQuery);

// A long static list (the key desk's borrowers) is searched by typing a name or a
// role: select2, which the admin already loads, on selects marked data-kefu-search.
(function ($) {
  if (!$ || !$.fn.select2) { return; }
  $("select[data-kefu-search]").select2({width: "100%"});
})(window.jQuery);

// Phone width (kefu.css): a list row becomes a card of "label: value" lines; each
// cell takes its column's header text as data-label (the server's markup stays as
// it is: one header row, plain cells).
(function () {
  document.querySelectorAll("table.model-list").forEach(function (table) {
    var heads = table.querySelectorAll("thead th");
    if (!heads.length) { return; }
    var labels = Array.prototype.map.call(heads, function (th) { return th.textContent.trim(); });
    table.querySelectorAll("tbody tr").forEach(function (tr) {
      Array.prototype.forEach.call(tr.children, function (td, i) {
        if (td.tagName === "TD" && !td.hasAttribute("colspan")) {
          td.setAttribute("data-label", labels[i] || "");
        }
      });
    });
  });
})();
// A create form whose first empty field is a select2 box (a room, a batch) starts
// with the cursor in that box: typing opens it, no click (issue 17: fewer clicks).
// Runs after Flask-Admin has built its select2 boxes (its own load handler comes later).
var kefuFirstFocus = document.activeElement;   // where the page itself put the cursor
window.addEventListener("load", function () { setTimeout(function () {
  var form = document.querySelector("form.admin-form");
  if (!form || !/\/new\/?$/.test(window.location.pathname)) { return; }
  // the clerk has already clicked or typed somewhere: the cursor stays there
  if (document.activeElement !== kefuFirstFocus && document.activeElement !== document.body) { return; }
  var groups = form.querySelectorAll(".form-group");
  for (var i = 0; i < groups.length; i++) {
    var box = groups[i].querySelector(".select2-container");
    if (box) {
      var original = groups[i].querySelector("select, input[data-role^=select2]");
      var focusser = box.querySelector("input.select2-focusser");
      if (original && !original.value && focusser) { focusser.focus(); return; }
      if (original && !original.value) { return; }
      continue;
    }
    var field = groups[i].querySelector("input.form-control:not([type=hidden]):not([readonly]), select.form-control, textarea.form-control");
    if (field && !field.value && field.offsetParent !== null) { return; }  // keeps the cursor
  }
}, 0); });

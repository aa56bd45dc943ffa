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
}, true);

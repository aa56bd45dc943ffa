// The list filters' date pickers (Flask-Admin's daterangepicker 1.3) in Chinese, the
// week starting on Monday; a range reads "2026-11-01 至 2026-11-30" (the server
// accepts 至 as well as "to", admin_views/search_filters.py).
(function ($) {
  if (!$ || !$.fn.daterangepicker) { return; }
  var original = $.fn.daterangepicker;
  var zh = {
    applyLabel: "确定", cancelLabel: "取消", fromLabel: "从", toLabel: "至",
    weekLabel: "周", customRangeLabel: "自定义",
    daysOfWeek: ["日", "一", "二", "三", "四", "五", "六"],
    monthNames: ["1月", "2月", "3月", "4月", "5月", "6月", "7月", "8月", "9月", "10月", "11月", "12月"],
    firstDay: 1
  };
  $.fn.daterangepicker = function (options, callback) {
    options = $.extend({}, options || {});
    options.locale = $.extend({}, zh, options.locale || {});
    if (options.separator === " to ") { options.separator = " 至 "; }
    return original.call(this, options, callback);
  };
})(window.jQuery);

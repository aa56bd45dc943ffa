/* Select2 3.5 messages in Chinese: Flask-Admin bundles select2 without its locale
   files.  Loaded after select2 on Chinese pages (kefu_master.html); no inline code
   (Content-Security-Policy). */
(function ($) {
    "use strict";
    if (!$ || !$.fn || !$.fn.select2) { return; }
    var zh = {
        formatNoMatches: function () { return "没有找到匹配项"; },
        formatInputTooShort: function (input, min) { return "请再输入" + (min - input.length) + "个字符"; },
        formatInputTooLong: function (input, max) { return "请删掉" + (input.length - max) + "个字符"; },
        formatSelectionTooBig: function (limit) { return "你只能选择最多" + limit + "项"; },
        formatLoadMore: function () { return "加载结果中…"; },
        formatSearching: function () { return "搜索中…"; },
        formatAjaxError: function () { return "加载失败"; },
        formatMatches: function (n) { return "共有" + n + "项结果，使用上下方向键选择"; }
    };
    $.fn.select2.locales = $.fn.select2.locales || {};
    $.fn.select2.locales["zh-CN"] = zh;
    $.extend($.fn.select2.defaults, zh);
}(window.jQuery));

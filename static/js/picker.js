// Search-as-you-type pickers (Tom Select, served from node_modules): every <select data-picker-url>
// (sanzero.forms.PickerSelect) is searched on the server, 20 rows a page, more as the list scrolls.
// The server searches by name, pinyin initials, credit code and division code, within the user's scope;
// the browser keeps the order and filters nothing itself (initials do not appear in the names).
// Keyboard: type to search, arrows to move, Enter to choose, Esc to close, Tab to leave.
(function () {
  "use strict";

  function withQuery(url, query) {
    return url + (url.indexOf("?") < 0 ? "?" : "&") + "q=" + encodeURIComponent(query);
  }

  function entryDate(select) {
    var form = select.form;
    var date = form && form.querySelector("input[data-entry-date]");
    return date ? date.value : "";
  }

  function outsidePeriod(item, day) {
    if (!day) return false;
    return Boolean((item.joined && item.joined > day) || (item.left && item.left <= day));
  }

  function init(select) {
    if (select.tomselect || typeof TomSelect === "undefined") return;
    var url = select.getAttribute("data-picker-url");
    var valueKey = select.getAttribute("data-picker-value") || "id";
    var emptyOption = select.querySelector("option[value='']");
    var plugins = ["virtual_scroll"];
    if (!select.required && emptyOption) plugins.push("clear_button");
    var ts = new TomSelect(select, {
      plugins: plugins,
      valueField: valueKey,
      labelField: "text",
      searchField: [],
      allowEmptyOption: false,
      placeholder: emptyOption ? emptyOption.textContent : select.getAttribute("data-placeholder"),
      maxOptions: null,
      preload: "focus",
      loadThrottle: 250,
      closeAfterSelect: true,
      firstUrl: function (query) { return withQuery(url, query); },
      shouldLoad: function () { return true; },
      score: function () { return function () { return 1; }; },
      load: function (query, callback) {
        var self = this;
        fetch(self.getUrl(query), { credentials: "same-origin", headers: { Accept: "application/json" } })
          .then(function (response) {
            if (!response.ok) throw new Error(String(response.status));
            return response.json();
          })
          .then(function (data) {
            if (data.next) self.setNextUrl(query, data.next);
            callback(data.results);
          })
          .catch(function () { callback(); });
      },
      render: {
        option: function (item, escape) {
          var late = outsidePeriod(item, entryDate(select));
          return '<div class="picker-option' + (late ? " text-body-tertiary" : "") + '">' +
            "<div>" + escape(item.name || item.text) +
            (late ? ' <span class="badge text-bg-light border">该日期不在创建期内</span>' : "") + "</div>" +
            (item.detail ? '<div class="small text-secondary">' + escape(item.detail) + "</div>" : "") +
            "</div>";
        },
        item: function (item, escape) { return "<div>" + escape(item.text) + "</div>"; },
        no_results: function () { return '<div class="no-results">没有找到，请换个名称、拼音首字母或代码再试</div>'; },
        loading: function () { return '<div class="spinner-border spinner-border-sm text-secondary m-2" role="status"><span class="visually-hidden">加载中</span></div>'; },
        loading_more: function () { return '<div class="loading-more-results small text-secondary px-2 py-1">加载更多…</div>'; },
        no_more_results: function () { return '<div class="no-more-results small text-secondary px-2 py-1">已显示全部结果</div>'; }
      },
      onItemAdd: function (value) {
        // the option Tom Select keeps in the <select> gets the subject's period, for subject-period.js
        var item = this.options[value];
        var option = select.querySelector('option[value="' + String(value).replace(/"/g, "") + '"]');
        if (!item || !option) return;
        ["joined", "left"].forEach(function (key) {
          if (item[key]) option.setAttribute("data-" + key, item[key]);
          else option.removeAttribute("data-" + key);
        });
        select.dispatchEvent(new Event("change", { bubbles: true }));
      }
    });
    // the label points at the picker's own input, so a click on it (or a screen reader) lands there
    if (select.id) {
      var label = document.querySelector('label[for="' + select.id + '"]');
      if (label && ts.control_input.id) label.setAttribute("for", ts.control_input.id);
    }
    if (select.classList.contains("is-invalid")) ts.wrapper.classList.add("is-invalid");
  }

  function initAll(root) {
    Array.prototype.forEach.call((root || document).querySelectorAll("select[data-picker-url]"), init);
  }

  document.addEventListener("DOMContentLoaded", function () { initAll(document); });
  document.addEventListener("htmx:afterSwap", function (event) { initAll(event.target); });
})();

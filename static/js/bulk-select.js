// List pages: the selection checkboxes of 批量导出 / 批量验收. The header box selects the page's rows;
// the bulk buttons are enabled once something is selected and say how many. The row boxes belong to
// the bulk form by their form="bulk-form" attribute, so the buttons submit the checked ids.
(function () {
  function rows() {
    return Array.prototype.slice.call(document.querySelectorAll('input[type=checkbox][form="bulk-form"]'));
  }
  function update() {
    var boxes = rows();
    var checked = boxes.filter(function (b) { return b.checked; }).length;
    var all = document.querySelector("input[data-select-all]");
    if (all) {
      all.checked = boxes.length > 0 && checked === boxes.length;
      all.indeterminate = checked > 0 && checked < boxes.length;
    }
    document.querySelectorAll("[data-bulk-needs-selection]").forEach(function (button) {
      button.disabled = checked === 0;
    });
    var count = document.querySelector("[data-bulk-count]");
    if (count) count.textContent = checked ? "已选 " + checked + " 条" : "勾选记录后可批量操作";
    document.querySelectorAll("tr").forEach(function (tr) {
      var box = tr.querySelector('input[form="bulk-form"]');
      if (box) tr.classList.toggle("table-active", box.checked);
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    var all = document.querySelector("input[data-select-all]");
    if (all) {
      all.addEventListener("change", function () {
        rows().forEach(function (b) { b.checked = all.checked; });
        update();
      });
    }
    rows().forEach(function (b) { b.addEventListener("change", update); });
    update();
  });
})();

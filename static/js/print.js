// 打印 buttons (data-print) of the 登记表 and the 督办通知书: the browser's print dialog, where "另存为PDF"
// also works. The print stylesheet (app.css, @media print) leaves out the navigation and the buttons.
(function () {
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-print]").forEach(function (button) {
      button.addEventListener("click", function () { window.print(); });
    });
  });
})();

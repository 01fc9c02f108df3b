// 案件登记表单：“是否有重大影响”只对治安案件有意义，刑事案件隐藏并取消勾选（服务端同样忽略）。
(function () {
  var kind = document.querySelector("select[data-case-kind]");
  var box = document.getElementById("major-influence-box");
  if (!kind || !box) return;
  var checkbox = box.querySelector("input[type=checkbox]");
  function sync() {
    var criminal = kind.value === "刑事";
    box.hidden = criminal;
    if (criminal && checkbox) checkbox.checked = false;
  }
  kind.addEventListener("change", sync);
  sync();
})();

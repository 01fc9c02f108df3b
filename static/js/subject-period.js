// Ledger forms: grey out subjects that were not in the campaign on the entry's date.
// The server checks the same rule (joined_on <= date < left_on) when the form is saved.
(function () {
  function inPeriod(option, day) {
    var joined = option.getAttribute("data-joined");
    var left = option.getAttribute("data-left");
    return (!joined || joined <= day) && (!left || left > day);
  }
  function update(form, hintToo) {
    var select = form.querySelector("select[name=subject]");
    var date = form.querySelector("input[data-entry-date]");
    if (!select || !date) return;
    var day = date.value;
    var hint = form.querySelector("#subject-period-hint");
    Array.prototype.forEach.call(select.options, function (option) {
      if (!option.value) return;
      option.disabled = Boolean(day) && !inPeriod(option, day) && !option.selected;
    });
    var chosen = select.options[select.selectedIndex];
    var outside = day && chosen && chosen.value && !inPeriod(chosen, day);
    if (!hint) {
      hint = document.createElement("div");
      hint.id = "subject-period-hint";
      hint.className = "form-text text-danger";
      select.parentNode.appendChild(hint);
    }
    // on load the server's own error (if any) says it already; the hint follows the user's changes
    if (hintToo) hint.textContent = outside ? "所选主体在" + day + "不在创建期内，请核对日期或主体。" : "";
  }
  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("form"), function (form) {
      if (!form.querySelector("select[name=subject]")) return;
      form.addEventListener("change", function () { update(form, true); });
      form.addEventListener("input", function (e) { if (e.target.hasAttribute("data-entry-date")) update(form, true); });
      update(form, false);
    });
  });
})();

// Ledger entry forms, keyboard first: after a refused save the cursor goes to the first box with an
// error (not the autofocus box); Ctrl+Enter (⌘+Enter) in a multi-line box saves, as Enter does elsewhere.
(function () {
  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector("form[data-entry-form]");
    if (!form) return;
    var invalid = form.querySelector(".is-invalid");
    if (invalid && typeof invalid.focus === "function") invalid.focus();
    form.addEventListener("keydown", function (event) {
      if (event.key !== "Enter" || !(event.ctrlKey || event.metaKey)) return;
      if (event.target.tagName !== "TEXTAREA") return;
      event.preventDefault();
      if (typeof form.requestSubmit === "function") form.requestSubmit();
      else form.submit();
    });
  });
})();

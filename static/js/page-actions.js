// What inline handlers used to do, for every page (the Content-Security-Policy allows no inline script):
//   <form data-confirm="确认…？">     asks before the form is submitted (a "取消" submits nothing)
//   <button data-confirm="确认…？">   asks before this button submits its form
//   <select data-autosubmit>          submits its form when the choice changes
//   <a data-history-back href="…">    goes back a page (the href is where it goes without history)
(function () {
  document.addEventListener("click", function (event) {
    var target = event.target.closest ? event.target.closest("[data-confirm]:not(form), [data-history-back]") : null;
    if (!target) return;
    if (target.hasAttribute("data-history-back")) {
      if (window.history.length > 1) {
        event.preventDefault();
        window.history.back();
      }
      return;
    }
    if (!window.confirm(target.getAttribute("data-confirm"))) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute || !form.hasAttribute("data-confirm")) return;
    if (!window.confirm(form.getAttribute("data-confirm"))) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);
  document.addEventListener("change", function (event) {
    var field = event.target;
    if (field.hasAttribute && field.hasAttribute("data-autosubmit") && field.form) {
      if (field.form.requestSubmit) field.form.requestSubmit(); else field.form.submit();
    }
  });
})();

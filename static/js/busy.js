// Long actions: a form marked data-busy-text shows a spinner on its submit button and cannot be sent
// twice while the page waits for the server (e.g. 重新计算, which then opens its progress page).
(function () {
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute || !form.hasAttribute("data-busy-text") || event.defaultPrevented) return;
    var button = form.querySelector("button[type=submit]");
    if (!button) return;
    // after this event: a button disabled now would drop its own name/value from the submission
    window.setTimeout(function () {
      button.disabled = true;
      button.setAttribute("aria-busy", "true");
      button.textContent = "";
      var spinner = document.createElement("span");
      spinner.className = "spinner-border spinner-border-sm me-1";
      spinner.setAttribute("aria-hidden", "true");
      button.appendChild(spinner);
      button.appendChild(document.createTextNode(form.getAttribute("data-busy-text")));
    }, 0);
  });
})();

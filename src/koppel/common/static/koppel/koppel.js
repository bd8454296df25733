// Progressive enhancement only; every page works without it.
document.addEventListener("DOMContentLoaded", function () {
  // After a refused form, move focus to the error summary so screen readers announce it.
  var summary = document.getElementById("form-errors");
  if (summary) { summary.focus(); }
});

/* A form with unsaved input (id "instrument-form") is not left silently: typing marks it dirty; following a
   link or submitting another form then asks first, and closing or reloading the page gets the browser's
   own warning. A page re-shown after a refusal (data-unsaved) starts dirty: what was typed is not saved. */
(function () {
  var form = document.getElementById("instrument-form");
  if (!form) return;
  var QUESTION = "当前仪器信息尚未保存，确定离开吗？";
  var dirty = form.dataset.unsaved === "1";
  function mark() { dirty = true; }
  function leaving(event) {
    if (!dirty) return;
    if (window.confirm(QUESTION)) { dirty = false; } else { event.preventDefault(); }
  }
  form.addEventListener("input", mark);
  form.addEventListener("change", mark);
  form.addEventListener("submit", function () { dirty = false; });
  document.querySelectorAll("a[href]").forEach(function (link) { link.addEventListener("click", leaving); });
  document.querySelectorAll("form").forEach(function (other) {
    if (other !== form) other.addEventListener("submit", leaving);
  });
  window.addEventListener("beforeunload", function (event) {
    if (!dirty) return;
    event.preventDefault();
    event.returnValue = "";
  });
})();

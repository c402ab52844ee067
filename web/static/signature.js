/* The handwritten signature pad of the O&M confirmation page: draw with a finger or the mouse on the canvas,
   清除 starts again, 确认签名 is enabled once something is drawn and posts the canvas as a PNG data URL. */
(function () {
  "use strict";

  function setUp(form) {
    var canvas = form.querySelector("canvas");
    var field = form.querySelector("input[name=signature]");
    var submit = form.querySelector("[data-needs-ink]");
    var clear = form.querySelector("[data-clear]");
    var pen = canvas.getContext("2d");
    var drawn = false;
    var last = null;

    function fit() {
      var ratio = window.devicePixelRatio || 1;
      var box = canvas.getBoundingClientRect();
      canvas.width = Math.max(1, Math.round(box.width * ratio));
      canvas.height = Math.max(1, Math.round(box.height * ratio));
      pen.setTransform(ratio, 0, 0, ratio, 0, 0);
      pen.lineWidth = 2.5;
      pen.lineCap = "round";
      pen.lineJoin = "round";
      pen.strokeStyle = "#111";
      pen.fillStyle = "#111";
    }

    function where(event) {
      var box = canvas.getBoundingClientRect();
      return { x: event.clientX - box.left, y: event.clientY - box.top };
    }

    function begin(point) {
      last = point;
      pen.beginPath();
      pen.arc(point.x, point.y, pen.lineWidth / 2, 0, 2 * Math.PI);
      pen.fill();
    }

    function extend(point) {
      if (!last) return;
      pen.beginPath();
      pen.moveTo(last.x, last.y);
      pen.lineTo(point.x, point.y);
      pen.stroke();
      last = point;
      if (!drawn) {
        drawn = true;
        submit.disabled = false;
      }
    }

    function end() {
      last = null;
    }

    function reset() {
      pen.save();
      pen.setTransform(1, 0, 0, 1, 0, 0);
      pen.clearRect(0, 0, canvas.width, canvas.height);
      pen.restore();
      drawn = false;
      last = null;
      field.value = "";
      submit.disabled = true;
    }

    if (window.PointerEvent) {
      canvas.addEventListener("pointerdown", function (event) {
        event.preventDefault();
        if (canvas.setPointerCapture) canvas.setPointerCapture(event.pointerId);
        begin(where(event));
      });
      canvas.addEventListener("pointermove", function (event) {
        event.preventDefault();
        extend(where(event));
      });
      canvas.addEventListener("pointerup", end);
      canvas.addEventListener("pointercancel", end);
    } else {  // older WebViews: touch and mouse events
      canvas.addEventListener("touchstart", function (event) {
        event.preventDefault();
        begin(where(event.touches[0]));
      });
      canvas.addEventListener("touchmove", function (event) {
        event.preventDefault();
        extend(where(event.touches[0]));
      });
      canvas.addEventListener("touchend", end);
      canvas.addEventListener("mousedown", function (event) { begin(where(event)); });
      canvas.addEventListener("mousemove", function (event) { extend(where(event)); });
      window.addEventListener("mouseup", end);
    }

    clear.addEventListener("click", reset);
    form.addEventListener("submit", function (event) {
      if (!drawn) {
        event.preventDefault();
        return;
      }
      field.value = canvas.toDataURL("image/png");
      submit.disabled = true;  // one tap, one decision
    });
    window.addEventListener("resize", function () {
      if (!drawn) fit();  // resizing clears a canvas: keep a drawn signature as it is
    });
    fit();
  }

  var pads = document.querySelectorAll("[data-signature-pad]");
  for (var i = 0; i < pads.length; i++) setUp(pads[i]);
})();

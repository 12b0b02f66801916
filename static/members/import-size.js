// The import form (members/imports/admin.py): a file over the limit is refused in the browser,
// before it is sent; the server refuses it again from its size, before reading it.
(function () {
  "use strict";
  var input = document.querySelector("input[type=file][data-max-bytes]");
  if (!input) {
    return;
  }
  var max = parseInt(input.getAttribute("data-max-bytes"), 10);
  var note = document.createElement("p");
  note.className = "errornote";
  note.id = input.id + "_size";
  note.setAttribute("role", "alert");
  note.hidden = true;
  input.insertAdjacentElement("afterend", note);
  input.addEventListener("change", function () {
    var file = input.files && input.files[0];
    var tooBig = Boolean(file && file.size > max);
    var message = tooBig ? input.getAttribute("data-too-big") : "";
    input.setCustomValidity(message);
    note.textContent = message;
    note.hidden = !tooBig;
  });
  // The form has novalidate (the server's French errors show next to the fields): stop it here.
  input.form.addEventListener("submit", function (event) {
    if (input.validationMessage) {
      event.preventDefault();
      note.hidden = false;
      input.focus();
    }
  });
})();

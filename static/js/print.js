// Only an enhancement: the page says how to print without it. With it, the hidden
// "Print the letters" buttons appear and open the browser's print dialogue.
document.querySelectorAll("[data-print]").forEach(function (button) {
  button.hidden = false;
  button.addEventListener("click", function () { window.print(); });
});

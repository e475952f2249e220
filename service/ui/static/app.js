// Shows the subscriber's fields only when the client is not the policy holder. Without
// JavaScript the fields stay visible and the server ignores them for "Self".
document.addEventListener("DOMContentLoaded", function () {
  var relationship = document.getElementById("relationship");
  var subscriber = document.getElementById("subscriber");
  if (!relationship || !subscriber) {
    return;
  }
  function sync() {
    subscriber.hidden = relationship.value === subscriber.dataset.whenNot;
  }
  relationship.addEventListener("change", sync);
  sync();
});

// A "Print" button on printable pages (the page's own print styles hide the app around it).
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
});

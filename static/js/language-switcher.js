// The footer's language switcher submits as soon as a language is chosen; without this script its
// button does the same (the button stays for people who expect one).
document.addEventListener("DOMContentLoaded", function () {
  var selects = document.querySelectorAll("select[data-submit-on-change]");
  Array.prototype.forEach.call(selects, function (select) {
    select.addEventListener("change", function () {
      select.form.submit();
    });
  });
});

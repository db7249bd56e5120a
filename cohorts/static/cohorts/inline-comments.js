/*
 * Comment on words selected in the work (progressive enhancement of the reviewer's comment form).
 *
 * Without this script the reviewer chooses a numbered passage from a list and may copy words into
 * "Exact words". With it, selecting words in the work (by mouse, touch, or the keyboard with caret
 * browsing) shows a button that copies the selection into that field, notes where it starts so the
 * server picks the right occurrence, and moves the focus to the comment box.
 */
(function () {
  "use strict";

  var source = document.querySelector("[data-inline-source]");
  var form = document.querySelector("[data-inline-form]");
  if (!source || !form) {
    return;
  }
  var quoteInput = form.querySelector("[name='quote']");
  var nearInput = form.querySelector("[name='near']");
  var sentenceSelect = form.querySelector("[name='sentence']");
  var body = form.querySelector("[name='body']");
  var status = form.querySelector("[data-inline-status]");
  var chosen = null;

  var bar = document.createElement("div");
  bar.className = "inline-selection-bar";
  bar.hidden = true;
  var button = document.createElement("button");
  button.type = "button";
  button.className = "button-small";
  button.textContent = form.getAttribute("data-select-label");
  bar.appendChild(button);
  source.parentNode.insertBefore(bar, source.nextSibling);

  // What a reader sees of a piece of the text: no numbered links to threads, single spaces.
  function visibleText(fragment) {
    var links = fragment.querySelectorAll(".inline-ref");
    for (var i = 0; i < links.length; i++) {
      links[i].parentNode.removeChild(links[i]);
    }
    return fragment.textContent.replace(/\s+/g, " ");
  }

  function selectionInSource() {
    var selection = window.getSelection();
    if (!selection || selection.isCollapsed || selection.rangeCount === 0) {
      return null;
    }
    var range = selection.getRangeAt(0);
    if (!source.contains(range.startContainer) || !source.contains(range.endContainer)) {
      return null;
    }
    var quote = visibleText(range.cloneContents()).trim();
    if (!quote) {
      return null;
    }
    var before = document.createRange();
    before.setStart(source, 0);
    before.setEnd(range.startContainer, range.startOffset);
    var near = visibleText(before.cloneContents()).replace(/^ /, "").length;
    return { quote: quote, near: near };
  }

  document.addEventListener("selectionchange", function () {
    var found = selectionInSource();
    if (found) {
      chosen = found;
      bar.hidden = false;
    } else if (document.activeElement !== button) {
      bar.hidden = true;
    }
  });

  button.addEventListener("click", function () {
    if (!chosen) {
      return;
    }
    quoteInput.value = chosen.quote;
    nearInput.value = String(chosen.near);
    if (sentenceSelect) {
      sentenceSelect.value = "";
    }
    if (status) {
      status.textContent = form.getAttribute("data-quoted-label") + " " + chosen.quote;
    }
    bar.hidden = true;
    body.focus();
  });
})();

// The embed builder's copy buttons and live contrast check. Without JavaScript the buttons stay hidden (the
// snippets can be selected and copied by hand) and the check is the one the server made.
"use strict";

function copySnippet(button) {
  const code = document.getElementById(button.dataset.copy);
  const status = document.querySelector(".copied");
  const done = () => { status.textContent = "Copied."; };
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(code.textContent).then(done, () => selectForCopy(code, status));
  } else {
    selectForCopy(code, status);
  }
}

function selectForCopy(code, status) {
  const range = document.createRange();
  range.selectNodeContents(code);
  const selection = window.getSelection();
  selection.removeAllRanges();
  selection.addRange(range);
  status.textContent = document.execCommand("copy") ? "Copied." : "Selected: press Ctrl+C (or ⌘C) to copy.";
}

// WCAG 2 contrast ratio, as directory/intermediaries.py contrast_ratio works it out.
function luminance(hex) {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255)
    .map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

function contrastOnWhite(hex) {
  return 1.05 / (luminance(hex) + 0.05);
}

function showContrast(input) {
  const note = document.getElementById("contrast");
  if (!note) return;
  const least = parseFloat(input.dataset.least);
  const ratio = contrastOnWhite(input.value);
  const shown = ratio.toFixed(1);
  note.className = ratio < least ? "notice" : "meta";
  note.textContent = ratio < least
    ? `Warning: this colour on white has a contrast of ${shown}:1, below the ${least}:1 that WCAG AA asks of text; ` +
      "the widget's links would be hard to read. Choose a darker colour."
    : `This colour on white has a contrast of ${shown}:1 (WCAG AA asks ${least}:1 of text).`;
}

document.addEventListener("DOMContentLoaded", () => {
  for (const button of document.querySelectorAll("button.copy")) {
    button.hidden = false;
    button.addEventListener("click", () => copySnippet(button));
  }
  const colour = document.getElementById("colour");
  if (colour) colour.addEventListener("input", () => showContrast(colour));
});

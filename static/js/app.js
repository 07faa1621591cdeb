// Keyboard helpers of every page: Ctrl+Enter submits; the intake form's own are intake.js.
document.addEventListener("keydown", (e) => {
  if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
    const form = e.target.closest && e.target.closest("form[data-submit-on-ctrl-enter]");
    if (form) { e.preventDefault(); form.requestSubmit(); }
  }
});

// Routing suggestions: a click or Alt+1/2/3 takes a suggested category (intake form) or
// handling unit (accept form); the confident one is pre-selected while nothing is chosen.
const TARGETS = { category: "[name='category']", unit: "[name='handling_unit']" };

function takeSuggestion(button) {
  const kind = button.closest("[data-kind]").dataset.kind;
  const select = button.closest("form").querySelector(TARGETS[kind]);
  if (!select) return;
  select.value = button.dataset[kind];
  button.closest("[data-kind]").querySelectorAll("button").forEach((b) => b.setAttribute("aria-pressed", b === button));
  select.dispatchEvent(new Event("change", { bubbles: true }));
}

document.addEventListener("click", (e) => {
  const button = e.target.closest && e.target.closest("[data-kind] button[data-rank]");
  if (button) takeSuggestion(button);
});

document.addEventListener("keydown", (e) => {
  if (!e.altKey || !["1", "2", "3"].includes(e.key)) return;
  const form = e.target.closest && e.target.closest("form");
  const kind = form && form.querySelector(TARGETS.unit) ? "unit" : "category";
  const button = form && form.querySelector(`[data-kind='${kind}'] [data-rank='${e.key}']`);
  if (button) { e.preventDefault(); takeSuggestion(button); }
});

document.addEventListener("htmx:afterSwap", (e) => {
  const preselect = e.target.querySelector("[data-kind] button[data-preselect]");
  if (!preselect) return;
  const kind = preselect.closest("[data-kind]").dataset.kind;
  const select = preselect.closest("form") && preselect.closest("form").querySelector(TARGETS[kind]);
  if (select && !select.value) takeSuggestion(preselect);
});

// Keyboard and intake helpers: Ctrl+Enter submits, the known-person panel follows the
// petitioner fields, representatives can be added up to the formset's maximum.
document.addEventListener("keydown", (e) => {
  if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
    const form = e.target.closest && e.target.closest("form[data-submit-on-ctrl-enter]");
    if (form) { e.preventDefault(); form.requestSubmit(); }
  }
});

function lookupKnownPerson(person) {
  const urlEl = document.getElementById("match-url");
  if (!urlEl || !window.htmx) return;
  const val = (suffix) => (person.querySelector(`[name$='-${suffix}']`) || {}).value || "";
  const params = new URLSearchParams({
    id_number: val("id_number"), phone: val("phone"), name: val("name"), address: val("address"),
  });
  htmx.ajax("GET", `${urlEl.dataset.url}?${params}`, { target: "#known-person", swap: "innerHTML" });
}

document.addEventListener("change", (e) => {
  const person = e.target.closest && e.target.closest("[data-person]");
  if (person) lookupKnownPerson(person);
});

document.addEventListener("click", (e) => {
  const add = e.target.closest && e.target.closest("[data-add-person]");
  if (add) {
    const total = document.querySelector("[name='person-TOTAL_FORMS']");
    const max = parseInt(document.querySelector("[name='person-MAX_NUM_FORMS']").value, 10);
    const n = parseInt(total.value, 10);
    if (n >= max) { add.disabled = true; return; }
    const html = document.getElementById("person-template").innerHTML.replace(/__prefix__/g, n);
    add.insertAdjacentHTML("beforebegin", html);
    total.value = n + 1;
    add.previousElementSibling.querySelector("input").focus();
  }
  const repeat = e.target.closest && e.target.closest("[data-repeat-of]");
  if (repeat) {
    const field = document.querySelector("[name='repeat_of']");
    if (field) { field.value = repeat.dataset.repeatOf; field.focus(); }
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

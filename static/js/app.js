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

// Routing suggestions at intake: a click or Alt+1/2/3 takes a suggested category; the
// confident one is pre-selected while the registrar has not chosen.
function takeCategory(button) {
  const select = document.getElementById("id_category");
  if (!select || !button) return;
  select.value = button.dataset.category;
  document.querySelectorAll("[data-category]").forEach((b) => b.setAttribute("aria-pressed", b === button));
  select.dispatchEvent(new Event("change", { bubbles: true }));
}

document.addEventListener("click", (e) => {
  const button = e.target.closest && e.target.closest("[data-category]");
  if (button) takeCategory(button);
});

document.addEventListener("keydown", (e) => {
  if (e.altKey && ["1", "2", "3"].includes(e.key)) {
    const button = document.querySelector(`[data-kind='category'] [data-rank='${e.key}']`);
    if (button) { e.preventDefault(); takeCategory(button); }
  }
});

document.addEventListener("htmx:afterSwap", (e) => {
  if (e.target.id !== "routing-suggestions") return;
  const select = document.getElementById("id_category");
  const preselect = e.target.querySelector("[data-category][data-preselect]");
  if (select && !select.value && preselect) takeCategory(preselect);
});

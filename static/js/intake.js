// The intake form starts from the known person: the ID number or phone typed first looks
// the person up (the known-person panel, HTMX), and what the record knows fills the empty
// fields. The panel warns of a name or phone other than the record's, and of a likely
// repeat, which Alt+R links; the origin fields show only for the channels that have one.
(() => {
  const form = document.getElementById("intake");
  if (!form) return;
  const $ = (sel, root = form) => root.querySelector(sel);
  const personField = (person, suffix) => person.querySelector(`[name$='-${suffix}']`);
  let lastPerson = $("[data-person]");

  function lookup(person) {
    const urlEl = document.getElementById("match-url");
    if (!urlEl || !window.htmx || !person) return;
    lastPerson = person;
    const val = (suffix) => (personField(person, suffix) || {}).value || "";
    const params = new URLSearchParams({
      id_number: val("id_number"), phone: val("phone"), name: val("name"),
      address: val("address"), title: ($("[name='title']") || {}).value || "",
    });
    htmx.ajax("GET", `${urlEl.dataset.url}?${params}`, { target: "#known-person", swap: "innerHTML" });
  }

  function fillFromRecord(known) {
    for (const suffix of ["name", "phone", "address"]) {
      const input = personField(lastPerson, suffix);
      if (input && !input.value && known.dataset[suffix]) input.value = known.dataset[suffix];
    }
    lastPerson.dataset.community = known.dataset.community || "";
  }

  document.addEventListener("htmx:afterSwap", (e) => {
    if (e.target.id !== "known-person" || !lastPerson) return;
    const known = $("[data-known]", e.target);
    if (known) fillFromRecord(known);
    const choice = $("[data-on-record]", lastPerson);
    if (choice && $("[data-differs]", e.target)) choice.hidden = false;
    const repeat = $("[name='repeat_of']");
    if ($("[data-likely-repeats]", e.target) && repeat && !repeat.value) $("[data-not-repeat]").hidden = false;
  });

  form.addEventListener("change", (e) => {
    const person = e.target.closest("[data-person]");
    if (person && !e.target.name.endsWith("-on_record")) lookup(person);
    if (e.target.name === "title" && $("[data-known]", document.getElementById("known-person"))) lookup(lastPerson);
    if (e.target.name === "channel") showOrigin();
    if (e.target.id === "same-place" && e.target.checked) samePlace();
  });

  function samePlace() {
    const person = $("[data-person]");
    const address = personField(person, "address");
    if (address && address.value) $("[name='address']").value = address.value;
    const community = $("[name='community']");
    const known = person.dataset.community;
    if (known && community.querySelector(`option[value='${known}']`)) community.value = known;
  }

  function showOrigin() {
    const origin = $("[data-origin-channels]");
    const channels = origin.dataset.originChannels.split(" ");
    const filled = [...origin.querySelectorAll("input")].some((i) => i.value);
    origin.hidden = !channels.includes($("[name='channel']").value) && !filled && !$(".has-error", origin);
  }

  function linkRepeat(button) {
    // The focus stays where the registrar was: only the field's value changes.
    $("[name='repeat_of']").value = button.dataset.repeatOf;
    $("[data-not-repeat]").hidden = true;
    button.setAttribute("aria-pressed", "true");
  }

  form.addEventListener("click", (e) => {
    const repeat = e.target.closest("[data-repeat-of]");
    if (repeat) linkRepeat(repeat);
    const choice = e.target.closest("[data-on-record-choice]");
    if (choice) {
      const select = personField(lastPerson, "on_record");
      select.value = choice.dataset.onRecordChoice;
      if (select.value === "keep") {
        const known = $("[data-known]", document.getElementById("known-person"));
        for (const suffix of ["name", "phone"]) personField(lastPerson, suffix).value = known.dataset[suffix];
      }
    }
    const add = e.target.closest("[data-add-person]");
    if (add) addPerson(add);
  });

  function addPerson(add) {
    const total = $("[name='person-TOTAL_FORMS']");
    const max = parseInt($("[name='person-MAX_NUM_FORMS']").value, 10);
    const n = parseInt(total.value, 10);
    if (n >= max) { add.disabled = true; return; }
    const html = document.getElementById("person-template").innerHTML.replace(/__prefix__/g, n);
    $("#same-place").closest("label").insertAdjacentHTML("beforebegin", html);
    total.value = n + 1;
    form.querySelectorAll("[data-person]")[n].querySelector("input").focus();
  }

  document.addEventListener("keydown", (e) => {
    if (e.altKey && (e.key === "r" || e.key === "R")) {
      const first = $("[data-first-repeat]");
      if (first) { e.preventDefault(); linkRepeat(first); }
    }
  });

  showOrigin();
  // A failed save puts the focus on the first error; a new form on its first field.
  const target = $(".has-error input, .has-error select, .has-error textarea") || $("[data-person] input");
  if (target) target.focus();
})();

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

// Action forms: opening one puts the focus in its first field, so that Alt+1/2/3 and
// Ctrl+Enter work at once; a form sent back with errors opens on its first error.
document.addEventListener("toggle", (e) => {
  const details = e.target;
  if (!(details instanceof HTMLDetailsElement) || !details.open || !details.dataset.action) return;
  const first = details.querySelector("form .has-error input, form .has-error select, form .has-error textarea")
    || details.querySelector("form input:not([type=hidden]), form select, form textarea");
  if (first) first.focus();
}, true);

document.addEventListener("DOMContentLoaded", () => {
  const failed = document.querySelector("details[open][data-action] .has-error input, details[open][data-action] .has-error select, details[open][data-action] .has-error textarea");
  if (failed) failed.focus();
});

// Alt+1/2/3 in a form without suggestions picks the first, second or third choice of the
// group in focus (or the form's first group): 满意 / 基本满意 / 不满意, 支持 / 解释说明 / 不支持.
document.addEventListener("keydown", (e) => {
  if (!e.altKey || !["1", "2", "3"].includes(e.key)) return;
  const form = e.target.closest && e.target.closest("form");
  if (!form || form.querySelector("[data-kind] button[data-rank]")) return;
  const group = (e.target.closest("fieldset.choices")) || form.querySelector("fieldset.choices");
  const radio = group && group.querySelectorAll("input[type=radio]")[Number(e.key) - 1];
  if (radio) { e.preventDefault(); radio.checked = true; radio.focus(); }
});

// Dates: typed or picked as 2026-12-01 whatever the browser's language, with the
// calendar of air-datepicker (static/vendor) in the page's language.
const DATEPICKER_LOCALES = {
  zh: {
    days: ["周日", "周一", "周二", "周三", "周四", "周五", "周六"],
    daysShort: ["日", "一", "二", "三", "四", "五", "六"],
    daysMin: ["日", "一", "二", "三", "四", "五", "六"],
    months: ["一月", "二月", "三月", "四月", "五月", "六月", "七月", "八月", "九月", "十月", "十一月", "十二月"],
    monthsShort: ["1月", "2月", "3月", "4月", "5月", "6月", "7月", "8月", "9月", "10月", "11月", "12月"],
    today: "今天", clear: "清除", dateFormat: "yyyy-MM-dd", timeFormat: "HH:mm", firstDay: 1,
  },
  en: {
    days: ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"],
    daysShort: ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"],
    daysMin: ["Su", "Mo", "Tu", "We", "Th", "Fr", "Sa"],
    months: ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"],
    monthsShort: ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"],
    today: "Today", clear: "Clear", dateFormat: "yyyy-MM-dd", timeFormat: "HH:mm", firstDay: 1,
  },
};

function attachDatepickers(root) {
  if (!window.AirDatepicker) return;
  const lang = document.documentElement.lang.startsWith("en") ? "en" : "zh";
  root.querySelectorAll("input[data-datepicker]:not([data-datepicker-ready])").forEach((input) => {
    input.dataset.datepickerReady = "";
    const picked = /^\d{4}-\d{2}-\d{2}$/.test(input.value) ? [input.value] : [];
    new AirDatepicker(input, {
      locale: DATEPICKER_LOCALES[lang], dateFormat: "yyyy-MM-dd", autoClose: true,
      keyboardNav: true, buttons: ["today", "clear"], selectedDates: picked,
      onSelect: () => input.dispatchEvent(new Event("change", { bubbles: true })),
    });
  });
}

document.addEventListener("DOMContentLoaded", () => attachDatepickers(document));
document.addEventListener("htmx:afterSwap", (e) => attachDatepickers(e.target));

// The browser's own validation messages follow its language; these follow the page's.
document.addEventListener("invalid", (e) => {
  const field = e.target;
  const messages = document.body.dataset;
  if (field.validity.valueMissing) field.setCustomValidity(messages.msgRequired || "");
  else if (field.validity.patternMismatch && field.dataset.invalid) field.setCustomValidity(field.dataset.invalid);
}, true);
document.addEventListener("input", (e) => { if (e.target.setCustomValidity) e.target.setCustomValidity(""); });
document.addEventListener("change", (e) => { if (e.target.setCustomValidity) e.target.setCustomValidity(""); });

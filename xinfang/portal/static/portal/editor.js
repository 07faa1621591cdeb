// A small rich-text editor over a textarea marked data-rich-text: headings, bold,
// italic, lists, links. What it writes is sanitised again on the server; without
// JavaScript the textarea itself takes the HTML.
(function () {
  "use strict";
  var BUTTONS = [
    ["formatBlock", "<h2>", "标题"], ["formatBlock", "<p>", "正文"], ["bold", null, "加粗"],
    ["italic", null, "斜体"], ["insertUnorderedList", null, "列表"],
    ["insertOrderedList", null, "编号"], ["createLink", "link", "链接"]
  ];
  function attach(area) {
    var box = document.createElement("div");
    var bar = document.createElement("div");
    var edit = document.createElement("div");
    bar.setAttribute("role", "toolbar");
    bar.setAttribute("aria-label", "格式");
    edit.contentEditable = "true";
    edit.setAttribute("role", "textbox");
    edit.setAttribute("aria-multiline", "true");
    edit.setAttribute("aria-labelledby", area.id + "_label");
    edit.className = "rich-edit";
    edit.style.cssText = "min-height:16em;border:1px solid #b8c0cc;border-radius:4px;padding:8px;background:#fff";
    edit.innerHTML = area.value;
    BUTTONS.forEach(function (b) {
      var button = document.createElement("button");
      button.type = "button";
      button.textContent = b[2];
      button.addEventListener("click", function () {
        var value = b[1];
        if (value === "link") {
          value = window.prompt("链接地址（https://…）");
          if (!value) { return; }
        }
        document.execCommand(b[0], false, value);
        edit.focus();
      });
      bar.appendChild(button);
    });
    var label = document.querySelector("label[for='" + area.id + "']");
    if (label) { label.id = area.id + "_label"; }
    area.hidden = true;
    box.appendChild(bar);
    box.appendChild(edit);
    area.parentNode.insertBefore(box, area);
    area.form.addEventListener("submit", function () { area.value = edit.innerHTML; });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("textarea[data-rich-text]").forEach(attach);
  });
})();

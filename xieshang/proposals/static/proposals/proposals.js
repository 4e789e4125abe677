// Proposal pages' small enhancements; every page works without them (the CSP forbids inline scripts).
(function () {
  "use strict";

  // Live character count against the limit: the server renders a plain "limit N" text; this keeps it current.
  function counters() {
    document.querySelectorAll("[data-maxlength]").forEach((field) => {
      const out = document.getElementById(field.id + "_count");
      if (!out) return;
      const max = parseInt(field.getAttribute("data-maxlength"), 10);
      const template = out.getAttribute("data-template") || "{n} / {max}";
      const update = () => {
        // Count code points, as the server's len() does, so astral characters are one each.
        const n = Array.from(field.value).length;
        out.textContent = template.replace("{n}", String(n)).replace("{max}", String(max));
        out.classList.toggle("over", n > max);
      };
      field.addEventListener("input", update);
      update();
    });
  }

  // "Select all" for the bulk-assignment checkboxes.
  function selectAll() {
    document.querySelectorAll("[data-select-all]").forEach((box) => {
      const name = box.getAttribute("data-select-all");
      box.addEventListener("change", () => {
        document.querySelectorAll('input[type=checkbox][name="' + name + '"]').forEach((b) => {
          b.checked = box.checked;
        });
      });
    });
  }

  // Review form: show only the fields the chosen outcome needs; plan form: lead/co or split.
  function toggles() {
    document.querySelectorAll("[data-show-when]").forEach((el) => {
      const [name, values] = el.getAttribute("data-show-when").split("=");
      const form = el.closest("form");
      if (!form) return;
      const wanted = values.split(",");
      const update = () => {
        const checked = form.querySelector('input[name="' + name + '"]:checked');
        el.hidden = !(checked && wanted.includes(checked.value));
      };
      form.querySelectorAll('input[name="' + name + '"]').forEach((r) => r.addEventListener("change", update));
      update();
    });
  }

  function ready() {
    counters();
    selectAll();
    toggles();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", ready);
  else ready();
})();

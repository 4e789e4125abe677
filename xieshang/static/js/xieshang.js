// Small progressive enhancements; every page works without them.
document.addEventListener("change", (event) => {
  const target = event.target;
  if (target instanceof HTMLSelectElement && target.hasAttribute("data-autosubmit")) {
    target.form.requestSubmit();
  }
});

// "Back" on the over-size page (core/too_large.html): through the history, so the form keeps what was typed.
document.addEventListener("click", (event) => {
  const link = event.target instanceof Element ? event.target.closest("a[data-history-back]") : null;
  if (link && window.history.length > 1) {
    event.preventDefault();
    window.history.back();
  }
});

// The header's menu on a phone: the "菜单" link becomes a button that shows and hides the menu (CSS shows the menu
// itself from 60rem; without scripts the link opens it through :target).
(function () {
  function setUp() {
    document.querySelectorAll("[data-menu-toggle]").forEach((toggle) => {
      toggle.setAttribute("role", "button");
      toggle.setAttribute("aria-expanded", "false");
    });
  }
  function toggle(control, open) {
    const menu = document.getElementById(control.getAttribute("aria-controls"));
    if (!menu) return;
    control.setAttribute("aria-expanded", String(open));
    menu.classList.toggle("open", open);
  }
  document.addEventListener("click", (event) => {
    const control = event.target instanceof Element ? event.target.closest("[data-menu-toggle]") : null;
    if (!control) return;
    event.preventDefault();
    toggle(control, control.getAttribute("aria-expanded") !== "true");
  });
  document.addEventListener("keydown", (event) => {
    const target = event.target;
    if (event.key === " " && target instanceof Element && target.matches("[data-menu-toggle]")) {
      event.preventDefault();
      toggle(target, target.getAttribute("aria-expanded") !== "true");
    } else if (event.key === "Escape") {
      const control = document.querySelector('[data-menu-toggle][aria-expanded="true"]');
      if (control) {
        toggle(control, false);
        control.focus();
      }
    }
  });
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setUp);
  else setUp();
})();

// Member pickers (accounts.pickers): a person or group ticked in the results joins the chosen list, so the next
// search keeps it; Enter in the search box searches instead of sending the form.
document.addEventListener("change", (event) => {
  const box = event.target;
  if (!(box instanceof HTMLInputElement) || box.type !== "checkbox" || !box.checked) return;
  if (!box.closest("[data-picker-results]")) return;
  const chosen = box.closest("[data-member-picker]").querySelector("[data-picker-chosen]");
  if (chosen) chosen.appendChild(box.closest("li"));
});
// With scripts the results come as one types: the no-script "搜索" button is not needed.
function hidePickerButtons() {
  document.querySelectorAll("[data-picker-nojs]").forEach((button) => {
    button.hidden = true;
  });
}
if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", hidePickerButtons);
else hidePickerButtons();
document.addEventListener("keydown", (event) => {
  const field = event.target;
  if (event.key === "Enter" && field instanceof HTMLInputElement && field.hasAttribute("data-picker-search")) {
    event.preventDefault();
    field.dispatchEvent(new Event("search"));
  }
});

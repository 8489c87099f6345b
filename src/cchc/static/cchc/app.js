// What the pages did with inline handlers, by data attributes: the Content-Security-Policy
// (core.middleware) runs no script written into a page, only files of the site.
//   data-submit-on-change  a select that submits its form when changed
//   data-confirm="…"       a form (on submit) or a button (on click) that asks first
//   data-history-back      a button that goes back a page
//   data-scroll-into-view  an element brought into view once the page is loaded
//   data-tiers-follow-year a plan's year input whose tiers' boxes follow it (see plans/form.html)
(() => {
  "use strict";
  document.addEventListener("change", (event) => {
    const field = event.target.closest("[data-submit-on-change]");
    if (field && field.form) field.form.submit();
  });
  document.addEventListener("submit", (event) => {
    const form = event.target.closest("form[data-confirm]");
    if (form && !window.confirm(form.dataset.confirm)) event.preventDefault();
  });
  document.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-confirm]");
    if (button && !window.confirm(button.dataset.confirm)) event.preventDefault();
    if (event.target.closest("[data-history-back]")) window.history.back();
  });
  const tiersFollowYear = (year) => {
    const boxes = [...document.querySelectorAll(`input[name="${year.dataset.tiersName}"]`)];
    const lastDistrictYear = parseInt(year.dataset.tiersFollowYear, 10);
    let touched = false;
    boxes.forEach((box) => box.addEventListener("change", () => { touched = true; }));
    year.addEventListener("input", () => {
      const value = parseInt(year.value, 10);
      if (touched || !(value >= 2000)) return;
      boxes.forEach((box) => { box.checked = box.value !== "district" || value < lastDistrictYear; });
    });
  };
  const ready = () => {
    document.querySelector("[data-scroll-into-view]")?.scrollIntoView();
    document.querySelectorAll("[data-tiers-follow-year]").forEach(tiersFollowYear);
  };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", ready);
  else ready();
})();

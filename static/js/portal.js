// Progressive enhancement only: every page works without JavaScript.
document.documentElement.classList.add("js");
document.querySelectorAll(".js-autosubmit").forEach((el) => {
  el.addEventListener("change", () => el.form.submit());
});
// On a phone the registry's filter panel stacks above the rows: start it folded, so the
// rows are what one sees first (the summary line opens it).
if (window.matchMedia("(max-width: 991.98px)").matches) {
  document.querySelectorAll("details.filters").forEach((el) => { el.open = false; });
}

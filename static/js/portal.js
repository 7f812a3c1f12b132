// Progressive enhancement only: every page works without JavaScript.
document.documentElement.classList.add("js");
document.querySelectorAll(".js-autosubmit").forEach((el) => {
  el.addEventListener("change", () => el.form.submit());
});

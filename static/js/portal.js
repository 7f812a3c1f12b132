// Progressive enhancement only: every page works without JavaScript.
document.documentElement.classList.add("js");

// The menu button of a phone's navigation bar and the account menu: all the portal used of
// Bootstrap's JavaScript (24 KB compressed, a tenth of a second on slow 3G), done here with
// Bootstrap's own classes and attributes.
(() => {
  document.querySelectorAll('[data-bs-toggle="collapse"]').forEach((button) => {
    const target = document.querySelector(button.dataset.bsTarget);
    if (!target) return;
    button.addEventListener("click", () => {
      const open = target.classList.toggle("show");
      button.setAttribute("aria-expanded", String(open));
      button.classList.toggle("collapsed", !open);
    });
  });
  const toggles = Array.from(document.querySelectorAll('[data-bs-toggle="dropdown"]'));
  const close = (except) => {
    toggles.forEach((toggle) => {
      if (toggle === except) return;
      toggle.classList.remove("show");
      toggle.setAttribute("aria-expanded", "false");
      toggle.nextElementSibling.classList.remove("show");
    });
  };
  toggles.forEach((toggle) => {
    const menu = toggle.nextElementSibling;
    menu.setAttribute("data-bs-popper", "static"); // Bootstrap's CSS places it below, at the end
    toggle.addEventListener("click", (event) => {
      event.preventDefault();
      close(toggle);
      const open = menu.classList.toggle("show");
      toggle.classList.toggle("show", open);
      toggle.setAttribute("aria-expanded", String(open));
    });
  });
  document.addEventListener("click", (event) => {
    if (!event.target.closest(".dropdown")) close(null);
  });
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape") close(null);
  });
})();
document.querySelectorAll(".js-autosubmit").forEach((el) => {
  el.addEventListener("change", () => el.form.submit());
});
// On a phone the registry's filter panel stacks above the rows: start it folded, so the
// rows are what one sees first (the summary line opens it), unless a filter is wrong.
if (window.matchMedia("(max-width: 991.98px)").matches) {
  document.querySelectorAll("details.filters").forEach((el) => {
    if (!el.querySelector(".error-summary")) el.open = false;
  });
}

// A failed form's error summary (templates/bootstrap5/errors.html) gets the focus, so it is
// read out first; its links move the focus to their field (the first box of a checkbox list).
(() => {
  const focusable = "input:not([type=hidden]), select, textarea, button";
  const summary = document.querySelector(".error-summary");
  if (!summary) return;
  const folded = summary.closest("details");
  if (folded) folded.open = true;
  summary.focus();
  summary.addEventListener("click", (event) => {
    const link = event.target.closest("a[href^='#']");
    if (!link) return;
    let target = document.getElementById(decodeURIComponent(link.hash.slice(1)));
    if (target && !target.matches(focusable)) target = target.querySelector(focusable) || target;
    if (!target) return;
    event.preventDefault();
    target.scrollIntoView({ block: "center" });
    target.focus({ preventScroll: true });
  });
})();

// Forms marked data-confirm="Make … the leader of …?" ask in a dialog (templates/base.html)
// first: Cancel (which has the focus) or Escape sends nothing, Confirm sends the form.
// data-confirm-action names the Confirm button; data-confirm-field and data-confirm-value
// ask only when the form changes that field to that value (a group's status to "dissolved").
(() => {
  const dialog = document.getElementById("confirm-dialog");
  if (!dialog || typeof dialog.showModal !== "function") return; // the form is sent at once
  const text = document.getElementById("confirm-dialog-text");
  const ok = document.getElementById("confirm-dialog-ok");
  const cancel = document.getElementById("confirm-dialog-cancel");
  let pending = null;
  let confirmed = null;

  const initialValue = (input) => {
    if (input instanceof HTMLSelectElement) {
      const option = Array.from(input.options).find((o) => o.defaultSelected);
      return option ? option.value : "";
    }
    return input.defaultValue;
  };
  const needsAsking = (form) => {
    if (!form.dataset.confirm) return false;
    const field = form.dataset.confirmField;
    if (!field) return true;
    const input = form.elements.namedItem(field);
    if (!input || typeof input.value !== "string") return false;
    const wanted = form.dataset.confirmValue;
    return input.value === wanted && initialValue(input) !== wanted;
  };

  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (form === confirmed || !(form instanceof HTMLFormElement) || !needsAsking(form)) return;
    event.preventDefault();
    pending = { form, submitter: event.submitter || null };
    text.textContent = form.dataset.confirm;
    ok.textContent = form.dataset.confirmAction || ok.dataset.label;
    dialog.returnValue = "";
    dialog.showModal();
    cancel.focus();
  });

  dialog.addEventListener("close", () => {
    const request = pending;
    pending = null;
    if (!request) return;
    if (dialog.returnValue !== "confirm") {
      if (request.submitter) request.submitter.focus();
      return;
    }
    confirmed = request.form;
    try {
      if (typeof request.form.requestSubmit === "function") {
        request.form.requestSubmit(request.submitter);
      } else {
        request.form.submit();
      }
    } finally {
      confirmed = null;
    }
  });
})();

// Date fields (rmp_portal/core/widgets.py) are typed day first with dots: a phone's number
// pad has no dot, so one is added after the day and the month as they are typed.
document.querySelectorAll("input[data-date-input]").forEach((input) => {
  input.addEventListener("input", (event) => {
    if (event.inputType !== "insertText" || input.selectionStart !== input.value.length) return;
    const value = input.value.replace(/\.{2,}/g, ".");
    input.value = /^\d{2}$|^\d{1,2}\.\d{2}$/.test(value) ? `${value}.` : value;
  });
});

/* Checklists (plugins/checklists): progress kept in localStorage per checklist id, a live
   "N von M erledigt" line, the matching result text, reset to what the author wrote, print.
   Without this script the checklist is a plain list of checkboxes. */
(() => {
  "use strict";

  const PREFIX = "checkliste:";

  const load = (id) => {
    try {
      return JSON.parse(localStorage.getItem(PREFIX + id)) || {};
    } catch {
      return {};
    }
  };

  const store = (id, state) => {
    try {
      localStorage.setItem(PREFIX + id, JSON.stringify(state));
    } catch {
      /* storage full or disabled: the checklist still works for this visit */
    }
  };

  const forget = (id) => {
    try {
      localStorage.removeItem(PREFIX + id);
    } catch {
      /* nothing saved */
    }
  };

  const setUp = (form) => {
    const id = form.dataset.checklist;
    const boxes = [...form.querySelectorAll("input[type=checkbox]")];
    const progress = form.querySelector(".checklist-progress");
    const results = [...form.querySelectorAll(".checklist-scores li[data-min]")];

    const update = () => {
      const ticked = boxes.filter((box) => box.checked);
      const text = `${ticked.length} von ${boxes.length} erledigt`;
      if (progress.textContent !== text) progress.textContent = text;
      const score = ticked.reduce((sum, box) => sum + Number(box.dataset.weight || 1), 0);
      for (const result of results) {
        result.hidden = score < Number(result.dataset.min) || score > Number(result.dataset.max);
      }
    };

    const saved = load(id);
    for (const box of boxes) {
      if (typeof saved[box.name] === "boolean") box.checked = saved[box.name];
    }
    form.classList.add("is-interactive");
    for (const hidden of form.querySelectorAll(".checklist-progress, .checklist-actions")) hidden.hidden = false;

    form.addEventListener("change", () => {
      store(id, Object.fromEntries(boxes.map((box) => [box.name, box.checked])));
      update();
    });
    // The form's own reset restores the author's ticks; forget the saved ones, then recount.
    form.addEventListener("reset", () => {
      forget(id);
      setTimeout(update);
    });
    form.addEventListener("submit", (event) => event.preventDefault());
    form.querySelector(".checklist-print").addEventListener("click", () => {
      document.documentElement.classList.add("is-printing-checklist");
      form.classList.add("is-printing");
      window.print();
    });
    update();
  };

  window.addEventListener("afterprint", () => {
    document.documentElement.classList.remove("is-printing-checklist");
    for (const form of document.querySelectorAll("form.checklist.is-printing")) form.classList.remove("is-printing");
  });

  for (const form of document.querySelectorAll("form.checklist[data-checklist]")) setUp(form);
})();

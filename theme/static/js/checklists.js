/* Checklists (plugins/checklists): ticks kept in localStorage per checklist, "N von M erledigt",
   the fitting result text, reset to the author's ticks, print a single checklist. */
(() => {
  "use strict";
  const store = (method, key, value) => {
    try {
      return localStorage[method]("checkliste:" + key, value);
    } catch {
      return null; // storage blocked or full: ticks last for this visit
    }
  };

  for (const form of document.querySelectorAll("form.checklist")) {
    const id = form.dataset.checklist;
    const boxes = [...form.querySelectorAll("input")];
    const progress = form.querySelector(".checklist-progress");
    const update = () => {
      const ticked = boxes.filter((box) => box.checked);
      const text = `${ticked.length} von ${boxes.length} erledigt`;
      if (progress.textContent !== text) progress.textContent = text;
      const score = ticked.reduce((sum, box) => sum + Number(box.dataset.weight || 1), 0);
      for (const li of form.querySelectorAll(".checklist-scores li")) {
        li.hidden = score < li.dataset.min || score > li.dataset.max;
      }
    };

    let saved = {};
    try {
      saved = JSON.parse(store("getItem", id)) || {};
    } catch {
      /* unreadable: start from the author's ticks */
    }
    for (const box of boxes) if (typeof saved[box.id] === "boolean") box.checked = saved[box.id];
    for (const part of form.querySelectorAll(".checklist-progress, .checklist-actions")) part.hidden = false;
    form.classList.add("is-interactive");

    form.addEventListener("change", () => {
      store("setItem", id, JSON.stringify(Object.fromEntries(boxes.map((box) => [box.id, box.checked]))));
      update();
    });
    // The native reset restores the author's ticks right after this event.
    form.addEventListener("reset", () => {
      store("removeItem", id);
      setTimeout(update);
    });
    form.addEventListener("submit", (event) => event.preventDefault());
    form.querySelector(".checklist-print").addEventListener("click", () => {
      const root = document.documentElement.classList;
      root.add("is-printing-checklist");
      form.classList.add("is-printing");
      print(); // blocks until the print dialog closes
      root.remove("is-printing-checklist");
      form.classList.remove("is-printing");
    });
    update();
  }
})();

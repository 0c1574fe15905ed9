/* Checklists (plugins/checklists): ticks saved per checklist in localStorage, "N von M erledigt",
   the fitting result text, reset to the author's ticks, printing one checklist alone. */
(() => {
  "use strict";
  const safely = (action) => {
    try {
      return action();
    } catch {
      return null; // storage blocked, full or unreadable: ticks last for this visit
    }
  };
  const root = document.documentElement.classList;

  for (const form of document.querySelectorAll("form.checklist")) {
    const key = "checkliste:" + form.dataset.checklist;
    const boxes = [...form.querySelectorAll("input")];
    const update = () => {
      const ticked = boxes.filter((box) => box.checked);
      form.querySelector(".checklist-progress").textContent = `${ticked.length} von ${boxes.length} erledigt`;
      const score = ticked.reduce((sum, box) => sum + Number(box.dataset.weight || 1), 0);
      for (const li of form.querySelectorAll("[data-min]")) li.hidden = score < li.dataset.min || score > li.dataset.max;
    };
    const saved = safely(() => JSON.parse(localStorage.getItem(key))) || {};
    for (const box of boxes) box.checked = saved[box.id] ?? box.checked;
    for (const part of form.querySelectorAll("p[hidden]")) part.hidden = false;
    form.classList.add("is-interactive");

    form.onchange = () => {
      safely(() => localStorage.setItem(key, JSON.stringify(Object.fromEntries(boxes.map((b) => [b.id, b.checked])))));
      update();
    };
    form.onreset = () => {
      safely(() => localStorage.removeItem(key));
      setTimeout(update); // the native reset restores the author's ticks after this event
    };
    form.onsubmit = (event) => event.preventDefault();
    form.querySelector(".checklist-print").onclick = () => {
      root.add("is-printing-checklist");
      form.classList.add("is-printing");
      print(); // returns when the print dialog closes
      root.remove("is-printing-checklist");
      form.classList.remove("is-printing");
    };
    update();
  }
})();

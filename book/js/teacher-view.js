// The teacher view: every teacher note of the book open. Asked for with ?teacher in the
// address (?teacher=off leaves it), remembered by the browser, and switched with the
// toggle this adds to the menu bar. Learners see the notes closed unless they open one.
(() => {
  const KEY = "workbook-teacher-view";
  const asked = new URLSearchParams(location.search).get("teacher");
  if (asked !== null) {
    localStorage.setItem(KEY, asked === "off" ? "off" : "on");
  }
  const notes = () => document.querySelectorAll("details.teacher-notes");
  const apply = (on) => {
    for (const details of notes()) {
      details.open = on;
    }
    document.documentElement.classList.toggle("teacher-view", on);
    const toggle = document.getElementById("teacher-toggle");
    if (toggle) {
      toggle.classList.toggle("active", on);
      toggle.title = on ? "Teacher view: on (notes open)" : "Teacher view: off";
    }
  };
  const isOn = () => localStorage.getItem(KEY) === "on";

  const buttons = document.querySelector(".right-buttons");
  if (buttons) {
    const toggle = document.createElement("button");
    toggle.id = "teacher-toggle";
    toggle.className = "icon-button";
    toggle.type = "button";
    toggle.setAttribute("aria-label", "Teacher view");
    toggle.textContent = "🎓";
    toggle.addEventListener("click", () => {
      const on = !isOn();
      localStorage.setItem(KEY, on ? "on" : "off");
      apply(on);
    });
    buttons.prepend(toggle);
  }
  apply(isOn());
})();

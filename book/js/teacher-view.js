// The teacher view: every teacher note of the book open, and the page marked `teacher-view`
// (css/paper.css prints the notes only then). Asked for with ?teacher in the address
// (?teacher=off leaves it), remembered by the browser, and switched with the toggle this
// adds to the menu bar. Learners see the notes closed unless they open one.
//
// print.html follows its address alone: `workbook book --pdf FILE` prints a learner's copy
// and `--teacher` (print.html?teacher) a teacher's, whatever the browser remembers.
(() => {
  const KEY = "workbook-teacher-view";
  // The toggle's words in the edition's language (the runner translates mdBook's own).
  const zh = document.documentElement.lang.startsWith("zh");
  const words = zh
    ? { on: "教师视图：开（注释已展开）", off: "教师视图：关", name: "教师视图" }
    : { on: "Teacher view: on (notes open)", off: "Teacher view: off", name: "Teacher view" };
  const asked = new URLSearchParams(location.search).get("teacher");
  const printing = location.pathname.endsWith("/print.html");
  if (asked !== null && !printing) {
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
      toggle.title = on ? words.on : words.off;
    }
  };
  const isOn = () =>
    printing ? asked !== null && asked !== "off" : localStorage.getItem(KEY) === "on";

  const buttons = document.querySelector(".right-buttons");
  if (buttons) {
    const toggle = document.createElement("button");
    toggle.id = "teacher-toggle";
    toggle.className = "icon-button";
    toggle.type = "button";
    toggle.setAttribute("aria-label", words.name);
    // A mortarboard, drawn here so that it needs no icon font or emoji font.
    toggle.innerHTML =
      '<svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" fill="currentColor">' +
      '<path d="M12 3 1 9l11 6 9-4.9V16h2V9z"/>' +
      '<path d="M5 12.2V16c0 1.7 3.1 3.5 7 3.5s7-1.8 7-3.5v-3.8l-7 3.8z"/></svg>';
    toggle.addEventListener("click", () => {
      const on = !isOn();
      localStorage.setItem(KEY, on ? "on" : "off");
      apply(on);
    });
    buttons.prepend(toggle);
  }
  apply(isOn());
})();

"use strict";
// The teacher's words, and every learner's row as the server last sent it. Whatever a
// learner sent (a name, a test, a message) is written with textContent: shown, never run.
const words = JSON.parse(document.getElementById("words").textContent);
const fill = (template, values) => template.replace(/\{(\w+)\}/g, (_, name) => String(values[name]));
const byId = (id) => document.getElementById(id);
const text = (tag, content, className) => {
  const element = document.createElement(tag);
  element.textContent = content;
  if (className) element.className = className;
  return element;
};

// The token the page was opened with, kept for this tab only and taken out of the address
// bar, so that a projected screen does not show it; no link on the page carries it either
// (a link's address shows when the pointer rests on it).
const opened = new URLSearchParams(location.search).get("token");
if (opened) {
  sessionStorage.setItem("class-token", opened);
  history.replaceState(null, "", location.pathname);
}
const token = sessionStorage.getItem("class-token") || "";
const asTeacher = { Authorization: "Bearer " + token };

// The exports are fetched with the token in a header and saved from memory.
for (const [id, label] of [["csv", words.exportCsv], ["json", words.exportJson]]) {
  const link = byId(id);
  link.textContent = label;
  link.addEventListener("click", async (event) => {
    event.preventDefault();
    const answer = await fetch(link.getAttribute("href"), { headers: asTeacher });
    const name = (answer.headers.get("content-disposition") || "").match(/filename="([^"]+)"/);
    const save = document.createElement("a");
    save.href = URL.createObjectURL(await answer.blob());
    save.download = name ? name[1] : link.getAttribute("href").slice(1);
    save.click();
    URL.revokeObjectURL(save.href);
  });
}

document.title = fill(words.title, { class: words.class });
byId("heading").textContent = document.title;
byId("heading").title = document.title;
for (const [id, word] of [["exercises-heading", "exercises"],
  ["legend-not-started", "notStarted"], ["legend-failing", "failing"], ["legend-passed", "passed"],
  ["lessons-label", "lessons"], ["show-label", "show"], ["roster-heading", "roster"],
  ["code-label", "code"], ["new-code", "newCode"], ["room-heading", "room"], ["room-undo", "roomUndo"]]) {
  byId(id).textContent = words[word];
}

// The teacher's choices, kept by this browser: which lessons the grid shows, and how the
// page names learners on the wall: by name, or (projected) by initials or seat number
// everywhere, the grid, the stuck list and the print included.
const choices = { lessons: localStorage.getItem("class-lessons") || "now", show: localStorage.getItem("class-show") || "names" };
const showSelect = byId("show");
for (const [value, word] of [["names", "showNames"], ["initials", "showInitials"], ["seats", "showSeats"]]) {
  const option = text("option", words[word]);
  option.value = value;
  showSelect.append(option);
}
showSelect.value = choices.show;
showSelect.addEventListener("change", () => { choices.show = showSelect.value; localStorage.setItem("class-show", choices.show); draw(); });
const lessonSelect = byId("lessons");
lessonSelect.addEventListener("change", () => { choices.lessons = lessonSelect.value; localStorage.setItem("class-lessons", choices.lessons); draw(); });

let exercises = [];
let admission = { code: "", joining: true };
let stuckAfterMs = 180000; // the teacher's --stuck-after, as the server says it
const rows = new Map();
let clockOffset = 0; // the server's clock minus this one's
let messages = 0;

const minutesSince = (ms) => Math.max(0, Math.floor((Date.now() + clockOffset - ms) / 60000));
// How long, as a teacher reads it: minutes under an hour, hours under a day, then days
// ("23 h", not "1381 min"); in a grid's cell, the shortest ("23h").
const howLong = (minutes) => minutes < 60 ? fill(words.minutes, { m: minutes })
  : minutes < 24 * 60 ? fill(words.hours, { h: Math.floor(minutes / 60) })
  : fill(words.days, { d: Math.floor(minutes / (24 * 60)) });
const howLongShort = (minutes) => minutes < 60 ? String(minutes)
  : minutes < 24 * 60 ? Math.floor(minutes / 60) + "h" : Math.floor(minutes / (24 * 60)) + "d";
// Failing, once started: a stub a lesson's check failed, never checked alone, is not started.
const failing = (cell) => cell && !cell.passed && cell.failing_since_ms !== undefined;
const started = (cell) => cell && (cell.passed || cell.started);
const byName = (a, b) => a.name.localeCompare(b.name);
// A seat is the order of joining: the first to join is seat 1.
const seats = () => new Map([...rows.values()].sort((a, b) => a.id - b.id).map((row, index) => [row.id, index + 1]));
// Initials: each part's first letter ("Olivia Brown" is O.B). A Chinese name is its family
// name and its given name, one or two characters each, with no space: the family name is
// what many in the room share, so it is the given name's first character ("张伟" is 伟;
// a four-character name's family name is its first two, "欧阳娜娜" is 娜).
const han = /^\p{Script=Han}+$/u;
const initials = (name) => {
  const chars = [...name.trim()];
  if (han.test(name.trim()) && chars.length >= 2) return chars[chars.length >= 4 ? 2 : 1];
  return name.split(/[\s\-_.]+/).filter(Boolean).map((part) => [...part][0].toUpperCase()).join(".");
};
// A learner as the page shows them: their name, or on the projector their initials or seat.
let seatOf = new Map();
const shownAs = (row) => choices.show === "initials" ? initials(row.name)
  : choices.show === "seats" ? fill(words.seat, { n: seatOf.get(row.id) }) : row.name;

function renderLessons() {
  const lessons = [...new Set(exercises.map((exercise) => exercise.lesson))];
  const options = [["now", words.lessonsNow], ["all", words.lessonsAll], ...lessons.map((id) => [id, id])];
  lessonSelect.replaceChildren(...options.map(([value, label]) => {
    const option = text("option", label);
    option.value = value;
    return option;
  }));
  lessonSelect.value = options.some(([value]) => value === choices.lessons) ? choices.lessons : "now";
}

// The exercises the grid shows: a lesson's, every one, or those of the lessons the room is
// on now (the lessons of the learners' current exercises; else of any exercise checked).
function shownExercises() {
  if (choices.lessons === "all") return exercises;
  let lessons;
  if (choices.lessons === "now") {
    const lessonOf = new Map(exercises.map((exercise) => [exercise.id, exercise.lesson]));
    const on = (pick) => new Set([...rows.values()].flatMap(pick).map((id) => lessonOf.get(id)).filter(Boolean));
    lessons = on((row) => (row.current ? [row.current] : []));
    if (!lessons.size) lessons = on((row) => Object.keys(row.cells).filter((id) => started(row.cells[id])));
    if (!lessons.size) return exercises;
  } else {
    lessons = new Set([choices.lessons]);
  }
  return exercises.filter((exercise) => lessons.has(exercise.lesson));
}

// The grid: drawn whole when the learners or the exercises shown change, else row by row
// (a verdict changes its learner's row alone: a room of 300 on every exercise is 21,600
// cells, too many to draw again for each verdict).
const gridRows = new Map(); // learner id → their <tr>
let gridShown = ""; // the exercises the grid was drawn with

function gridRow(row, shown) {
  const tr = document.createElement("tr");
  tr.dataset.learner = row.name;
  let hints = 0;
  for (const cell of Object.values(row.cells)) hints += cell.hints;
  const cells = shown.map((exercise) => {
    const cell = row.cells[exercise.id];
    const td = text("td", "", "cell");
    td.dataset.exercise = exercise.id;
    if (!started(cell)) {
      td.classList.add("not-started");
      td.dataset.state = "not-started";
      td.title = words.notStarted;
    } else if (cell.passed) {
      td.classList.add("passed");
      td.dataset.state = "passed";
      td.textContent = "✓";
      td.title = words.passed;
    } else {
      td.classList.add("failing");
      td.dataset.state = "failing";
      const minutes = cell.failing_since_ms === undefined ? 0 : minutesSince(cell.failing_since_ms);
      td.textContent = howLongShort(minutes);
      td.title = [howLong(minutes), cell.test, cell.message].filter(Boolean).join("\n");
    }
    return td;
  });
  tr.append(text("td", shownAs(row), "name"), text("td", String(hints)), ...cells);
  gridRows.set(row.id, tr);
  return tr;
}

// The grid's cells as wide as the window lets every column be: 18 px when they fit, down
// to 3 px for every exercise of the course on a small screen, where they say their state
// by colour alone and the names' column is narrower (on the projector, initials and seats
// need little of it).
function fitGrid(count) {
  const grid = byId("grid");
  // The room the page has for it: the grid's box shrinks to the grid, beside the counts.
  const main = document.querySelector("main");
  const style = getComputedStyle(main);
  const box = main.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
  const em = parseFloat(getComputedStyle(grid).fontSize);
  const columns = (dense) => {
    const name = choices.show !== "names" ? 4.5 : dense ? 7 : 11;
    const hints = dense ? 2.2 : 3.6;
    return { name: Math.ceil(name * em), hints: Math.ceil(hints * em) };
  };
  let fixed = columns(false);
  let cell = Math.floor((box - fixed.name - fixed.hints - 4) / Math.max(count, 1)) - 1;
  const dense = cell < 16;
  if (dense) {
    fixed = columns(true);
    cell = Math.floor((box - fixed.name - fixed.hints - 4) / Math.max(count, 1)) - 1;
  }
  cell = Math.max(3, Math.min(18, cell));
  // Still too many columns for the window at 3 px: the names' column gives up the rest.
  const over = fixed.name + fixed.hints + count * (cell + 1) + 7 - box;
  if (over > 0) fixed.name = Math.max(Math.ceil(2 * em), fixed.name - over);
  grid.style.setProperty("--cell", cell + "px");
  grid.style.setProperty("--name", fixed.name + "px");
  grid.style.setProperty("--hints", fixed.hints + "px");
  grid.classList.toggle("dense", dense);
  grid.style.width = fixed.name + fixed.hints + count * (cell + 1) + 3 + "px";
  // The window's width the grid was fitted to. A resized window has its new width first,
  // and the grid its new fit only once the resize reaches the page: while this is not the
  // window's width, the grid is still the last window's. So a reader, or a test, knows the
  // grid fits the window it has now.
  grid.dataset.fittedTo = String(innerWidth);
}
addEventListener("resize", () => fitGrid(document.querySelectorAll("#grid col.cell").length));

function renderGrid(changed) {
  seatOf = seats();
  const shown = shownExercises();
  const key = shown.map((exercise) => exercise.id).join(" ");
  if (changed && key === gridShown && [...changed].every((id) => gridRows.has(id))) {
    for (const id of changed) {
      const row = rows.get(id);
      if (row) gridRows.get(id).replaceWith(gridRow(row, shown));
    }
    return;
  }
  gridShown = key;
  const columns = [text("col", "", "name"), text("col", "", "hints"), ...shown.map(() => text("col", "", "cell"))];
  document.querySelector("#grid colgroup").replaceChildren(...columns);
  fitGrid(shown.length);
  const headRow = document.createElement("tr");
  headRow.append(text("th", words.learner), text("th", words.hints));
  for (const exercise of shown) {
    // The exercise's own name: its lesson is the filter's.
    const th = text("th", exercise.id.slice(exercise.id.indexOf(".") + 1), "exercise");
    th.title = exercise.id + " · " + exercise.title;
    headRow.append(th);
  }
  document.querySelector("#grid thead").replaceChildren(headRow);
  gridRows.clear();
  const sorted = [...rows.values()].sort(byName);
  document.querySelector("#grid tbody").replaceChildren(...sorted.map((row) => gridRow(row, shown)));
  byId("empty").textContent = rows.size ? "" : words.noLearners;
  byId("count").textContent = rows.size === 1 ? words.learnersOne : fill(words.learners, { count: rows.size });
}

// One line per learner at most: the exercise they are on, failing for the teacher's
// --stuck-after or longer (on the server's clock), the longest first. Those failing it for
// less are trying, named on one line below. On the wall a name can be initials or a seat
// number instead.
const openLines = new Set(); // the stuck lines clicked open, by learner
function renderStuck() {
  const stuck = [];
  const trying = [];
  const now = Date.now() + clockOffset;
  for (const row of rows.values()) {
    const id = row.current;
    const cell = id && row.cells[id];
    if (!failing(cell)) continue;
    if (now - cell.failing_since_ms >= stuckAfterMs) {
      stuck.push({ row, id, cell, since: cell.failing_since_ms, minutes: minutesSince(cell.failing_since_ms) });
    } else {
      trying.push(row);
    }
  }
  stuck.sort((a, b) => a.since - b.since || byName(a.row, b.row));
  trying.sort(byName);
  const threshold = Math.round(stuckAfterMs / 6000) / 10;
  byId("stuck-heading").textContent = fill(words.stuck, { minutes: threshold });
  byId("trying").textContent = trying.length ? fill(words.trying, { minutes: threshold, names: trying.map(shownAs).join(words.listSeparator) }) : "";
  byId("trying").dataset.count = String(trying.length);
  // One line each, whatever the message's length: what does not fit is cut, and shown
  // whole when the pointer rests on it (its title) or the line is clicked (opened, with the
  // failing test's name on a line below).
  document.querySelector("#stuck tbody").replaceChildren(...stuck.flatMap(({ row, id, cell, minutes }) => {
    const tr = document.createElement("tr");
    tr.className = "line";
    const cells = [
      text("td", shownAs(row), "name"),
      text("td", id.slice(id.indexOf(".") + 1), "exercise"),
      text("td", howLong(minutes), "minutes"),
      text("td", cell.message || cell.test || "", "message"),
    ];
    cells[1].title = id;
    cells[0].title = cells[0].textContent;
    cells[3].title = [cell.test, cell.message].filter(Boolean).join("\n");
    tr.append(...cells);
    // Its failing test, on a line of its own below it while it is open.
    let detail = null;
    if (cell.test) {
      detail = document.createElement("tr");
      detail.className = "detail";
      const td = document.createElement("td");
      td.colSpan = 4;
      td.append(words.test + " ", text("code", cell.test));
      detail.append(td);
    }
    const open = openLines.has(row.id);
    tr.classList.toggle("open", open);
    tr.addEventListener("click", () => {
      const opening = !openLines.delete(row.id);
      if (opening) openLines.add(row.id);
      tr.classList.toggle("open", opening);
      if (detail && opening) tr.after(detail);
      else if (detail) detail.remove();
    });
    const lines = open && detail ? [tr, detail] : [tr];
    return lines;
  }));
  byId("nobody-stuck").textContent = stuck.length ? "" : words.nobodyStuck;
}

function renderExercises() {
  const headRow = document.createElement("tr");
  headRow.append(text("th", words.exercise), text("th", words.passedCount), text("th", words.failing),
    text("th", words.commonFailure), text("th", words.hints));
  document.querySelector("#exercises thead").replaceChildren(headRow);
  const lines = [];
  for (const exercise of shownExercises()) {
    let passed = 0, failingNow = 0, hints = 0, begun = 0;
    const tests = new Map();
    for (const row of rows.values()) {
      const cell = row.cells[exercise.id];
      if (!started(cell)) continue;
      begun += 1;
      hints += cell.hints;
      if (cell.passed) passed += 1;
      else {
        failingNow += 1;
        // Each learner's own tries only: a stub failed by a lesson's check is no attempt.
        if (cell.test) tests.set(cell.test, (tests.get(cell.test) || 0) + 1);
      }
    }
    if (!begun) continue;
    const common = [...tests.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0];
    const tr = document.createElement("tr");
    tr.append(text("td", exercise.id), text("td", passed + " / " + rows.size), text("td", String(failingNow)),
      text("td", common ? common[0] + " (" + common[1] + ")" : ""), text("td", String(hints)));
    lines.push(tr);
  }
  document.querySelector("#exercises tbody").replaceChildren(...lines);
}

// The roster: each change is sent to the server, which sends every page the class again.
async function change(body) {
  const answer = await fetch("/api/roster", { method: "POST", headers: { ...asTeacher, "Content-Type": "application/json" }, body: JSON.stringify(body) });
  if (!answer.ok) alert((await answer.json().catch(() => ({}))).error || answer.statusText);
}
const button = (label, action) => {
  const element = text("button", label);
  element.type = "button";
  element.addEventListener("click", action);
  return element;
};
byId("toggle-joining").addEventListener("click", () => change({ action: "joining", open: !admission.joining }));
byId("new-code").addEventListener("click", () => change({ action: "code" }));

// The room's mirror's line (when the teacher serves one), as the terminal printed it.
function renderRoom(room) {
  byId("room").hidden = !room;
  if (!room) return;
  byId("room-line").textContent = room.line;
  byId("room-undo-command").textContent = room.undo;
}

// Drawn only while it is open: 300 learners' buttons are many elements for a closed box.
byId("roster-details").addEventListener("toggle", () => renderRoster());
function renderRoster() {
  if (!byId("roster-details").open) return;
  byId("code").textContent = admission.code;
  byId("joining").textContent = admission.joining ? words.joiningOpen : words.joiningClosed;
  byId("toggle-joining").textContent = admission.joining ? words.closeJoining : words.openJoining;
  const sorted = [...rows.values()].sort(byName);
  document.querySelector("#roster tbody").replaceChildren(...sorted.map((row) => {
    const tr = document.createElement("tr");
    tr.dataset.learner = row.name;
    const merge = document.createElement("select");
    merge.append(text("option", words.mergeInto));
    // The other learners, listed when the menu is opened.
    merge.addEventListener("focus", () => {
      merge.replaceChildren(text("option", words.mergeInto));
      for (const other of [...rows.values()].sort(byName)) {
        if (other.id === row.id) continue;
        const option = text("option", shownAs(other));
        option.value = other.name;
        merge.append(option);
      }
    });
    merge.addEventListener("change", () => {
      const into = merge.value;
      const intoShown = merge.selectedIndex > 0 ? merge.options[merge.selectedIndex].textContent : "";
      if (merge.selectedIndex > 0 && confirm(fill(words.confirmMerge, { name: shownAs(row), into: intoShown }))) change({ action: "merge", name: row.name, into });
      merge.selectedIndex = 0;
    });
    const actions = text("td", "", "actions");
    actions.append(
      button(words.rename, () => {
        const to = prompt(fill(words.renamePrompt, { name: shownAs(row) }), choices.show === "names" ? row.name : "");
        if (to && to !== row.name) change({ action: "rename", name: row.name, to });
      }),
      button(words.rejoin, () => change({ action: "rejoin", name: row.name })),
      button(words.remove, () => { if (confirm(fill(words.confirmRemove, { name: shownAs(row) }))) change({ action: "remove", name: row.name }); }),
      merge,
    );
    // Let join again: said on the line until they have.
    const name = text("td", shownAs(row), "name");
    if (row.may_rejoin) name.append(" ", text("span", "(" + words.mayRejoin + ")", "may-rejoin"));
    tr.append(text("td", fill(words.seat, { n: seatOf.get(row.id) })), name, actions);
    return tr;
  }));
}

// Drawn at most every 200 ms however fast verdicts come: the rows that changed, or all of
// it; every 20 s the minutes in the failing cells and the stuck list. The time the last
// drawing took, and the last whole one, are kept for the benchmark.
let drawing = null;
let whole = true;
let draws = 0;
const changedRows = new Set();
function draw(rowId) {
  if (rowId === undefined) whole = true;
  else changedRows.add(rowId);
  if (drawing) return;
  drawing = setTimeout(() => {
    drawing = null;
    const began = performance.now();
    const wasWhole = whole;
    // On the projector (initials or seats), the stuck list in letters for the last row.
    document.body.classList.toggle("projector", choices.show !== "names");
    renderGrid(whole ? null : changedRows);
    whole = false;
    changedRows.clear();
    renderStuck();
    renderExercises();
    renderRoster();
    document.body.dataset.drawMs = (performance.now() - began).toFixed(1);
    if (wasWhole) document.body.dataset.wholeDrawMs = document.body.dataset.drawMs;
    document.body.dataset.messages = String(messages);
    document.body.dataset.draws = String(++draws);
  }, 200);
}
setInterval(() => {
  for (const [id, tr] of gridRows) {
    const row = rows.get(id);
    for (const td of tr.querySelectorAll("td.failing")) {
      const cell = row && row.cells[td.dataset.exercise];
      if (cell && cell.failing_since_ms !== undefined) td.textContent = String(minutesSince(cell.failing_since_ms));
    }
  }
  renderStuck();
}, 20000);

const status = byId("status");
function connect() {
  const source = new EventSource("/api/stream?token=" + encodeURIComponent(token));
  source.onopen = () => { status.textContent = words.live; status.className = ""; };
  source.onerror = () => { status.textContent = words.reconnecting; status.className = "down"; };
  source.onmessage = (event) => {
    const message = JSON.parse(event.data);
    clockOffset = message.now - Date.now();
    if (message.type === "snapshot") {
      exercises = message.exercises;
      admission = { code: message.code, joining: message.joining };
      renderRoom(message.room);
      if (typeof message.stuck_after_ms === "number") stuckAfterMs = message.stuck_after_ms;
      rows.clear();
      for (const row of message.rows) rows.set(row.id, row);
      renderLessons();
    } else if (message.type === "row") {
      rows.set(message.row.id, message.row);
      messages += 1;
      return draw(message.row.id);
    }
    messages += 1;
    draw();
  };
}
draw();
connect();

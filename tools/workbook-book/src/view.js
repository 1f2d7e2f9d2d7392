// What the live views' pages share (put in where a page's script says `/* view.js */`).

// A cell of `text` at the end of table row `row`, with `className` if one is given.
function cell(row, text, className) {
  const td = document.createElement("td");
  td.textContent = text;
  if (className) td.className = className;
  row.appendChild(td);
  return td;
}

// A click on a row opens its details under it, across the table's `columns`, and a second
// click closes them: `fill` puts what the details show into their one cell.
function toggleDetails(row, columns, fill) {
  const next = row.nextSibling;
  if (next && next.classList && next.classList.contains("details")) {
    next.remove();
    return;
  }
  const details = document.createElement("tr");
  details.className = "details";
  const td = document.createElement("td");
  td.colSpan = columns;
  fill(td);
  details.appendChild(td);
  row.after(details);
}

// Code in a table's cell breaks between the parts of a name, not inside one: after `::`,
// `.`, `/`, `_`, `(`, `,` and a `-` inside a word a line may end (a <wbr>), so `consul_ext::healthy_instances`
// wraps as `consul_ext::` / `healthy_instances` where the column is narrow. css/tables.css
// still lets a part wider than its cell break anywhere, as a last resort.
(() => {
  const after = /(::|[./_(,]|(?<=\w)-)(?=\S)/g;
  for (const code of document.querySelectorAll("table td code, table th code")) {
    if (code.children.length > 0 || !after.test(code.textContent)) {
      continue;
    }
    after.lastIndex = 0;
    const parts = code.textContent.split(after);
    code.textContent = "";
    // split() keeps each separator as its own part: a break may follow it.
    for (const part of parts) {
      code.append(part);
      if (/^(::|[./_(,-])$/.test(part)) {
        code.append(document.createElement("wbr"));
      }
    }
  }
})();

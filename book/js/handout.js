// The printed book's first pages (`workbook book --pdf`, which prints print.html): a title
// page and a table of contents, so that a PDF handed to a class opens like a book. They are
// made here, from the page itself, so that they always list the chapters the book has, in
// its language; on screen they stay hidden (css/paper.css shows them in print only).
(() => {
  if (!location.pathname.endsWith("/print.html")) return;
  const main = document.querySelector("main");
  if (!main) return;
  const zh = document.documentElement.lang.startsWith("zh");
  const words = zh
    ? { contents: "目录", learner: "学员版", teacher: "教师版（含教师备注）", printed: "打印于" }
    : { contents: "Contents", learner: "Learner's copy", teacher: "Teacher's copy (with teacher notes)", printed: "Printed" };
  const asked = new URLSearchParams(location.search).get("teacher");
  const teacher = asked !== null && asked !== "off";
  const description = document.querySelector('meta[name="description"]');

  const line = (tag, className, text) => {
    const element = document.createElement(tag);
    element.className = className;
    element.textContent = text;
    return element;
  };

  // Not headings: the PDF's outline (its bookmarks) is made of the chapters' headings, and
  // the title page is not a chapter.
  const title = document.createElement("section");
  title.className = "handout-title";
  title.append(line("div", "handout-book", document.title));
  if (description) title.append(line("div", "handout-description", description.content));
  title.append(line("div", "handout-copy", teacher ? words.teacher : words.learner));
  title.append(line("div", "handout-date", `${words.printed} ${new Date().toISOString().slice(0, 10)}`));

  // One entry per chapter: each chapter of print.html starts with its one <h1>. A PDF keeps
  // the links, so the contents are clickable.
  const contents = document.createElement("nav");
  contents.className = "handout-contents";
  contents.append(line("div", "handout-contents-title", words.contents));
  const list = document.createElement("ol");
  for (const heading of main.querySelectorAll("h1[id]")) {
    const link = document.createElement("a");
    link.href = `#${heading.id}`;
    link.textContent = heading.textContent.trim();
    const item = document.createElement("li");
    item.append(link);
    list.append(item);
  }
  contents.append(list);
  main.prepend(title, contents);
})();

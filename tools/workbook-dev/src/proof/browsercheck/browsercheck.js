// What a reader would find broken on one chapter page, one sentence each (none: all is
// well). The runner's browser check (browsercheck.rs) runs this in the loaded page through
// WebDriver's "execute script", which waits for the promise it returns. Its one argument
// says how the window is: `{ narrow: true }` for a phone's, where the sidebar is closed and
// a listing or a table may scroll inside its own box; in a laptop's, everything fits.
const { narrow = false } = arguments[0] || {};
return (async () => {
  const problems = [];
  const status = performance.getEntriesByType("navigation")[0]?.responseStatus;
  if (status && status !== 200) {
    return [`the page does not load (HTTP ${status})`];
  }
  const main = document.querySelector("main");
  if (!main) {
    return ["the page has no <main>: is it a chapter of the book?"];
  }
  // Measure with the book's own fonts, once every image has loaded or failed.
  await document.fonts.ready;
  await Promise.all(
    [...document.images]
      .filter((img) => !img.complete)
      .map((img) => new Promise((done) => { img.onload = img.onerror = done; })),
  );

  if (narrow && window.innerWidth > 600) {
    problems.push(`the window is ${window.innerWidth} px wide; it should be a phone's`);
  }
  if (!narrow && !document.documentElement.classList.contains("sidebar-visible")) {
    problems.push(`the sidebar is closed in a ${window.innerWidth} px window; it should be open`);
  }

  // What does not depend on the window's width is looked at once, in the laptop's.
  if (!narrow) {
    // An include mdBook could not resolve is left in the text as it was written.
    for (const directive of ["{{#include", "{{#rustdoc_include"]) {
      if (main.innerText.includes(directive)) {
        problems.push(`an unresolved ${directive} shows on the page`);
      }
    }

    for (const img of main.querySelectorAll("img")) {
      if (img.naturalWidth === 0) {
        problems.push(`the image ${img.getAttribute("src")} does not load`);
      }
    }

    // Links within the book and to the course's files, with their #fragments.
    const fetched = new Map();
    const fetchOnce = (url) => {
      if (!fetched.has(url)) {
        fetched.set(url, fetch(url).then(
          async (response) => ({
            status: response.ok ? null : `HTTP ${response.status}`,
            html: (response.headers.get("content-type") || "").startsWith("text/html")
              ? await response.text() : null,
          }),
          (error) => ({ status: String(error), html: null }),
        ));
      }
      return fetched.get(url);
    };
    const here = location.href.split("#")[0];
    for (const link of main.querySelectorAll("a[href]")) {
      const url = new URL(link.href);
      if (url.origin !== location.origin) {
        continue;
      }
      const page = url.href.split("#")[0];
      const written = link.getAttribute("href");
      let target = document;
      if (page !== here) {
        const { status, html } = await fetchOnce(page);
        if (status) {
          problems.push(`the link ${written} leads nowhere (${status})`);
          continue;
        }
        target = html && new DOMParser().parseFromString(html, "text/html");
      }
      const id = decodeURIComponent(url.hash.slice(1));
      if (id && target && !target.getElementById(id)) {
        problems.push(`the link ${written} points to #${id}, which its page does not have`);
      }
    }

    // The language switch: on every page of a book with a translation, leading to the same
    // page in the other language (the runner's src/book/i18n/pages.rs adds it).
    const switches = document.querySelectorAll("a.lang-switch");
    const translated = document.documentElement.lang !== "en";
    if (translated && switches.length === 0) {
      problems.push("the page has no language switch");
    }
    for (const link of switches) {
      const { status } = await fetchOnce(link.href.split("#")[0]);
      const samePage = new URL(link.href).pathname.split("/").pop() === location.pathname.split("/").pop();
      if (status) {
        problems.push(`the language switch ${link.getAttribute("href")} leads nowhere (${status})`);
      } else if (!samePage) {
        problems.push(`the language switch ${link.getAttribute("href")} leads to another page`);
      }
    }
  }

  // Listings and diagrams must fit the column: what does not hides behind a scrollbar.
  const column = main.getBoundingClientRect();
  const px = (value) => `${Math.round(value)} px`;
  const words = (element) => (element.innerText || element.textContent || "").trim().replace(/\s+/g, " ").slice(0, 50);
  for (const pre of main.querySelectorAll("pre")) {
    const code = pre.querySelector("code") || pre;
    if (narrow && code.getBoundingClientRect().right <= column.right + 1) {
      continue; // In a phone's window a listing scrolls inside its own box.
    }
    if (code.scrollWidth > code.clientWidth + 1 || pre.getBoundingClientRect().right > column.right + 1) {
      const firstLine = code.innerText.split("\n").find((line) => line.trim()) || "";
      problems.push(`a listing needs ${px(code.scrollWidth)} and has ${px(code.clientWidth)}: `
        + `${firstLine.trim().slice(0, 50)}`);
    }
  }
  for (const svg of main.querySelectorAll("svg")) {
    if (svg.closest("pre, button")) {
      continue;
    }
    const drawn = svg.width.baseVal.value;
    const shown = svg.getBoundingClientRect();
    // A diagram shrinks to a narrow column; in a laptop's it is drawn at its own size.
    if ((!narrow && drawn > column.width + 1) || shown.right > column.right + 1) {
      problems.push(`a diagram is ${px(drawn)} wide in a ${px(column.width)} column: ${words(svg)}`);
    }
  }

  // Everything else on the page fits the column too: tables, paragraphs, long words. An
  // element may scroll inside its own box on purpose (overflow-x: auto, as mdBook's
  // `.table-wrapper` does), and then what it holds is its business: in a phone's window
  // that is how a wide table reads; in a laptop's a table fits without it. An element that
  // hides what passes its edge (overflow-x: hidden) loses words, at any width.
  const overflowX = (element) => getComputedStyle(element).overflowX;
  const scrollsOnPurpose = (element) => ["auto", "scroll"].includes(overflowX(element));
  const name = (element) => {
    if (element.matches(".table-wrapper")) {
      return "a table";
    }
    const first = element.classList[0];
    return `a <${element.localName}${first ? ` class="${first}"` : ""}>`;
  };
  const reported = [];
  for (const element of main.querySelectorAll("*")) {
    // Listings and diagrams are looked at above; the words of a reported element once.
    if (element.closest("pre, svg") || reported.some((outer) => outer.contains(element))) {
      continue;
    }
    const box = element.getBoundingClientRect();
    if (box.width === 0 && box.height === 0) {
      continue;
    }
    const overflows = element.scrollWidth > element.clientWidth + 1 && element.clientWidth > 0;
    let problem = null;
    if (scrollsOnPurpose(element)) {
      if (overflows && !narrow && element.matches(".table-wrapper")) {
        problem = `a table needs ${px(element.scrollWidth)} and has ${px(element.clientWidth)}: `
          + "its right part hides behind a scrollbar";
      }
    } else if (["hidden", "clip"].includes(overflowX(element)) && overflows) {
      problem = `${name(element)} hides ${px(element.scrollWidth - element.clientWidth)} `
        + `of its ${px(element.scrollWidth)}`;
    } else if (box.right > column.right + 1 && !insideAScroller(element, main)) {
      problem = `${name(element)} is ${px(box.width)} wide and passes the `
        + `${px(column.width)} column by ${px(box.right - column.right)}`;
    }
    if (problem) {
      reported.push(element);
      problems.push(`${problem}: ${words(element)}`);
    }
  }
  const page = document.documentElement;
  if (page.scrollWidth > page.clientWidth) {
    problems.push(`the page scrolls sideways: ${px(page.scrollWidth)} in a ${px(page.clientWidth)} window`);
  }
  return [...new Set(problems)];
})();

// Whether an ancestor of `element` below `main` scrolls sideways on purpose, so that what
// passes its edge is scrolled to, not lost.
function insideAScroller(element, main) {
  for (let parent = element.parentElement; parent && parent !== main; parent = parent.parentElement) {
    if (["auto", "scroll"].includes(getComputedStyle(parent).overflowX)) {
      return true;
    }
  }
  return false;
}

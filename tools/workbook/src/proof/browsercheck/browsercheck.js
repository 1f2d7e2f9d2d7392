// What a reader would find broken on one chapter page, one sentence each (none: all is
// well). The runner's browser check (browsercheck.rs) runs this in the loaded page through
// WebDriver's "execute script", which waits for the promise it returns.
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

  if (!document.documentElement.classList.contains("sidebar-visible")) {
    problems.push(`the sidebar is closed in a ${window.innerWidth} px window; it should be open`);
  }

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

  // Listings and diagrams must fit the column: what does not hides behind a scrollbar.
  const column = main.getBoundingClientRect();
  const px = (value) => `${Math.round(value)} px`;
  for (const pre of main.querySelectorAll("pre")) {
    const code = pre.querySelector("code") || pre;
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
    if (drawn > column.width + 1 || shown.right > column.right + 1) {
      const words = (svg.textContent || "").trim().replace(/\s+/g, " ").slice(0, 50);
      problems.push(`a diagram is ${px(drawn)} wide in a ${px(column.width)} column: ${words}`);
    }
  }
  const page = document.documentElement;
  if (page.scrollWidth > page.clientWidth) {
    problems.push(`the page scrolls sideways: ${px(page.scrollWidth)} in a ${px(page.clientWidth)} window`);
  }
  return [...new Set(problems)];
})();

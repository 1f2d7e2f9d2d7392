// Search for Chinese words in the zh-CN edition of the book (the runner's
// src/book/i18n/search_cjk.rs indexes the pages the same way).
//
// mdBook's search cuts a query into words at spaces and trims every character that is not
// a Latin letter or a digit from their ends, so a Chinese query vanishes. Here a run of
// Chinese characters is cut into its overlapping pairs (服务发现: 服务 务发 发现), as the
// index holds them, and kept through the trimming.
(function () {
  if (typeof elasticlunr === "undefined") {
    return;
  }
  const chinese = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]/;
  const runs = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+|[^\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+/g;

  const pairs = (run) => {
    const chars = Array.from(run);
    if (chars.length === 1) {
      return chars;
    }
    const out = [];
    for (let i = 0; i + 1 < chars.length; i++) {
      out.push(chars[i] + chars[i + 1]);
    }
    return out;
  };

  const words = elasticlunr.tokenizer;
  const tokenizer = function (text) {
    return words(text).flatMap((word) =>
      chinese.test(word)
        ? (word.match(runs) || []).flatMap((run) => (chinese.test(run) ? pairs(run) : [run]))
        : [word]);
  };
  // The tokenizer's settings are read from the function itself.
  Object.assign(tokenizer, words);
  elasticlunr.tokenizer = tokenizer;

  const trim = elasticlunr.trimmer;
  const trimmer = (token) => (chinese.test(token) ? token : trim(token));
  elasticlunr.trimmer = trimmer;
  elasticlunr.Pipeline.registerFunction(trimmer, "trimmer");
})();

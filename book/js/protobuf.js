// Protocol Buffers in the book's listings: the highlight.js that mdBook ships has no grammar
// for them, so ```protobuf blocks showed as plain text. This one knows what a .proto file
// of the course holds: its keywords, its scalar types, strings, numbers and comments.
(() => {
  if (typeof hljs === "undefined") {
    return;
  }
  hljs.registerLanguage("protobuf", () => ({
    name: "Protocol Buffers",
    keywords: {
      keyword:
        "syntax package import public weak option message enum service rpc returns stream " +
        "oneof map repeated optional required reserved extend extensions to max",
      type:
        "double float int32 int64 uint32 uint64 sint32 sint64 fixed32 fixed64 sfixed32 " +
        "sfixed64 bool string bytes",
      literal: "true false",
    },
    contains: [
      hljs.QUOTE_STRING_MODE,
      hljs.NUMBER_MODE,
      hljs.C_LINE_COMMENT_MODE,
      hljs.C_BLOCK_COMMENT_MODE,
      {
        // message Person {, enum PhoneType {, service Greeter {
        className: "class",
        beginKeywords: "message enum service",
        end: /\{/,
        excludeEnd: true,
        contains: [hljs.inherit(hljs.TITLE_MODE, { starts: { endsWithParent: true } })],
      },
    ],
  }));
  // book.js highlighted every listing before this ran: do the protobuf ones again.
  for (const block of document.querySelectorAll("code.language-protobuf")) {
    hljs.highlightBlock(block);
  }
})();

// Search of the web edition: MiniSearch over the titles, summaries and organisation names of
// one language (search-index.js defines window.refpubSearch). Queries and documents are read the
// same way: NFKC (full-width ＪＡＲ is JAR, half-width ｶﾅ is カナ), then lower case. Text without
// word spaces (Han, kana, Hangul) is cut into overlapping two-character pieces, so a two-character
// query finds a Japanese name anywhere, and a one-character query finds every piece it begins
// (each run's last character is a piece of its own); other text is cut into words, with fuzzy
// and prefix matching. Every match is listed, and the status announces how many there are.
(function () {
  "use strict";
  var section = document.querySelector("section.search");
  if (!section || !window.MiniSearch || !window.refpubSearch) return;
  var CJK_CHARS = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af\uff66-\uff9f";
  var CJK = new RegExp("[" + CJK_CHARS + "]+", "gu");
  var SEPARATORS = /[\s\p{P}\p{S}]+/u;

  function normalise(text) { return String(text).normalize("NFKC").toLowerCase(); }

  function tokenizer(indexing) {
    return function (text) {
      var tokens = [];
      var rest = normalise(text).replace(CJK, function (run) {
        if (run.length === 1 || indexing) tokens.push(run.slice(-1));
        for (var i = 0; i + 1 < run.length; i++) tokens.push(run.slice(i, i + 2));
        return " ";
      });
      rest.split(SEPARATORS).forEach(function (word) { if (word) tokens.push(word); });
      return tokens;
    };
  }

  var isCjk = new RegExp("^[" + CJK_CHARS + "]+$", "u");

  var index = new MiniSearch({
    fields: ["title", "text"],
    storeFields: ["title", "url", "lang"],
    tokenize: tokenizer(true),
    processTerm: normalise,
    searchOptions: {
      tokenize: tokenizer(false),
      boost: { title: 3 },
      combineWith: "AND",
      // Words may be misspelt or unfinished; two-character pieces of Japanese must match exactly,
      // one character matches every piece it begins.
      fuzzy: function (term) { return isCjk.test(term) || term.length < 4 ? false : 0.25; },
      prefix: function (term) { return isCjk.test(term) ? term.length === 1 : term.length > 2; }
    }
  });
  index.addAll(window.refpubSearch);

  var input = section.querySelector("input");
  var status = section.querySelector(".search-status");
  var list = section.querySelector(".search-results");
  section.hidden = false;

  function show() {
    var query = input.value.trim();
    list.textContent = "";
    if (!query) { status.textContent = ""; return; }
    var results = index.search(query);
    status.textContent = results.length ? section.dataset.found + ": " + results.length : section.dataset.none;
    var items = document.createDocumentFragment();
    results.forEach(function (result) {
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = result.url;
      link.textContent = result.title;
      if (result.lang && result.lang !== document.documentElement.lang) link.lang = result.lang;
      item.appendChild(link);
      items.appendChild(item);
    });
    list.appendChild(items);
  }
  input.addEventListener("input", show);
  // Enter: to the first result (Tab and the arrow keys go on from there).
  input.form.addEventListener("submit", function (event) {
    event.preventDefault();
    show();
    var first = list.querySelector("a");
    if (first) first.focus();
  });
  if (input.value) show();
})();

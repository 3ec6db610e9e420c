// Search of the web edition: MiniSearch over the titles, summaries and organisation names of
// one language (search-index.js defines window.refpubSearch). Text without word spaces (Han,
// kana, Hangul) is cut into overlapping two-character pieces, so a two-character query finds a
// Japanese name anywhere; other text is cut into words, with fuzzy and prefix matching.
(function () {
  "use strict";
  var section = document.querySelector("section.search");
  if (!section || !window.MiniSearch || !window.refpubSearch) return;
  var CJK = /[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af\uff66-\uff9f]+/gu;
  var SEPARATORS = /[\s\p{P}\p{S}]+/u;

  function tokenize(text) {
    var tokens = [];
    var rest = String(text).replace(CJK, function (run) {
      if (run.length === 1) tokens.push(run);
      for (var i = 0; i + 1 < run.length; i++) tokens.push(run.slice(i, i + 2));
      return " ";
    });
    rest.split(SEPARATORS).forEach(function (word) { if (word) tokens.push(word); });
    return tokens;
  }

  function isCjk(term) { return /^[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af\uff66-\uff9f]+$/u.test(term); }

  var index = new MiniSearch({
    fields: ["title", "text"],
    storeFields: ["title", "url", "lang"],
    tokenize: tokenize,
    processTerm: function (term) { return term.toLowerCase(); },
    searchOptions: {
      boost: { title: 3 },
      combineWith: "AND",
      // Words may be misspelt or unfinished; two-character pieces of Japanese must match exactly.
      fuzzy: function (term) { return isCjk(term) || term.length < 4 ? false : 0.25; },
      prefix: function (term) { return !isCjk(term) && term.length > 2; }
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
    var results = index.search(query).slice(0, 20);
    status.textContent = results.length ? section.dataset.found + ": " + results.length : section.dataset.none;
    results.forEach(function (result) {
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = result.url;
      link.textContent = result.title;
      if (result.lang && result.lang !== document.documentElement.lang) link.lang = result.lang;
      item.appendChild(link);
      list.appendChild(item);
    });
  }
  input.addEventListener("input", show);
  if (input.value) show();
})();

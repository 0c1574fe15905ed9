// Search page: queries the Pagefind index of this site in the reader's browser.
// No inline code (strict CSP); the bundle URL comes from this script tag's data-bundle.
(function () {
  "use strict";

  var script = document.currentScript;
  var bundle = new URL(script.dataset.bundle, document.baseURI);
  var form = document.querySelector(".search-form");
  var input = document.getElementById("suche-seite");
  var status = document.getElementById("suche-status");
  var list = document.getElementById("suche-treffer");
  var noJs = document.getElementById("suche-ohne-js");
  var MAX_RESULTS = 20;
  var pagefind = null;
  var latest = 0;

  function loadPagefind() {
    if (!pagefind) {
      pagefind = import(new URL("pagefind.js", bundle).href).then(function (module) {
        return module.options({ baseUrl: new URL("..", bundle).pathname }).then(function () { return module; });
      });
    }
    return pagefind;
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  function showResult(data) {
    var item = element("li", "search-result");
    var title = element("h2", "search-result-title");
    var link = element("a", "", (data.meta && data.meta.title) || data.url);
    link.href = data.url;
    title.appendChild(link);
    item.appendChild(title);
    var facts = [data.meta && data.meta.date, data.meta && data.meta.category].filter(Boolean);
    if (facts.length) item.appendChild(element("p", "search-result-meta", facts.join(" · ")));
    var excerpt = element("p", "search-result-excerpt");
    excerpt.innerHTML = data.excerpt; // Pagefind escapes the text and adds only <mark>
    item.appendChild(excerpt);
    return item;
  }

  function render(query, results, count) {
    list.replaceChildren.apply(list, results.map(showResult));
    list.hidden = results.length === 0;
    if (count === 0) {
      status.textContent = "Keine Treffer für „" + query + "“ – versuchen Sie ein anderes oder kürzeres Wort oder stöbern Sie im Archiv.";
    } else {
      status.textContent = count + " Treffer für „" + query + "“" + (count > results.length ? ", die ersten " + results.length + " hier" : "");
    }
  }

  function search(query) {
    var ticket = ++latest;
    query = query.trim();
    var url = new URL(window.location.href);
    if (query) url.searchParams.set("q", query); else url.searchParams.delete("q");
    window.history.replaceState(null, "", url);
    if (!query) {
      list.replaceChildren();
      list.hidden = true;
      status.textContent = "";
      return;
    }
    loadPagefind()
      .then(function (module) { return module.debouncedSearch(query, {}, 200); })
      .then(function (found) {
        if (found === null || ticket !== latest) return null;
        return Promise.all(found.results.slice(0, MAX_RESULTS).map(function (r) { return r.data(); }))
          .then(function (data) { if (ticket === latest) render(query, data, found.results.length); });
      })
      .catch(function () {
        status.textContent = "Die Suche ist gerade nicht verfügbar. Bitte versuchen Sie es später noch einmal.";
      });
  }

  noJs.hidden = true;
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    search(input.value);
  });
  input.addEventListener("input", function () { search(input.value); });
  var initial = new URLSearchParams(window.location.search).get("q") || "";
  input.value = initial;
  if (initial) search(initial);
})();

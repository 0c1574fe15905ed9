// Share links, progressively enhanced: copy the article's address, ask which Mastodon server to use.
// No inline code (strict CSP); nothing is requested before the reader clicks.
(function () {
  "use strict";

  var STORAGE_KEY = "mastodon-instanz";
  var section = document.querySelector(".share");
  if (!section) return;
  var status = section.querySelector(".share-status");
  var copy = section.querySelector(".share-copy");

  function say(text) {
    status.textContent = text;
  }

  if (copy && navigator.clipboard) {
    copy.hidden = false;
    copy.addEventListener("click", function () {
      navigator.clipboard.writeText(copy.dataset.url).then(
        function () { say("Link kopiert."); },
        function () { say("Kopieren nicht möglich – bitte markieren Sie die Adresse in der Adresszeile."); }
      );
    });
  }

  var mastodon = section.querySelector("[data-network=mastodon]");
  if (mastodon) {
    mastodon.addEventListener("click", function (event) {
      var saved = "";
      try { saved = window.localStorage.getItem(STORAGE_KEY) || ""; } catch (e) { /* storage blocked */ }
      var answer = window.prompt("Auf welchem Mastodon-Server sind Sie? (z. B. mastodon.social)", saved || "mastodon.social");
      event.preventDefault();
      if (!answer) return;
      var host = answer.trim().replace(/^https?:\/\//, "").replace(/\/.*$/, "");
      if (!/^[a-z0-9.-]+\.[a-z]{2,}$/i.test(host)) {
        say("„" + answer + "“ ist keine Serveradresse. Bitte geben Sie sie wie „mastodon.social“ ein.");
        return;
      }
      try { window.localStorage.setItem(STORAGE_KEY, host); } catch (e) { /* storage blocked */ }
      var url = "https://" + host + "/share?text=" + encodeURIComponent(mastodon.dataset.shareText);
      window.open(url, "_blank", "noopener");
    });
  }
})();

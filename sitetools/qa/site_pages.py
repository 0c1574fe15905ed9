"""The page types of the starter site: visited by the browser tests, `invoke screenshots` and `invoke audit`.

A new page type (say a checklist overview) joins every check with one line here.
"""

# One line per page type of the starter site: name -> (path, expected HTTP status).
PAGE_TYPES: dict[str, tuple[str, int]] = {
    "home": ("/", 200),
    "paginated-index": ("/seite/2/", 200),
    "article": ("/wann-sich-social-media-fuer-kmu-nicht-lohnt/", 200),
    "article-with-comments": ("/kritik-in-kommentaren-und-bewertungen-souveraen-beantworten/", 200),
    "page": ("/ueber/", 200),
    "category": ("/kategorie/strategie/", 200),
    "tag": ("/schlagwort/ziele/", 200),
    "author": ("/autor/katrin-albrecht/", 200),
    "archives": ("/archiv/", 200),
    "categories": ("/kategorien/", 200),
    "tags": ("/schlagwoerter/", 200),
    "search": ("/suche/?q=Bewertungen", 200),
    "subscribe": ("/abonnieren/", 200),
    "404": ("/diese-seite-gibt-es-nicht/", 404),
    "checklist-article": ("/social-media-im-b2b-mittelstand/", 200),
    "checklists": ("/checklisten/", 200),
    "checklist-print": ("/checklisten/lohnt-sich/", 200),
}

# The two widths every page is checked and photographed at.
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
VIEWPORTS = {"desktop": DESKTOP, "phone": PHONE}

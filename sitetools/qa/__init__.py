"""Quality tooling (requirements-dev.txt): audit, Lighthouse, screenshots, browser, page types, headers."""

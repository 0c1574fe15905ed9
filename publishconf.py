"""Settings for publishing: everything from pelicanconf, only these overrides."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from pelicanconf import *

# The public address of the site; set SITEURL in the environment or change it here.
SITEURL = ABSOLUTE_SITEURL = os.environ.get("SITEURL", "https://kmu-social-media.example")
DELETE_OUTPUT_DIRECTORY = True

# invoke publish: how many releases stay beside PUBLISH_DIR (for `invoke publish --rollback`),
# and whether deploy/_headers (security headers for Netlify, Cloudflare Pages) goes into the site.
PUBLISH_KEEP_RELEASES = 5
PUBLISH_COPY_HEADERS = True

# Drafts never reach the public site, even when PREVIEW_DRAFTS is set in the environment.
PREVIEW_DRAFTS = False
DRAFT_SAVE_AS = DRAFT_PAGE_SAVE_AS = DRAFT_LANG_SAVE_AS = DRAFT_PAGE_LANG_SAVE_AS = ""

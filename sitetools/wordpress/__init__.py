"""Moving a WordPress export (WXR) into content/: `WordPressImport` plans and writes, `ImportError_` refuses."""

from sitetools.wordpress.importer import ImportError_, Summary, WordPressImport, parse_export
from sitetools.wordpress.markdown import PostConverter, autop

__all__ = ["ImportError_", "PostConverter", "Summary", "WordPressImport", "autop", "parse_export"]

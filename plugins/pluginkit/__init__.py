"""Support code shared by the site's plugins; not a plugin itself (no ``register``, never in PLUGINS).

- ``active(settings, name)``: whether this build lists the plugin. Pelican's signals stay connected
  for the whole process, so every handler asks this before it acts.
- ``options(settings, KEY, DEFAULTS)``: a plugin's dict setting merged over its DEFAULTS and checked
  at start-up; a wrong setting raises ``PluginSettingsError`` naming the key, and Pelican stops.
- ``absolute_siteurl(settings)``: the absolute base for canonical and feed URLs.
- ``relative_output(value, key)`` / ``output_file(settings, relative, key)``: a path below OUTPUT_PATH,
  never outside it; ``write_atomic(path, data)``: temporary file plus rename.
- ``lead_image(value)``: the one parser of the ``Image:`` metadata.
"""

from .kit import (
    PluginSettingsError,
    absolute_siteurl,
    active,
    lead_image,
    options,
    output_file,
    relative_output,
    write_atomic,
)

__all__ = [
    "PluginSettingsError",
    "absolute_siteurl",
    "active",
    "lead_image",
    "options",
    "output_file",
    "relative_output",
    "write_atomic",
]

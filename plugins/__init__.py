"""The built-in plugins, each registered under the entry-point group ``portal.plugins``."""

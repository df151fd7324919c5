"""Version of the tool, read from the installed package metadata."""

from importlib.metadata import PackageNotFoundError, version

try:
    TOOL_VERSION = version("casearchive")
except PackageNotFoundError:  # running from a source tree that was never installed
    TOOL_VERSION = "0.0.0+source"

"""Version of the extraction rules. Bump it whenever a change to ``parsers/`` can change any
extracted field, so that ``casearchive diff`` can tell extractor changes from site changes."""

PARSER_VERSION = "1.9.4"

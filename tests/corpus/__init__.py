"""The generalisation corpus: seeded case-study sites in many template families, with the
truth known by construction, crawled over loopback and scored per field (see docs/eval.md)."""

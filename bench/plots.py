"""The bench's two pictures, written as PNG beside its results (matplotlib, the bench extra).

- ``workers.png``: pages per second against workers, for ``reparse --workers N`` (the
  speed-up on more cores; the dotted line is perfect scaling from one worker);
- ``crawl-rss.png``: the RSS of the crawl's process tree over the crawl, summed and per
  process role (Scrapy's main process, the archive worker), for the small and the large
  site: a flat crawl draws two lines of the same height, one longer than the other.

The figures are drawn from what ``bench.run`` measured (``reparse`` runs, the crawl's
``rss_timeline``); nothing is measured here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

WORKERS_PNG = "workers.png"
RSS_PNG = "crawl-rss.png"


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg")  # files only, no display
    import matplotlib.pyplot as plt

    return plt


def workers(reparse: dict[str, Any], path: Path) -> Path:
    """Pages per second of each ``reparse --workers N`` run against N."""
    plt = _pyplot()
    runs = sorted(reparse["reparse"], key=lambda r: r["workers"])
    n = [r["workers"] for r in runs]
    rate = [r["pages_per_second"] for r in runs]
    fig, ax = plt.subplots(figsize=(5, 3.5), dpi=100)
    ax.plot(n, rate, marker="o", label="reparse, measured")
    ax.plot(n, [rate[0] * w for w in n], linestyle=":", color="grey",
            label="perfect scaling")
    ax.set(xlabel="workers (processes)", ylabel="pages per second", xticks=n,
           title=f"Re-extraction of {reparse['html_pages']:,} pages")
    ax.set_ylim(bottom=0)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return path


def crawl_rss(timelines: dict[str, list[dict[str, float]]], limit_mib: float,
              path: Path) -> Path:
    """RSS over the crawl, one ``timelines`` entry per crawl (label -> samples with ``t``,
    ``total`` and one MiB figure per process role); ``limit_mib`` drawn as the bound."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(7, 4), dpi=100)
    for label, samples in timelines.items():
        t = [s["t"] for s in samples]
        line, = ax.plot(t, [s["total"] for s in samples], label=f"{label}: all processes")
        for role, style in (("main", "--"), ("worker", ":")):
            if any(role in s for s in samples):
                ax.plot(t, [s.get(role, 0.0) for s in samples], linestyle=style,
                        color=line.get_color(), label=f"{label}: {role}")
    ax.axhline(limit_mib, color="red", linewidth=0.8, label=f"bound {limit_mib:g} MiB")
    ax.set(xlabel="seconds since the crawl started", ylabel="RSS (MiB)",
           title="casearchive crawl: resident memory of its processes")
    ax.set_ylim(bottom=0)
    ax.legend(fontsize="small")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return path

"""Parse speed of ``parse_page`` against the floor, a raw ``lxml.html.fromstring``.

``run(pages)`` returns µs/page for both and their ratio (target: <= 2.0 on ~20 KB pages).
Run as ``python -m bench.parse_bench`` to measure the corpus of record: ~20 KB case pages
with every section, references, the contact footer and ~68 links (a 50-link navigation, a
12-page pager, the return and credit links, reference links), in the five markup styles of
the legacy site: the fixture site's three eras (rendered by its own era renderers from long
cases merged out of the fixture cases), FrontPage/Dreamweaver table layout and Word "Save
as HTML". ``--fixtures`` measures the small saved-page fixtures instead.
"""

from __future__ import annotations

import html
import json
import sys
import time
from dataclasses import replace
from pathlib import Path

import lxml.html

from casearchive.parsers.page import parse_page

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "pages"
SITE_SRC = ROOT / "tests" / "fixtures" / "site_src"
TARGET_BYTES = 20_000
URL = "http://example.org/casestudies/case.asp?cid=1"


def _best_of(fn, pages: list[bytes], repeat: int) -> float:
    """Best wall time of ``repeat`` passes over all pages, in µs per page."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        for body in pages:
            fn(body)
        best = min(best, time.perf_counter() - start)
    return best / max(len(pages), 1) * 1e6


def run(pages: list[bytes], repeat: int = 20, url: str = URL) -> dict:
    """µs/page of ``parse_page`` and of raw lxml, and their ratio."""
    parse_page(pages[0], url)  # warm caches and imports
    ours = _best_of(lambda b: parse_page(b, url), pages, repeat)
    raw = _best_of(lxml.html.fromstring, pages, repeat)
    return {
        "pages": len(pages),
        "mean_bytes": sum(map(len, pages)) // max(len(pages), 1),
        "parse_page_us": round(ours, 1),
        "lxml_us": round(raw, 1),
        "ratio": round(ours / raw, 2) if raw else None,
    }


def fixture_pages() -> list[bytes]:
    return [p.read_bytes() for p in sorted(FIXTURES.glob("*/input.html"))]


# --- The corpus of record ---------------------------------------------------------------------


def _site_src():
    """The fixture site's generator modules (imported, never modified)."""
    if str(SITE_SRC) not in sys.path:
        sys.path.insert(0, str(SITE_SRC))
    import chrome
    import era1
    import era2
    import era3
    import model
    from cases import CASES

    return chrome, model, CASES, {1: era1.render, 2: era2.render, 3: era3.render}


def _long_case(model, cases, era: int, variant: int, render) -> object:
    """One case page of ~20 KB with every canonical section, an unknown heading and many
    references: blocks of the fixture cases pooled per section and added round-robin."""
    pools: dict[str, list] = {key: [] for key in model.SECTION_KEYS}
    extra: list = []
    refs: list = []
    rotated = cases[variant:] + cases[:variant]
    for case in rotated:
        for page in case.pages:
            for part in page:
                if isinstance(part, model.Refs):
                    refs.extend(part.refs)
                elif part.key is None:
                    extra.extend(part.blocks)
                else:
                    pools[part.key].extend(part.blocks)
    template = rotated[0]
    taken = dict.fromkeys(pools, 1)
    nrefs = 6
    while True:
        parts = [model.S(key, *pools[key][: taken[key]]) for key in model.SECTION_KEYS]
        parts.insert(5, model.X("Return to Play", *(extra[:1] or pools["outcome"][:1])))
        parts.append(model.R("References", *refs[:nrefs]))
        case = replace(template, era=era, pages=(tuple(parts),), noise={},
                       charset="windows-1252" if era == 1 else template.charset)
        if len(render(case)) >= TARGET_BYTES:
            return case
        grown = False
        for key in model.SECTION_KEYS:
            if taken[key] < len(pools[key]):
                taken[key] += 1
                grown = True
        nrefs += 1
        if not grown and nrefs > len(refs):
            return case


def _chrome(chrome_mod, variant: int):
    """~50 navigation links and a 12-page pager, like the benchmark of record."""
    nav = tuple(chrome_mod.NAV) + tuple(
        (f"/section{i // 10}/topic{i}.asp", f"Topic {i} of the site") for i in range(43)
    )
    hrefs = tuple(f"/casestudies/case.asp?cid={variant + 1}&page={n}" for n in range(1, 13))
    return chrome_mod.Chrome(nav=nav, page_hrefs=hrefs)


_WORDS = ("Previous", "Next")


def _frontpage(model, chrome_mod, case, chrome) -> str:
    """FrontPage 4 / Dreamweaver table layout: nested nav table, ``span.style3`` and
    ``<font><b>`` labels, ``<span class="body">`` text, iso-8859-1."""
    esc = html.escape
    nav = "".join(
        f'        <tr><td><a href="{esc(h)}"><font face="Verdana" size="1">{esc(t)}</font>'
        "</a></td></tr>\n" for h, t in chrome.nav
    )
    body = []
    first = 1
    for i, part in enumerate(case.pages[0]):
        label = (f'<span class="style3">{esc(part.heading)}:</span><br>' if i % 2 else
                 f'<font face="Verdana" size="2"><b>{esc(part.heading)}:</b></font><br>')
        if isinstance(part, model.Refs):
            lines = "<br>\n".join(f"{n}. {esc(r.text)}" for n, r in enumerate(part.refs, first))
            body.append(f'<p>{label}\n<span class="body">{lines}</span></p>\n')
            continue
        body.append(f"<p>{label}\n")
        for block in part.blocks:
            if isinstance(block, model.Bullets):
                items = "".join(f"<li>{esc(x)}</li>\n" for x in block.items)
                body.append(f'</p><ul><font face="Verdana" size="2">{items}</font></ul><p>\n')
            else:
                text = "<br>\n".join(esc(x) for x in block.lines)
                body.append(f'<span class="body">{text}</span><br><br>\n')
        body.append("</p>\n")
    pager = " | ".join(f'<a href="{esc(h)}">Page {n}</a>'
                       for n, h in enumerate(chrome.page_hrefs, 1))
    contact = chrome_mod.CONTACTS[case.contact]
    copy = "<br>".join(esc(x) for x in contact.copyright_lines)
    return f"""<html>
<head>
<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">
<meta name="GENERATOR" content="Microsoft FrontPage 4.0">
<title>{esc(case.title)} - Page # 1</title>
<script language="JavaScript" type="text/JavaScript">
<!--
function MM_preloadImages() {{ var d=document; if(d.images){{ if(!d.MM_p) d.MM_p=new Array(); }} }}
//-->
</script>
<style type="text/css">
<!--
.style3 {{font-family: Verdana; font-size: 12px; font-weight: bold; color: #990000}}
.body {{font-family: Verdana; font-size: 11px}}
-->
</style>
</head>
<body onLoad="MM_preloadImages('img/nav_on.gif')">
<table width="780" border="0" cellspacing="0" cellpadding="0">
  <tr><td colspan="2"><img src="img/banner.jpg" width="780" height="90"></td></tr>
  <tr>
    <td width="160" valign="top">
      <table width="160" border="0">
{nav}      </table>
    </td>
    <td width="620" valign="top">
      <table width="100%" border="0" cellpadding="6">
        <tr>
          <td>
            <p align="center"><font face="Verdana" size="3"><b>{esc(case.title)}</b></font><br>
            <font face="Verdana" size="2">Page 1 of 12</font></p>
{"".join(body)}
            <p align="center"><font face="Verdana" size="1"><a href="{esc(chrome.page_hrefs[1])}">\
Next Page &gt;&gt;</a></font></p>
            <p align="center"><font face="Verdana" size="1">{pager}</font></p>
            <p align="center"><font face="Verdana" size="1"><a href="../index.htm">\
Return To The Case Studies List</a></font></p>
          </td>
        </tr>
      </table>
    </td>
  </tr>
  <tr>
    <td colspan="2" align="center"><font face="Verdana" size="1">{esc(contact.note)}<br><br>
    {copy}<br><br>
    Website created by <a href="{chrome_mod.CREDIT_URL}">the computer geek</a><br>
    This page has been visited 1,024 times.</font></td>
  </tr>
</table>
</body>
</html>
"""


def _word(model, chrome_mod, case, chrome) -> str:
    """Word 2003 "Save as HTML": ``p.MsoNormal``, ``<b>Label:<o:p></o:p></b>``, mso-list
    bullets and numbered references, the site navigation as a Word table, windows-1252."""
    esc = html.escape
    mso = ("<p class=MsoNormal style='margin-left:.5in;text-indent:-.25in;mso-list:l0 level1 "
           "lfo1'><![if !supportLists]><span style='font-family:Symbol'><span "
           "style='mso-list:Ignore'>\u00b7<span style='font:7.0pt \"Times New Roman\"'>"
           "&nbsp;&nbsp;&nbsp;&nbsp;&nbsp;&nbsp; </span></span></span><![endif]>")
    num = ("<p class=MsoNormal style='margin-left:.25in;text-indent:-.25in;mso-list:l1 level1 "
           "lfo2'><![if !supportLists]><span style='mso-list:Ignore'>{n}.<span "
           "style='font:7.0pt \"Times New Roman\"'>&nbsp;&nbsp;&nbsp; </span></span>"
           "<![endif]>")
    nav = "".join(
        f"<tr><td valign=top style='padding:0in 5.4pt 0in 5.4pt'><p class=MsoNormal>"
        f'<a href="{esc(h)}">{esc(t)}</a><o:p></o:p></p></td></tr>\n' for h, t in chrome.nav
    )
    body = []
    first = 1
    for part in case.pages[0]:
        body.append(f"<p class=MsoNormal><b>{esc(part.heading)}:<o:p></o:p></b></p>\n\n")
        if isinstance(part, model.Refs):
            for n, r in enumerate(part.refs, first):
                body.append(num.format(n=n) + f"{esc(r.text)}<o:p></o:p></p>\n\n")
            continue
        for block in part.blocks:
            if isinstance(block, model.Bullets):
                body.extend(f"{mso}{esc(x)}<o:p></o:p></p>\n\n" for x in block.items)
            else:
                text = "<br>\n".join(esc(x) for x in block.lines)
                body.append(f"<p class=MsoNormal>{text}<o:p></o:p></p>\n\n")
        body.append("<p class=MsoNormal><o:p>&nbsp;</o:p></p>\n\n")
    pager = " ".join(f'<a href="{esc(h)}">Page #{n}</a>'
                     for n, h in enumerate(chrome.page_hrefs, 1))
    contact = chrome_mod.CONTACTS[case.contact]
    copy = "<br>\n".join(esc(x) for x in contact.copyright_lines)
    return f"""<html xmlns:v="urn:schemas-microsoft-com:vml"
xmlns:o="urn:schemas-microsoft-com:office:office"
xmlns:w="urn:schemas-microsoft-com:office:word"
xmlns="http://www.w3.org/TR/REC-html40">
<head>
<meta http-equiv=Content-Type content="text/html; charset=windows-1252">
<meta name=ProgId content=Word.Document>
<meta name=Generator content="Microsoft Word 11">
<title>Microsoft Word - case.doc</title>
<!--[if gte mso 9]><xml>
 <o:DocumentProperties><o:Author>Dr. Smith</o:Author></o:DocumentProperties>
</xml><![endif]-->
<style>
<!--
p.MsoNormal, li.MsoNormal, div.MsoNormal {{mso-style-parent:""; margin:0in; font-size:12.0pt;}}
-->
</style>
</head>
<body lang=EN-US style='tab-interval:.5in'>
<div class=Section1>
<table class=MsoTableGrid border=0 cellspacing=0 cellpadding=0 align=left>
{nav}</table>
<p class=MsoNormal align=center style='text-align:center'><b><span
style='font-size:14.0pt'>{esc(case.title)} &#8211; Page # 1<o:p></o:p></span></b></p>

<p class=MsoNormal><o:p>&nbsp;</o:p></p>

{"".join(body)}<p class=MsoNormal>{pager}</p>

<p class=MsoNormal><a href="../index.htm">Return To The Case Studies List</a></p>

<p class=MsoNormal><span style='font-size:10.0pt'>{esc(contact.note)}<o:p></o:p></span></p>

<p class=MsoNormal><span style='font-size:8.0pt'>{copy}<o:p></o:p></span></p>

<p class=MsoNormal><span style='font-size:8.0pt'>Website created by <a
href="{chrome_mod.CREDIT_URL}">the computer geek</a><o:p></o:p></span></p>

</div>
</body>
</html>
"""


STYLES = ("era1", "era2", "era3", "frontpage", "word")


def corpus(variants: int = 4) -> dict[str, list[bytes]]:
    """Style -> ``variants`` pages of ~20 KB (deterministic)."""
    chrome_mod, model, cases, renderers = _site_src()
    noise = frozenset({"comment", "script", "counter", "updated"})
    out: dict[str, list[bytes]] = {s: [] for s in STYLES}
    for v in range(variants):
        chrome = _chrome(chrome_mod, v)
        for era in (1, 2, 3):
            first = [c for c in cases if c.era == era][v % 4]
            render = renderers[era]
            case = _long_case(model, cases, era, cases.index(first),
                              lambda c, r=render, ch=chrome: r(c, 1, noise, ch))
            charset = "windows-1252" if era == 1 else case.charset
            data = render(case, 1, noise, chrome)
            out[f"era{era}"].append(data.encode(charset, errors="xmlcharrefreplace"))
        case = _long_case(model, cases, 1, v,
                          lambda c, ch=chrome: _frontpage(model, chrome_mod, c, ch))
        out["frontpage"].append(_frontpage(model, chrome_mod, case, chrome)
                                .encode("latin-1", errors="xmlcharrefreplace"))
        case = _long_case(model, cases, 1, v + 5,
                          lambda c, ch=chrome: _word(model, chrome_mod, c, ch))
        out["word"].append(_word(model, chrome_mod, case, chrome)
                           .encode("cp1252", errors="xmlcharrefreplace"))
    return out


def report(repeat: int = 20) -> dict:
    """Per-style and overall results on the corpus of record."""
    pages = corpus()
    result = {style: run(bodies, repeat) for style, bodies in pages.items()}
    result["overall"] = run([b for bodies in pages.values() for b in bodies], repeat)
    return result


if __name__ == "__main__":
    if "--fixtures" in sys.argv:
        print(json.dumps(run(fixture_pages()), indent=2))
    else:
        for name, row in report().items():
            print(f"{name:10} {row['pages']:3} pages {row['mean_bytes']:6} B  "
                  f"parse_page {row['parse_page_us']:8.1f} µs  lxml {row['lxml_us']:7.1f} µs  "
                  f"ratio {row['ratio']:.2f}")

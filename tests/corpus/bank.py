"""The invented content bank: case topics, heading spellings, extra sections, references.

Every string is invented for the corpus and encodable in windows-1252 (curly quotes, dashes,
é, °, ±, ½ only), so any family can serve it in either encoding. ``make_case`` draws one case
from the bank with a seeded ``random.Random`` and splits it into pages; the truth follows
from the parts (see ``model.case_truth``).
"""

from __future__ import annotations

import random
import re

from .model import Block, CaseContent, Part, RefEntry

P = lambda text: Block("p", (text,))  # noqa: E731  (terse bank entries)
UL = lambda *items: Block("ul", tuple(items))  # noqa: E731
LINES = lambda *items: Block("lines", tuple(items))  # noqa: E731
TABLE = lambda *rows: Block("table", tuple(tuple(r) for r in rows))  # noqa: E731

#: Heading spellings per canonical key: (spelling, known to ``parsers/labels.py``?). Every
#: spelling is one a human editor reads as that key without hesitation.
HEADINGS: dict[str, list[tuple[str, bool]]] = {
    "history": [("History", True), ("History of Present Illness", True),
                ("Case History", True), ("Clinical History", True),
                ("Presenting History", False), ("History of the Presenting Complaint", False)],
    "physical_exam": [("Physical Exam", True), ("Physical Examination", True),
                      ("Examination", True), ("Findings on Examination", False),
                      ("Physical Findings", False), ("On Examination", False)],
    "differential_diagnosis": [("Differential Diagnosis", True), ("Differential Diagnoses", True),
                               ("Differential", True), ("Differential Considerations", False)],
    "tests_and_results": [("Tests and Results", True), ("Test Results", True),
                          ("Diagnostic Tests", True), ("Investigations", False),
                          ("Work-up", False), ("Diagnostic Work-up", False)],
    "working_diagnosis": [("Working Diagnosis", True), ("Diagnosis", True),
                          ("Final Diagnosis", True)],
    "treatment": [("Treatment", True), ("Treatment Plan", True), ("Management", True),
                  ("Management Plan", False), ("Treatment and Management", False)],
    "outcome": [("Outcome", True), ("Outcomes", True), ("Course and Outcome", False),
                ("Clinical Outcome", False)],
    "authors_comments": [("Author's Comments", True), ("Authors' Comments", True),
                         ("Author Comments", True), ("Author's Commentary", False),
                         ("Comments from the Author", False)],
    "editors_comments": [("Editor's Comments", True), ("Editors' Comments", True),
                         ("Editor Comment", True), ("Editor's Commentary", False),
                         ("Editorial Comment", False)],
}
#: Reference-list headings (None: the list stands at the end of the case with no heading).
REF_HEADINGS: list[str | None] = [
    "References", "References", "Bibliography", "Selected References", "Suggested Reading",
    "References Cited", "Sources", None,
]

#: Sections a human keeps under their own heading (other_sections), with their bodies.
EXTRA_SECTIONS: list[tuple[str, list[Block]]] = [
    ("Discussion", [P("Injuries of this kind are uncommon in recreational athletes and are "
                      "easily mistaken for a simple strain in the first weeks."),
                    P("Early imaging changed the management here; delay would have "
                      "prolonged the time lost from sport.")]),
    ("Learning Points", [UL("Pain out of proportion to the mechanism deserves a second look",
                            "Examine the joint above and the joint below",
                            "Document neurovascular status at every visit")]),
    ("Return to Play", [P("She returned to full training after a graded program of eight "
                          "weeks, with no recurrence at six months.")]),
    ("Key Points", [UL("History points to the diagnosis in most cases",
                       "Plain films are often normal early")]),
    ("RETURN TO PLAY", [P("Clearance was given once he completed a sport-specific "
                          "progression without symptoms.")]),
    ("PATIENT EDUCATION", [P("The athlete and her parents were given a written home "
                             "program and warning signs that should prompt review.")]),
    ("CLINICAL PEARLS", [UL("Night pain is a red flag",
                            "Re-examine when the story does not fit")]),
    ("Acknowledgements", [P("The authors thank the athletic training staff for their "
                            "careful records.")]),
]


def _t(title: str, history: list, exam: list, ddx: list, tests: list, dx: list,
       tx: list, outcome: list, author: list, editor: list, refs: list) -> dict:
    return {"title": title, "history": history, "physical_exam": exam,
            "differential_diagnosis": ddx, "tests_and_results": tests,
            "working_diagnosis": dx, "treatment": tx, "outcome": outcome,
            "authors_comments": author, "editors_comments": editor, "references": refs}


def _ref(text: str, doi: str | None = None, url: str | None = None,
         pmid: str | None = None) -> RefEntry:
    return RefEntry(text, doi, url, pmid)


TOPICS: list[dict] = [
    _t("Anterior Knee Pain in a Young Runner",
       [P("A 17-year-old female cross-country runner presented with four weeks of "
          "anterior knee pain that began after she increased her weekly mileage."),
        P("Pain was worse on stairs and after sitting through class; she denied "
          "locking, swelling or giving way.")],
       [P("She walked without a limp. There was mild tenderness at the inferior pole "
          "of the patella."),
        UL("Range of motion: full, with crepitus", "Strength: hip abduction 4/5 on the right",
           "Special tests: patellar grind positive; Lachman negative")],
       [UL("Patellofemoral pain syndrome", "Patellar tendinopathy",
           "Osgood–Schlatter disease", "Stress fracture of the patella")],
       [P("Plain radiographs of the knee were normal."),
        LINES("MRI: small bone bruise of the lateral patellar facet",
              "Vitamin D: 18 ng/mL (low)")],
       [P("Patellofemoral pain syndrome with low vitamin D")],
       [P("Relative rest from running and a hip and core strengthening program."),
        UL("Cholecalciferol 2,000 IU daily", "Cross-training on the bike for three weeks")],
       [P("She was running pain-free at eight weeks and finished her season.")],
       [P("Hip weakness is common in runners with anterior knee pain and is easily "
          "missed when the knee alone is examined.")],
       [P("A reminder that bone health belongs in every runner’s assessment.")],
       [_ref("Crossley KM, Stefanik JJ, Selfe J, et al. Patellofemoral pain consensus "
             "statement. Br J Sports Med. 2016;50(14):839-843. doi:10.1136/bjsports-2016-096384.",
             doi="10.1136/bjsports-2016-096384"),
        _ref("Petersen W, Ellermann A, Gösele-Koppenburg A, et al. Patellofemoral pain "
             "syndrome. Knee Surg Sports Traumatol Arthrosc. 2014;22(10):2264-2274. "
             "PMID: 24221245.", pmid="24221245"),
        _ref("Dye SF. The pathophysiology of patellofemoral pain. Clin Orthop Relat Res. "
             "2005;436:100-110.")]),
    _t("Shoulder Pain in a Collegiate Pitcher",
       [P("A 20-year-old right-handed pitcher reported deep posterior shoulder pain in "
          "the late cocking phase for two months."),
        P("Velocity had dropped by four miles per hour. He had no neck pain and no "
          "numbness in the hand.")],
       [P("Glenohumeral internal rotation was reduced by 25° compared with the left."),
        UL("Relocation test positive", "O’Brien test positive",
           "Scapular dyskinesis type II")],
       [UL("Posterior superior labral tear", "Internal impingement",
           "Rotator cuff tendinopathy", "Quadrilateral space syndrome")],
       [P("An MR arthrogram was obtained."),
        TABLE(("Study", "Result"), ("MR arthrogram", "Type II SLAP lesion"),
              ("Radiographs", "Normal"))],
       [P("Type II SLAP lesion with glenohumeral internal rotation deficit")],
       [P("Sleeper stretches, scapular stabilisation and an interval throwing program "
          "were started; surgery was discussed.")],
       [P("He returned to pitching at 14 weeks without surgery.")],
       [P("Conservative care deserves a full trial in throwers before repair.")],
       [P("The rotation deficit is the finding to measure at every visit.")],
       [_ref("Burkhart SS, Morgan CD, Kibler WB. The disabled throwing shoulder: spectrum "
             "of pathology. Arthroscopy. 2003;19(4):404-420. "
             "https://doi.org/10.1053/jars.2003.50128",
             doi="10.1053/jars.2003.50128", url="https://doi.org/10.1053/jars.2003.50128"),
        _ref("Wilk KE, Macrina LC, Fleisig GS, et al. Loss of internal rotation and the "
             "correlation with throwing arm injuries. Am J Sports Med. 2011;39(2):329-335.")]),
    _t("Exertional Leg Pain in a Soccer Player",
       [P("A 19-year-old male midfielder described tightness and burning in both lower "
          "legs that began ten minutes into every run and eased within minutes of rest."),
        P("He had paresthesia on the top of the foot after long sessions.")],
       [P("Examination at rest was normal; pulses were full and symmetric."),
        UL("No tibial tenderness", "Sensation intact at rest",
           "Anterior compartment firm after treadmill running")],
       [UL("Chronic exertional compartment syndrome", "Medial tibial stress syndrome",
           "Tibial stress fracture", "Popliteal artery entrapment")],
       [P("Compartment pressures were measured before and after exercise."),
        TABLE(("Compartment", "Rest", "1 min after"), ("Anterior", "18 mmHg", "42 mmHg"),
              ("Lateral", "12 mmHg", "35 mmHg"))],
       [P("Chronic exertional compartment syndrome of the anterior and lateral "
          "compartments")],
       [P("A change to forefoot running was tried for six weeks, then fasciotomy of the "
          "anterior and lateral compartments was performed.")],
       [P("He returned to full play ten weeks after surgery.")],
       [P("Pressure testing remains the standard, though protocols vary.")],
       [P("The history alone is very suggestive in this condition.")],
       [_ref("Pedowitz RA, Hargens AR, Mubarak SJ, Gershuni DH. Modified criteria for the "
             "objective diagnosis of chronic compartment syndrome of the leg. Am J Sports "
             "Med. 1990;18(1):35-40. PMID: 2301689.", pmid="2301689"),
        _ref("Diebal AR, Gregory R, Alitz C, Gerber JP. Forefoot running improves pain "
             "in chronic exertional compartment syndrome. Am J Sports Med. "
             "2012;40(5):1060-1067. doi:10.1177/0363546512439182.",
             doi="10.1177/0363546512439182"),
        _ref("American Academy of Orthopaedic Surgeons. Compartment syndrome. Available "
             "at: http://www.example.org/aaos/compartment.html. Accessed March 3, 2004.",
             url="http://www.example.org/aaos/compartment.html")]),
    _t("Wrist Pain After a Fall on the Ice",
       [P("A 24-year-old hockey player fell on an outstretched hand and had persistent "
          "radial wrist pain two weeks later."),
        P("Initial radiographs at an urgent care centre had been read as normal.")],
       [P("There was tenderness in the anatomic snuffbox and over the scaphoid "
          "tubercle."),
        UL("Grip strength 70% of the other side", "Pain on axial loading of the thumb")],
       [UL("Scaphoid fracture", "Scapholunate ligament injury", "Distal radius fracture",
           "De Quervain tenosynovitis")],
       [P("Repeat scaphoid views showed a non-displaced waist fracture."),
        LINES("CT: non-displaced fracture of the scaphoid waist",
              "Bone scan: not needed")],
       [P("Non-displaced scaphoid waist fracture")],
       [P("A thumb spica cast was applied for ten weeks; a playing cast was allowed after "
          "union was shown on CT.")],
       [P("The fracture united at eleven weeks and he finished the season.")],
       [P("Snuffbox tenderness after a fall means a scaphoid fracture until proven "
          "otherwise.")],
       [P("Missed scaphoid fractures remain a common source of litigation.")],
       [_ref("Phillips TG, Reibach AM, Slomiany WP. Diagnosis and management of scaphoid "
             "fractures. Am Fam Physician. 2004;70(5):879-884. "
             "Available at: https://www.example.org/afp/2004/0901/p879.html",
             url="https://www.example.org/afp/2004/0901/p879.html"),
        _ref("Mallee WH, Wang J, Poolman RW, et al. Computed tomography versus magnetic "
             "resonance imaging versus bone scintigraphy for clinically suspected scaphoid "
             "fractures. Cochrane Database Syst Rev. 2015;(6):CD010023. "
             "DOI: 10.1002/14651858.CD010023.pub2", doi="10.1002/14651858.CD010023.pub2")]),
    _t("Chest Pain During a Marathon",
       [P("A 46-year-old male recreational marathoner developed chest tightness at mile "
          "20 and stopped at a medical tent."),
        P("He had no known heart disease; his father had a myocardial infarction at 52.")],
       [P("Blood pressure 102/64, pulse 118 and regular, temperature 38.1 °C."),
        UL("Lungs clear", "No murmur", "Mild diaphoresis")],
       [UL("Acute coronary syndrome", "Exertional rhabdomyolysis",
           "Exercise-associated hyponatremia", "Pulmonary embolism")],
       [P("An ECG and laboratory studies were obtained in the emergency department."),
        P("Laboratory studies:"),
        UL("Creatine kinase 1,840 U/L", "Hemoglobin 14.2 g/dL"),
        TABLE(("Test", "Result"), ("Troponin I", "0.9 ng/mL"), ("Sodium", "136 mmol/L"),
              ("ECG", "ST depression V4–V6"))],
       [P("Non-ST elevation myocardial infarction")],
       [P("Aspirin, heparin and urgent angiography; a stent was placed in the left "
          "anterior descending artery.")],
       [P("He completed cardiac rehabilitation and now runs shorter distances.")],
       [P("Fitness does not exclude coronary disease in middle-aged runners.")],
       [P("Medical tents must be ready to recognise cardiac events.")],
       [_ref("Kim JH, Malhotra R, Chiampas G, et al. Cardiac arrest during long-distance "
             "running races. N Engl J Med. 2012;366(2):130-140. doi:10.1056/NEJMoa1106468. "
             "PMID: 22236223.", doi="10.1056/NEJMoa1106468", pmid="22236223"),
        _ref("Thompson PD, Franklin BA, Balady GJ, et al. Exercise and acute "
             "cardiovascular events. Circulation. 2007;115(17):2358-2368.")]),
    _t("Hip Pain in an Adolescent Dancer",
       [P("A 15-year-old ballet dancer had six weeks of groin pain with a painful snap "
          "when she brought her leg down from développé."),
        P("She had not had a fall and had no night pain.")],
       [P("Hip flexion to 130°, internal rotation 20°."),
        UL("FADIR positive", "Audible snap with hip extension from flexion",
           "Tenderness over the anterior inferior iliac spine")],
       [UL("Internal snapping hip", "Femoroacetabular impingement", "Labral tear",
           "Apophyseal avulsion of the AIIS")],
       [P("Radiographs showed an open apophysis and no avulsion; MRI was not "
          "required.")],
       [P("Internal snapping hip (iliopsoas)")],
       [P("Iliopsoas stretching, core control exercises and a technique review with her "
          "teacher.")],
       [P("Symptoms settled over ten weeks and she performed in the spring recital.")],
       [P("Snapping is common in dancers and is painful in only a few.")],
       [P("Technique review is treatment, not an extra.")],
       [_ref("Winston P, Awan R, Cassidy JD, Bleakney RK. Clinical examination and "
             "ultrasound of self-reported snapping hip syndrome in elite ballet dancers. "
             "Am J Sports Med. 2007;35(1):118-126. PMID: 16982721.", pmid="16982721"),
        _ref("Kerbel YE, Smith CM, Prodromo JP, et al. Epidemiology of hip and groin "
             "injuries in collegiate athletes. Orthop J Sports Med. 2018;6(5). "
             "https://doi.org/10.1177/2325967118771676",
             doi="10.1177/2325967118771676", url="https://doi.org/10.1177/2325967118771676")]),
    _t("Headache After a Football Tackle",
       [P("A 16-year-old linebacker had a headache and felt “foggy” after a helmet-to-"
          "helmet tackle; he finished the game."),
        P("The next morning he vomited twice and had trouble reading.")],
       [P("Glasgow Coma Scale 15; pupils equal and reactive."),
        UL("Balance Error Scoring System: 14 errors", "Near point of convergence 12 cm",
           "No focal deficit")],
       [UL("Concussion", "Subdural hematoma", "Cervical spine injury", "Migraine")],
       [P("A head CT was obtained because of repeated vomiting; it was normal.")],
       [P("Sport-related concussion")],
       [P("Relative rest for 48 hours, then a graded return to school and sport."),
        UL("Stage 1: symptom-limited activity", "Stage 2: light aerobic exercise",
           "Stage 3: sport-specific drills", "Stage 4: full contact practice")],
       [P("He was symptom-free at day 12 and returned to play at day 19.")],
       [P("Playing on after a concussion prolongs recovery.")],
       [P("Sideline education of coaches and players is the first treatment.")],
       [_ref("McCrory P, Meeuwisse W, Dvorak J, et al. Consensus statement on concussion "
             "in sport. Br J Sports Med. 2017;51(11):838-847. "
             "doi:10.1136/bjsports-2017-097699.", doi="10.1136/bjsports-2017-097699"),
        _ref("Halstead ME, Walter KD. Sport-related concussion in children and "
             "adolescents. Pediatrics. 2010;126(3):597-615. PMID: 20805152.",
             pmid="20805152"),
        _ref("Centers for Disease Control. Heads Up concussion in youth sports. "
             "http://www.example.org/cdc/headsup/index.html",
             url="http://www.example.org/cdc/headsup/index.html")]),
    _t("Ankle Sprain That Would Not Heal",
       [P("A 22-year-old basketball guard rolled his ankle landing from a rebound; eight "
          "weeks later he still could not cut or jump without pain."),
        P("He described a catching sensation in the front of the ankle.")],
       [P("Mild swelling anterolaterally; the anterior drawer test was stable."),
        UL("Tenderness over the anterolateral talar dome", "Pain with forced dorsiflexion",
           "Single-leg hop reproduced pain")],
       [UL("Osteochondral lesion of the talus", "High ankle sprain",
           "Anterolateral impingement", "Fracture of the lateral process of the talus")],
       [P("Radiographs were normal."),
        LINES("MRI: 9 mm osteochondral lesion of the lateral talar dome",
              "CT: fragment stable, not displaced")],
       [P("Osteochondral lesion of the talus")],
       [P("Arthroscopic debridement and microfracture, with protected weight bearing for "
          "six weeks.")],
       [P("He returned to play at five months.")],
       [P("An ankle sprain that is slow to recover deserves imaging.")],
       [P("The catching symptom was the clue.")],
       [_ref("Zengerink M, Struijs PA, Tol JL, van Dijk CN. Treatment of osteochondral "
             "lesions of the talus: a systematic review. Knee Surg Sports Traumatol "
             "Arthrosc. 2010;18(2):238-246. https://doi.org/10.1007/s00167-009-0942-6",
             doi="10.1007/s00167-009-0942-6", url="https://doi.org/10.1007/s00167-009-0942-6"),
        _ref("Hintermann B, Boss A, Schäfer D. Arthroscopic findings in patients with "
             "chronic ankle instability. Am J Sports Med. 2002;30(3):402-409.")]),
]

ROMAN = ["", " II", " III", " IV", " V", " VI"]


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def pick_heading(rng: random.Random, key: str, unknown_rate: float) -> str:
    """A heading spelling for ``key``: an unknown-to-the-table one with ``unknown_rate``."""
    known = [h for h, k in HEADINGS[key] if k]
    unknown = [h for h, k in HEADINGS[key] if not k]
    if unknown and rng.random() < unknown_rate:
        return rng.choice(unknown)
    return rng.choice(known)


def _draw_parts(rng: random.Random, topic: dict, unknown_rate: float) -> list[Part]:
    """The case's parts in reading order: canonical sections (some left out), 0-2 extra
    sections, the references (with or without heading)."""
    keep = {"history": 1.0, "physical_exam": 1.0, "differential_diagnosis": 0.85,
            "tests_and_results": 0.9, "working_diagnosis": 0.9, "treatment": 0.9,
            "outcome": 0.8, "authors_comments": 0.6, "editors_comments": 0.35}
    parts = [Part("section", key, pick_heading(rng, key, unknown_rate), list(topic[key]))
             for key, p in keep.items() if rng.random() < p]
    for heading, blocks in rng.sample(EXTRA_SECTIONS, rng.choice([0, 1, 1, 2])):
        parts.insert(rng.randint(len(parts) - 2, len(parts)), Part("section", None, heading,
                                                                    list(blocks)))
    if rng.random() < 0.9:
        refs = list(topic["references"])
        parts.append(Part("references", "references", rng.choice(REF_HEADINGS), refs=refs))
    return parts


def _split_continuation(rng: random.Random, parts: list[Part]) -> list[Part]:
    """Maybe split one multi-block canonical section in two (it will continue across a page
    break): the second half has the same heading repeated, or none."""
    candidates = [i for i, p in enumerate(parts)
                  if p.kind == "section" and p.key and len(p.blocks) >= 2]
    if not candidates or rng.random() > 0.3:
        return parts
    i = rng.choice(candidates)
    head = parts[i]
    cut = rng.randint(1, len(head.blocks) - 1)
    tail = Part("section", head.key, head.heading if rng.random() < 0.5 else None,
                head.blocks[cut:], continued=True)
    head.blocks = head.blocks[:cut]
    return [*parts[: i + 1], tail, *parts[i + 1 :]]


def _paginate(rng: random.Random, parts: list[Part]) -> list[list[Part]]:
    """Split parts into 2-5 pages; a continued part always opens a page; references may
    get a page of their own; a trailing extra section may stand alone on the last page."""
    pages: list[list[Part]] = [[]]
    per_page = rng.randint(2, 4)
    for part in parts:
        alone_refs = part.kind == "references" and rng.random() < 0.4
        if pages[-1] and (part.continued or alone_refs or len(pages[-1]) >= per_page):
            pages.append([])
        pages[-1].append(part)
    last = pages[-1]
    if len(last) > 1 and last[-1].key is None and last[-1].kind == "section":
        pages.append([last.pop()])
    return pages


def number_references(pages: list[list[Part]], rng: random.Random, numbered: bool) -> None:
    """Give each reference run its first number (0 = unnumbered list)."""
    n = 1
    for parts in pages:
        for part in parts:
            if part.kind == "references":
                part.first_ref_number = n if numbered else 0
                n += len(part.refs)


def make_case(rng: random.Random, index: int, unknown_rate: float = 0.3,
              numbered_refs: bool = True) -> CaseContent:
    """Case ``index`` of a site: a topic (cycled, with a roman suffix on reuse), its parts
    drawn and paginated by ``rng``."""
    topic = TOPICS[index % len(TOPICS)]
    title = topic["title"] + ROMAN[min(index // len(TOPICS), len(ROMAN) - 1)]
    parts = _split_continuation(rng, _draw_parts(rng, topic, unknown_rate))
    pages = _paginate(rng, parts)
    number_references(pages, rng, numbered_refs)
    return CaseContent(title=title, slug=slugify(title), pages=pages)

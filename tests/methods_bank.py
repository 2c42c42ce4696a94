"""A scratch lesson of the question bank for issue 14's exercises, written into a data copy.

The shipped lessons get judgement-first exercises and step-8 indicators when they are
rewritten; until then the tests (and the browser tests' scratch notebook) use this lesson
"98": a judgement of each kind that may be one, a list of indicators written as of
12 October 2018, and the step that marks them against what happened. Ids and hypotheses
are the 2018 case's own, so the explorers can follow these exercises too.
"""

from __future__ import annotations

from pathlib import Path

LESSON = "98"
FILE = "98-methods.yaml"

YAML = """\
lesson: "98"
title: Methods scratch lesson
exercises:
  - id: ex-98-1
    kind: single
    judgement: true
    title: Which reading of ev-25?
    prompt: Which reading of Nicholson's assessment (ev-25) do you find the more convincing?
    options:
      - id: a
        text: It shows what a US commander would say whatever Moscow's aim
        correct: true
        explanation: >-
          The curators rate it as an assessment (rule 5), which a commander at war with the
          Taliban would give under every reading.
      - id: b
        text: It shows that Moscow means to bring the US down
        explanation: >-
          The curators do not read it so, because an actor's interpretation is not evidence
          of the motive it asserts.
    hints: [Rule 5 of the rulebook is about assessments.]
    sources: [ryan-ferris-rotman-2018-kremlins-comeback]

  - id: ex-98-2
    kind: grid
    judgement: true
    title: Rate two items
    prompt: Rate each item against each explanation.
    rows:
      - {id: ev-01, text: "ev-01 (2009): Russia opens a supply route for US and NATO forces"}
      - {id: ev-27, text: "ev-27 (2018): no verified evidence of Russian material aid"}
    columns:
      - {id: h-flank-hedge, text: Guard the flank}
      - {id: h-reverse-cold-war, text: Reverse Cold War}
    scale: [CC, C, N, I, II, NA]
    ordered: true
    unordered: [NA]
    key:
      ev-01: {h-flank-hedge: C, h-reverse-cold-war: N}
      ev-27: {h-flank-hedge: C, h-reverse-cold-war: I}
    rationale:
      ev-01:
        h-flank-hedge: Moscow then relied on US forces against jihadists.
        h-reverse-cold-war: It predates the rivalry the comment describes.
      ev-27:
        h-flank-hedge: Cheap help leaves little to see.
        h-reverse-cold-war: A 1980s-style programme would show by now (absence rule).
    argue: Which cell would you rate otherwise, and why?
    sources: [ryan-ferris-rotman-2018-kremlins-comeback]

  - id: ex-98-3
    kind: numeric
    judgement: true
    title: A weight
    prompt: How much should the scale of aid weigh, from 0 to 3?
    answer: {value: 0.5, tolerance: 0}
    unit: weight
    explanations:
      correct: The curators give the aid pipeline's four dimensions one share between them.
      too_low: Lower than the curators.
      too_high: Higher than the curators.
    sources: [ryan-ferris-rotman-2018-kremlins-comeback]

  - id: ex-98-4
    kind: indicators
    title: What to watch for
    prompt: As of 12 October 2018, write what you would watch for.
    hypotheses:
      - {id: h-flank-hedge, text: Guard the flank}
      - {id: h-reverse-cold-war, text: Reverse Cold War}
      - {id: h-power-broker, text: Power broker}
    as_of: "2018-10-12"
    at_least: 2
    sources: [ryan-ferris-rotman-2018-kremlins-comeback]

  - id: ex-98-5
    kind: indicators
    check: ex-98-4
    case: russia-taliban-2018
    title: Your indicators against what happened
    prompt: Mark each of your indicators against what happened.
    sources: [ryan-ferris-rotman-2018-kremlins-comeback]

  - id: ex-98-6
    kind: multiple
    judgement: true
    title: Which items are assessments?
    prompt: Tick the items you would treat as assessments.
    options:
      - {id: a, text: ev-25, correct: true, explanation: A commander's reading of motives.}
      - {id: b, text: ev-09, explanation: A delivery of rifles is a fact.}
    sources: [ryan-ferris-rotman-2018-kremlins-comeback]
"""


def install(data: Path) -> Path:
    """Write the scratch lesson into the bank of the data folder ``data``; its path back."""
    path = data / "exercises" / FILE
    path.write_text(YAML, encoding="utf-8")
    return path

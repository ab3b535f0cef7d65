"""docs/scaling.md keeps a table of the benchmark's figures that ``manage.py benchmark --doc``
fills in: the table names every target of the command, and filling it keeps the rest."""

from pathlib import Path

from contacts.benchmark.verdicts import DOC_BEGIN, DOC_END, TARGETS, Verdict, figures_table, replace_figures_table

DOCUMENT = Path(__file__).resolve().parents[2] / "docs" / "scaling.md"


def test_the_scaling_document_has_a_figures_table_naming_every_target():
    text = DOCUMENT.read_text()

    block = text[text.index(DOC_BEGIN) : text.index(DOC_END)]
    assert all(f"`{target.key}`" in block for target in TARGETS)


def test_filling_the_table_changes_only_the_table():
    text = f"# Title\n\nBefore.\n\n{figures_table(None)}\n\nAfter.\n"
    verdicts = [Verdict(target, target.limit * 2) for target in TARGETS]

    filled = replace_figures_table(text, figures_table(verdicts, "2026-01-01, postgresql"))

    assert filled.startswith("# Title\n\nBefore.\n\n") and filled.endswith("\n\nAfter.\n")
    assert "Measured: 2026-01-01, postgresql." in filled
    assert filled.count("| PASS |") + filled.count("| FAIL |") == len(TARGETS)
    assert replace_figures_table(filled, figures_table(None)) == text

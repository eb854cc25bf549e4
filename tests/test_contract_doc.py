"""docs/input.md is rendered from the model; this keeps the two equal."""

from pathlib import Path

from orgnet.model import TABLES
from orgnet.loaders.contract import contract_markdown

DOC = Path(__file__).resolve().parents[1] / "docs" / "input.md"


def test_doc_matches_model():
    assert DOC.read_text("utf-8") == contract_markdown(), (
        "docs/input.md is stale: run `python -m orgnet.loaders.contract > docs/input.md`")


def test_doc_names_every_column_in_both_languages():
    text = contract_markdown()
    for table in TABLES.values():
        for col in table.columns:
            assert f"| `{col.name}` | {col.zh} |" in text

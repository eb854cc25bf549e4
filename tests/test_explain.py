"""A failed query explained in Chinese, the engine's own text kept: the real engines' refusals
(FalkorDB and Neo4j 5) each read as the kind of mistake they are, never as English alone."""

from __future__ import annotations

import pytest

from orgnet.errors import QueryError
from orgnet.i18n import t
from orgnet.queries.explain import PATTERNS, explain

#: (query, kind, placeholder ``name``) — each a mistake an analyst makes in the console
MISTAKES = (
    ("MATCH (n RETURN n", "syntax", None),
    ("MATCH (n:Community) RETURN fooo(n)", "unknown_function", "fooo"),
    ("MATCH (n:Community) RETURN xyz", "undefined_variable", "xyz"),
    ("RETURN toInteger([1]) AS x", "type_mismatch", None),
    ("MATCH (n:Community) RETURN n.name AS a, n.id AS a", "duplicate_column", None),
    ("UNWIND [1, 0] AS x RETURN 1 / x AS y", "division_by_zero", None),
    ("MATCH (n:Community) WITH n RETURN count(*) AS k ORDER BY n.id", "scope", None),
)


@pytest.mark.parametrize("query,kind,name", MISTAKES, ids=[k for _, k, _ in MISTAKES])
def test_engine_refusals_read_as_their_kind(loaded_store, query, kind, name):
    store, graph = loaded_store("tiny")
    with pytest.raises(QueryError) as info:
        store.read(query, {}, graph=graph, limit=10, timeout_s=10)
    x = explain(info.value)
    assert x.kind == kind, (store.engine, x.engine_text)
    assert x.fmt.get("name") == name
    assert x.engine_text and " in query:" not in x.engine_text  # the engine's words, not our wrapper
    assert x.engine_text in str(info.value.__cause__) or x.engine_text in str(info.value)
    text = t(x.key, "zh", **x.fmt)
    assert text and all(word not in text for word in ("Invalid", "Unknown", "Type mismatch"))


def test_every_kind_has_a_text_in_both_languages():
    for kind in [k for k, _ in PATTERNS] + ["other"]:
        for lang in ("zh", "en"):
            assert t(f"cypher_error.{kind}", lang, name="x")


def test_an_unrecognised_refusal_is_other_with_its_text():
    x = explain(QueryError("Something new went wrong in query: RETURN 1"))
    assert (x.kind, x.engine_text) == ("other", "Something new went wrong")

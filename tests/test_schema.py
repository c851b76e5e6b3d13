"""One schema for restorations: JSON round trips, and the shapes derived from it agree."""

import json

import pytest

from unspin import schema
from unspin.errors import UnspinError
from unspin.tokenize import tokenize
from unspin.types import Alternative, Edit, Restoration

EDIT = Edit(7, 17, "successful", "in", 0.91, "similar_to", "successful: WordNet similar-to adjective -> in",
            (Alternative("at", 0.05, "synonym"), Alternative("on", 0.01, "synonym")))
RESTORATION = Restoration("He was successful Seoul.", "He was in Seoul.", (EDIT,), 0.83, "unspin:test")


def test_schema_restoration_round_trips_through_json():
    data = json.loads(json.dumps(RESTORATION.to_dict()))
    assert list(data) == [field.name for field in schema.RESTORATION]
    assert list(data["edits"][0]) == [field.name for field in schema.EDIT]
    assert list(data["edits"][0]["alternatives"][0]) == [field.name for field in schema.ALTERNATIVE]
    assert data["format"] == schema.FORMAT
    assert schema.restoration_from_dict(data) == RESTORATION  # reason and alternatives kept (issue 15)


def test_schema_reads_hand_made_edits_and_refuses_other_versions():
    minimal = {"text": "He was successful Seoul.", "edits": [{"start": 7, "end": 17, "spun": "successful",
                                                               "restored": "in"}]}
    restoration = schema.restoration_from_dict(minimal)
    assert restoration.restored_text == minimal["text"] and restoration.edits[0].confidence == 1.0
    with pytest.raises(UnspinError, match="E020"):
        schema.restoration_from_dict({**minimal, "format": "unspin.restoration/0"})


def test_schema_result_fields_are_what_batch_adds():
    assert schema.result_to_dict(RESTORATION) == {
        name: RESTORATION.to_dict()[name] for name in ("restored_text", "edits", "spun_score", "signature")}


def test_schema_token_round_trip():
    for token in tokenize("Café 👍 it's\r\n").tokens:
        assert schema.token_from_dict(json.loads(json.dumps(schema.token_to_dict(token)))) == token


def test_schema_pydantic_models_are_the_field_lists():
    pytest.importorskip("pydantic")
    alternative, edit, restoration = schema.pydantic_models()
    assert list(restoration.model_fields) == [field.name for field in schema.RESTORATION]
    assert list(edit.model_fields) == [field.name for field in schema.EDIT]
    assert list(alternative.model_fields) == [field.name for field in schema.ALTERNATIVE]
    assert restoration.model_validate(RESTORATION.to_dict()).model_dump() == RESTORATION.to_dict()


def test_schema_arrow_fields_are_the_field_lists():
    pa = pytest.importorskip("pyarrow")
    fields = {field.name: field for field in schema.arrow_fields()}
    assert list(fields) == list(schema.RESULT_FIELDS)
    edit = fields["edits"].type.value_type
    assert [edit.field(i).name for i in range(edit.num_fields)] == [field.name for field in schema.EDIT]
    table = pa.Table.from_pylist([schema.result_to_dict(RESTORATION)], schema=pa.schema(fields.values()))
    assert table.to_pylist()[0] == json.loads(json.dumps(schema.result_to_dict(RESTORATION)))

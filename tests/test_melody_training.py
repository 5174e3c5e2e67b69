"""Training plumbing: augmentation picks, labels equal to Magenta's pipeline, evaluation."""
import math

import pytest

from artlab import env, melody, music
from artlab import melody_training as training
from test_melody import new_notes


@pytest.fixture(scope="module")
def few_tunes():
    return music.folk_tunes("test")[:12]


def test_each_tune_comes_in_its_key_plus_fixed_other_keys(few_tunes):
    shifts = tuple(range(-5, 7))
    first = list(training.transposed(few_tunes, shifts, 3))
    again = list(training.transposed(few_tunes, shifts, 3))
    assert len(first) == 3 * len(few_tunes)
    for index, tune in enumerate(few_tunes):
        original, *moved = first[3 * index:3 * index + 3]
        assert [n.pitch for n in original.notes] == [p for p, _, _ in tune["notes"]]
        moves = {m.notes[0].pitch - original.notes[0].pitch for m in moved}
        assert len(moves) == 2 and moves <= set(shifts) - {0}
    assert [[n.pitch for n in s.notes] for s in first] == [[n.pitch for n in s.notes] for s in again]


def test_one_key_per_tune_is_no_augmentation(few_tunes):
    assert len(list(training.transposed(few_tunes, (0,), 1))) == len(few_tunes)


def test_labels_are_those_magentas_pipeline_writes(few_tunes, tmp_path):
    tf = env.load_magenta()
    from tensorflow.core.example import example_pb2
    config = melody.attention_config(1)
    labels = training.melody_labels(config, training.transposed(few_tunes, (0,), 1))
    records, count = training.make_examples(config, training.transposed(few_tunes, (0,), 1),
                                            tmp_path)
    written = []
    for record in tf.io.tf_record_iterator(str(records)):
        example = example_pb2.SequenceExample.FromString(record)
        written.append(tuple(f.int64_list.value[0]
                             for f in example.feature_lists.feature_list["labels"].feature))
    assert count == len(labels) > 0
    assert sorted(written) == sorted(tuple(seq[1:]) for seq in labels)  # label 0 is no target


def test_evaluate_scores_a_checkpoint(few_tunes, tmp_path, tiny_bundle):
    model = melody.MelodyModel(tiny_bundle)
    records, count = training.make_examples(
        model.config, training.transposed(few_tunes[:4], (0,), 1), tmp_path)
    result = training.evaluate(model.config, records, count, model.checkpoint)
    classes = model.config.encoder_decoder.num_classes
    assert result["sequences"] == count
    assert 0 <= result["accuracy"] <= 1
    assert abs(result["loss"] - math.log(classes)) < 0.5  # untrained: close to a uniform guess
    model.close()


def test_a_bundle_trained_in_every_key_keeps_the_primers_key(tmp_path):
    from bundles import make_tiny_bundle
    keyed = make_tiny_bundle(tmp_path / "keyed.mag", keep_key=True)
    model = melody.MelodyModel(keyed)
    assert model.config.transpose_to_key is None
    assert melody.MelodyModel(make_tiny_bundle(tmp_path / "c.mag")).config.transpose_to_key == 0
    primer, _ = music.primer("twinkle")
    song = model.generate(primer, bars=1, seed=0)
    assert len(new_notes(song, primer, bars=1)) > 0

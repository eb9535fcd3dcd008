"""Training is deterministic: the same run twice writes the same bytes."""

from model import train


def test_training_twice_gives_identical_files(tmp_path):
    arguments = ["--sentences", "1500", "--epochs", "1"]
    train.main([*arguments, "--out", str(tmp_path / "first")])
    train.main([*arguments, "--out", str(tmp_path / "second")])

    first = sorted((tmp_path / "first").iterdir())
    second = sorted((tmp_path / "second").iterdir())
    assert [path.name for path in first] == [path.name for path in second]
    for left, right in zip(first, second, strict=True):
        assert left.read_bytes() == right.read_bytes(), left.name

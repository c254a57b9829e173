from station.model.words import number_of


def test_one_is_singular_and_every_other_count_plural() -> None:
    assert number_of(1, "piece") == "1 piece"
    assert [number_of(n, "piece") for n in (0, 2, 11)] == ["0 pieces", "2 pieces", "11 pieces"]
    assert number_of(1, "try", "tries") == "1 try" and number_of(3, "try", "tries") == "3 tries"

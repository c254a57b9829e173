from station.model.words import number_of, weight_in_words


def test_one_is_singular_and_every_other_count_plural() -> None:
    assert number_of(1, "piece") == "1 piece"
    assert [number_of(n, "piece") for n in (0, 2, 11)] == ["0 pieces", "2 pieces", "11 pieces"]
    assert number_of(1, "try", "tries") == "1 try" and number_of(3, "try", "tries") == "3 tries"


def test_a_weight_is_shown_to_the_gram_it_was_weighed() -> None:
    assert [weight_in_words(g) for g in (850, 1000, 1250, 1255, 12000)] == [
        "850 g",
        "1 kg",
        "1.25 kg",
        "1.255 kg",
        "12 kg",
    ]

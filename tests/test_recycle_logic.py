from logic.recycle import level_days, positional_template, shortest_days


def test_level_days_override_only_when_set():
    assert level_days(30, {"a": 60, "b": 0}) == {"a": 60, "b": 30, "c": 30, "d": 30}


def test_shortest_days_includes_levels():
    assert shortest_days(30, {"c": 10}) == 10
    assert shortest_days(30, {"a": 90}) == 30


def test_positional_template_escapes_percent():
    assert positional_template("%(days)s days, 100%% sure, limit %(limit)s", ["days", "limit"]) == (
        "%1$s days, 100%% sure, limit %2$s"
    )

from domain.warning_reasons import Reason, parse
from jindu.wording import reason, reasons


def test_warning_reasons_read_back_as_parts() -> None:
    assert parse("cycle_deviation_rate 290.0 > 20.0") == Reason("cycle_deviation_rate", "290", "20")
    assert parse("completion_rate 33.333 < 80") == Reason("completion_rate", "33.3", "80")
    assert parse("completion rate 50% < 80%") is None


def test_reasons_read_as_sentences_in_the_readers_language() -> None:
    assert reason("cycle_deviation_rate 290.0 > 20.0") == "周期偏差率 290% 超过阈值 20%"
    english = reason("satisfaction_score 40.0 < 80.0", "en")
    assert english == "customer satisfaction score 40 is below the threshold of 80"
    both = ["completion_rate 50.0 < 80.0", "cycle_deviation_rate 25.0 > 20.0"]
    assert reasons(both) == "关键节点完成率 50% 低于阈值 80%；周期偏差率 25% 超过阈值 20%"
    assert reason("an old free text") == "an old free text"

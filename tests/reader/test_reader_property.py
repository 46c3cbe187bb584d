"""Any text at all gives a valid duikou.plan/1 object (and never an exception)."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from duikou.reader import check_plan, extract_text, validate_plan

FRAGMENTS = [
    "一、", "（一）", "(二)", "1.", "2、", "(3)", "①", "第一章", "附件", "附件：", "\t", "\n", "。", "，", "；", "、",
    "牵头单位：", "责任单位:", "配合单位：", "完成时限：", "（以下简称", "）", "〔2022〕3号", "闽援办", "关于印发", "的通知",
    "万元", "亿元", "名以上", "个", "%", "以上", "不超过", "1—2个", "各", "马尾区、闽侯县", "逐年按", "每年安排", "共计",
    "对口支援", "与", "和", "结对", "-", "省教育厅、科技厅", "政府、政府", "11月底前", "十四五", "2023年", "（2021—2025年）",
    "要", "负责", "“", "”", "第", "一批", "三省", "發達省", "對口支援", "7.5", "9000", "一千二百五十", "0", "999999999999",
    "序号\t工作任务\t牵头单位\t配合单位\t完成时限\n", "1\t任务\t市委\t\t全年\n", "生成日期:", "发布单位\n", "2022-04-07",
]  # fmt: skip

chinese = st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF), max_size=20)
pieces = st.lists(st.one_of(st.sampled_from(FRAGMENTS), chinese, st.text(max_size=8)), max_size=60)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pieces)
def test_any_text_gives_a_valid_plan(parts):
    plan = extract_text("".join(parts))
    assert validate_plan(plan) == []
    for finding in check_plan(plan):
        assert set(finding) == {"ok", "kind", "message", "sentence"}


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=400))
def test_arbitrary_unicode_gives_a_valid_plan(text):
    assert validate_plan(extract_text(text)) == []

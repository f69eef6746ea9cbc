"""GIFT reading and writing, on hand-written 养老护理 question files."""

import dataclasses

import pytest

from lms.exams.formats import ParsedQuestion, normalize_category, parse_file
from lms.exams.formats.gift import parse_gift, to_gift


def without_lines(questions):
    return [dataclasses.replace(q, line=0) for q in questions]


def only(text: str) -> ParsedQuestion:
    result = parse_gift(text)
    assert result.ok, result.errors
    assert result.skipped == []
    assert len(result.questions) == 1
    return result.questions[0]


BANK = """\
// 养老护理员 初级 题库
// 由培训中心整理

$CATEGORY: $course$/top/养老护理/安全照护

::跌倒处置::老人跌倒后，护理员首先应该做什么？{
  =评估伤情和意识#先评估，避免二次伤害
  ~立即扶起老人#可能加重骨折
  ~离开现场去找医生
  ####跌倒后先评估再决定是否搬动。
}

// 两道题之间的注释
::压疮::下列属于压疮高危因素的是 {
  ~%50%长期卧床
  ~%50%营养不良#正确
  ~%-100%经常翻身#翻身可以预防压疮
}

$CATEGORY: $course$/top/养老护理/基础知识

老年人骨质疏松容易发生骨折。{T}
"""


def test_bank_with_comments_categories_titles_and_feedback():
    result = parse_gift(BANK)
    assert result.ok and result.skipped == []
    fall, sores, bones = result.questions

    assert fall == ParsedQuestion(
        kind="single", stem="老人跌倒后，护理员首先应该做什么？",
        options=["评估伤情和意识", "立即扶起老人", "离开现场去找医生"], answer="A",
        explanation="跌倒后先评估再决定是否搬动。", title="跌倒处置", category="养老护理/安全照护",
        option_feedback=["先评估，避免二次伤害", "可能加重骨折", ""], line=6)
    assert sores.kind == "multiple" and sores.answer == "AB"
    assert sores.options == ["长期卧床", "营养不良", "经常翻身"]
    assert sores.option_feedback == ["", "正确", "翻身可以预防压疮"]
    assert sores.category == "养老护理/安全照护" and sores.line == 14
    assert (bones.kind, bones.answer, bones.options) == ("true_false", "true", [])
    assert bones.category == "养老护理/基础知识" and bones.line == 22
    assert bones.title == "" and bones.option_feedback == []


def test_category_without_blank_line_and_plain_path():
    result = parse_gift("$CATEGORY: 失智照护\n记忆减退属于失智症状。{TRUE}\n")
    assert result.questions[0].category == "失智照护"
    assert result.questions[0].line == 2


@pytest.mark.parametrize(("path", "expected"), [
    ("$course$/top/养老护理/基础", "养老护理/基础"),
    ("$system$/top/养老护理", "养老护理"),
    ("top/康复", "康复"),
    ("$course$/top", ""),
    ("topics/康复", "topics/康复"),
])
def test_category_prefixes_are_stripped(path, expected):
    assert normalize_category(path) == expected


def test_comment_lines_inside_a_question_and_double_slash_in_text():
    question = only("::喂食::\n// 这一行是注释\n喂食时老人应取 // 坐位或半坐位 {\n"
                    "  // 选项前的注释\n  =坐位\n  ~平卧位\n}\n")
    assert question.stem == "喂食时老人应取 // 坐位或半坐位"
    assert question.options == ["坐位", "平卧位"]
    assert question.line == 1


@pytest.mark.parametrize(("block", "answer", "feedback"), [
    ("{T}", "true", []),
    ("{TRUE}", "true", []),
    ("{t}", "true", []),
    ("{F}", "false", []),
    ("{false}", "false", []),
    # Moodle's order: the first feedback is for the wrong answer, the second for the right.
    ("{T#答错时看到#答对时看到}", "true", ["答对时看到", "答错时看到"]),
    ("{FALSE#选了正确#选了错误}", "false", ["选了正确", "选了错误"]),
    ("{F#只给答错的反馈}", "false", ["只给答错的反馈", ""]),
])
def test_true_false_forms(block, answer, feedback):
    question = only(f"老人每天饮水越少越好。{block}")
    assert question.kind == "true_false"
    assert question.answer == answer
    assert question.options == []
    assert question.option_feedback == feedback


def test_true_false_general_feedback():
    question = only("血压计袖带应绑在上臂。{TRUE#不对#对####袖带下缘距肘窝2-3厘米}")
    assert question.explanation == "袖带下缘距肘窝2-3厘米"
    assert question.option_feedback == ["对", "不对"]


def test_weighted_multiple_with_thirds_and_sorted_answer():
    question = only("哪些是老年人常见慢性病？{~%-100%感冒 ~%33.33333%高血压 ~%33.33333%糖尿病 "
                    "~%33.33333%冠心病}")
    assert question.kind == "multiple"
    assert question.answer == "BCD"


def test_all_tilde_weights_with_one_full_option_is_single():
    question = only("成人正常体温约为 {~%100%36.5℃ ~%0%38℃ ~%-50%35℃}")
    assert question.kind == "single" and question.answer == "A"


def test_equals_with_partial_credit_stays_single():
    question = only("测量脉搏首选 {~%50%足背动脉 =桡动脉 ~颈动脉}")
    assert question.kind == "single" and question.answer == "B"


def test_escapes_in_every_text():
    question = only(r"::题\:一::比例 1\:1 \= 一半\~ \#号 \{括号\} 换行\n第二行 反斜杠\\ {"
                    "\n=答案\\=对 #反馈\\#1\n~错\\{误\\}\n####说明\\:完\n}")
    assert question.title == "题:一"
    assert question.stem == "比例 1:1 = 一半~ #号 {括号} 换行\n第二行 反斜杠\\"
    assert question.options == ["答案=对", "错{误}"]
    assert question.option_feedback == ["反馈#1", ""]
    assert question.explanation == "说明:完"


@pytest.mark.parametrize(("marker", "expected"), [
    ("[html]", "html"), ("[markdown]", "markdown"), ("[plain]", "plain"), ("[moodle]", "moodle"),
    ("[HTML]", "html"), ("", "plain"),
])
def test_format_markers(marker, expected):
    question = only(f"::标记::{marker}<b>翻身</b>间隔一般为 {{=2小时 ~6小时}}")
    assert question.stem_format == expected
    # HTML is kept as written: stripping tags is the importer's job.
    assert question.stem == "<b>翻身</b>间隔一般为"


def test_missing_word_joins_stem_parts():
    question = only("为老人洗浴时水温应控制在{=40℃左右 ~60℃ ~20℃}之间为宜。")
    assert question.stem == "为老人洗浴时水温应控制在_____之间为宜。"
    assert question.kind == "single" and question.answer == "A"


def test_block_spanning_lines_with_text_after():
    question = only("协助老人翻身时应\n{\n  ~拖拽\n  =抬起后移动\n}\n以免擦伤皮肤。")
    assert question.stem == "协助老人翻身时应\n_____\n以免擦伤皮肤。"
    assert question.answer == "B"


@pytest.mark.parametrize(("text", "kind", "reason"), [
    ("::论述::请论述失智老人照护要点。{}", "essay", "essay questions are not supported"),
    ("::论述::请论述失智老人照护要点。{####参考要点}", "essay", "essay"),
    ("::简答::压疮分几期？{=四期 =4期}", "short_answer", "short-answer"),
    ("::简答::压疮分几期？{=%100%四期#对}", "short_answer", "short-answer"),
    ("::配对::{=高血压 -> 降压药 =糖尿病 -> 胰岛素} 配对药物", "matching", "matching"),
    ("::数值::成人每日饮水量（毫升）{#1500:500}", "numerical", "numerical"),
    ("::说明::以下题目考查安全照护知识。", "description", "description"),
])
def test_unsupported_kinds_are_listed_with_reason(text, kind, reason):
    result = parse_gift("老人跌倒后应先评估。{T}\n\n" + text + "\n")
    assert result.ok and len(result.questions) == 1
    [skipped] = result.skipped
    assert (skipped.line, skipped.kind) == (3, kind)
    assert skipped.title == text[2:4]
    assert reason in skipped.reason


BROKEN = """\
::好题::正常的题目 {=对 ~错}

::未闭合::
喂药前应核对 {=姓名
~床号

::无答案::鼻饲前应检查 {~胃管位置 ~老人体重}

::负权重::下列做法正确的是 {~%-50%甲 ~%-50%乙}

::权重和::下列做法正确的是 {~%50%甲 ~%20%乙 ~%-100%丙}

::空选项::下列做法正确的是 {= ~错}

::无选项::下列做法正确的是 {说明文字}

::两个等号::下列做法正确的是 {=甲 =乙 ~丙}

::单选项::下列做法正确的是 {=%100%甲 ~}

::越界::下列做法正确的是 {~%150%甲 ~乙}

::无题干::{=甲 ~乙}

::两个答案块::甲 {=a ~b} 乙 {=c ~d}

::多余括号::甲 } 乙

::标题未闭合 甲 {=a ~b}

::最后::最后一道正常题 {F}
"""


def test_malformed_questions_report_their_lines_and_parsing_continues():
    result = parse_gift(BROKEN)
    expected = {
        3: "never closed",
        7: "no option is marked as right",
        9: "no option is marked as right",
        11: "add up to 70% instead of 100%",
        13: "option 1 has no text",
        15: "has no options",
        17: "more than one option is fully right",
        19: "option 2 has no text",
        21: "outside -100..100",
        23: "the question has no text",
        25: "only one answer block",
        27: "without an opening '{'",
        29: "title is not closed",
    }
    assert not result.ok
    assert [line for line, _ in result.errors] == list(expected)
    for (line, message), fragment in zip(result.errors, expected.values(), strict=True):
        assert fragment in message, (line, message)
    # The well-formed questions are still read, so a report can list everything.
    assert [q.title for q in result.questions] == ["好题", "最后"]


def test_unclosed_block_reports_the_question_line_and_the_rest_is_read():
    result = parse_gift("甲题 {=a ~b}\n\n\n乙题\n{\n=a\n~b\n")
    assert result.errors == [(4, "the answer block '{' is never closed with '}'")]
    assert len(result.questions) == 1


def test_empty_file_has_nothing_and_no_errors():
    result = parse_gift("// 只有注释\n\n")
    assert result.ok and result.questions == [] and result.skipped == []


ROUND_TRIP = [
    ParsedQuestion(kind="single", stem="跌倒后：先{评估}还是=扶起~？#\\n换行\n第二行",
                   options=["评估 #1", "扶起 ~ =", "%50% 比例"], answer="A",
                   explanation="说明：####不是分隔", title="安全::标题", category="养老护理/安全",
                   option_feedback=["对：好", "", "不\\对"]),
    ParsedQuestion(kind="multiple", stem="<p>压疮<b>高危</b>因素</p>", options=list("甲乙丙丁戊"),
                   answer="ACD", category="养老护理/安全", stem_format="html"),
    ParsedQuestion(kind="multiple", stem="**两项**正确", options=["%33%甲", "乙", "丙"], answer="AB",
                   category="养老护理/基础", stem_format="markdown",
                   option_feedback=["", "", "丙不对"]),
    ParsedQuestion(kind="true_false", stem="// 不是注释的题干", options=[], answer="false",
                   explanation="总反馈", option_feedback=["选了正确", ""]),
    ParsedQuestion(kind="true_false", stem="[html] 不是标记", options=[], answer="true",
                   title="判断", stem_format="plain", option_feedback=["", "选了错误"]),
    ParsedQuestion(kind="single", stem="$CATEGORY: 不是分类", options=["是", "否"], answer="B",
                   category="其他", stem_format="moodle"),
]


def test_export_then_import_gives_the_same_questions():
    text = to_gift(ROUND_TRIP)
    result = parse_gift(text)
    assert result.ok, result.errors
    assert result.skipped == []
    assert without_lines(result.questions) == ROUND_TRIP


def test_export_of_parsed_bank_round_trips():
    first = parse_gift(BANK).questions
    assert without_lines(parse_gift(to_gift(first)).questions) == without_lines(first)


def test_export_writes_gift_syntax():
    text = to_gift(ROUND_TRIP)
    # Categories only where they change; back to no category writes the top.
    assert text.count("$CATEGORY:") == 4
    assert "$CATEGORY: 养老护理/安全\n" in text
    assert "$CATEGORY: $course$/top\n" in text
    assert "::安全\\:\\:标题::" in text
    assert "\t=评估 \\#1#对：好" in text
    assert "\t~%0%%50% 比例#不\\\\对" in text
    assert "\t####说明：\\#\\#\\#\\#不是分隔" in text
    assert "[html]<p>压疮<b>高危</b>因素</p> {" in text
    assert "\t~%33.33333%甲\n\t~%-100%乙\n\t~%33.33333%丙" in text
    assert "[markdown]**两项**正确" in text and "\t~%50%%33%甲" in text
    assert "[plain]// 不是注释的题干 {FALSE#选了正确####总反馈}" in text
    assert "::判断::[plain][html] 不是标记 {TRUE#选了错误}" in text
    assert "[moodle]$CATEGORY\\: 不是分类" in text


def test_export_rejects_unknown_kind():
    with pytest.raises(ValueError, match="essay"):
        to_gift([ParsedQuestion(kind="essay", stem="论述", options=[], answer="")])


def test_parse_file_picks_gift_by_extension_and_decodes_gbk():
    text = "::编码::鼻饲液温度应为 {=38～40℃ ~60℃}\n"
    for name, data in [("题库.gift", text.encode("utf-8")), ("题库.TXT", text.encode("gbk")),
                       ("bom.txt", b"\xef\xbb\xbf" + text.encode("utf-8"))]:
        result = parse_file(name, data)
        assert result.ok, (name, result.errors)
        assert result.questions[0].options == ["38～40℃", "60℃"]
        assert result.questions[0].title == "编码"


def test_parse_file_refuses_unknown_files_by_name():
    result = parse_file("题库.docx", b"PK\x03\x04 binary")
    assert not result.ok
    assert len(result.errors) == 1
    assert "题库.docx" in result.errors[0][1]

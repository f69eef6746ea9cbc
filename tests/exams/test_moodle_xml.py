"""Moodle XML reading and writing, on hand-written 养老护理 question files."""

import dataclasses
import xml.etree.ElementTree as ET

import pytest

from lms.exams.formats import ParsedQuestion, parse_file
from lms.exams.formats.gift import parse_gift, to_gift
from lms.exams.formats.moodle_xml import parse_moodle_xml, to_moodle_xml


def without_lines(questions):
    return [dataclasses.replace(q, line=0) for q in questions]


QUIZ = """\
<?xml version="1.0" encoding="UTF-8"?>
<quiz>
<!-- question: 0  -->
  <question type="category">
    <category>
      <text>$course$/top/养老护理/安全照护</text>
    </category>
  </question>
  <question type="multichoice">
    <name><text>跌倒处置</text></name>
    <questiontext format="html">
      <text><![CDATA[<p>老人跌倒后，护理员<b>首先</b>应该做什么？</p>]]></text>
    </questiontext>
    <generalfeedback format="html"><text>跌倒后先评估再决定是否搬动。</text></generalfeedback>
    <single>true</single>
    <answer fraction="0" format="html">
      <text>立即扶起老人</text>
      <feedback format="html"><text>可能加重骨折</text></feedback>
    </answer>
    <answer fraction="100" format="html">
      <text>评估伤情和意识</text>
      <feedback format="html"><text></text></feedback>
    </answer>
  </question>
  <question type="multichoice">
    <name><text>压疮</text></name>
    <questiontext format="moodle_auto_format"><text>下列属于压疮高危因素的是</text></questiontext>
    <single>false</single>
    <answer fraction="33.33333"><text>长期卧床</text></answer>
    <answer fraction="-100"><text>经常翻身</text></answer>
    <answer fraction="33.33333"><text>营养不良</text></answer>
    <answer fraction="33.33333"><text>大小便失禁</text></answer>
  </question>
  <question type="category">
    <category><text>$course$/top/养老护理/基础知识</text></category>
  </question>
  <question type="truefalse">
    <name><text>骨折</text></name>
    <questiontext format="plain_text"><text>老年人骨质疏松容易发生骨折。</text></questiontext>
    <answer fraction="100" format="moodle_auto_format">
      <text>true</text>
      <feedback><text>对，骨量减少</text></feedback>
    </answer>
    <answer fraction="0" format="moodle_auto_format">
      <text>false</text>
      <feedback><text></text></feedback>
    </answer>
  </question>
  <question type="truefalse">
    <name><text>饮水</text></name>
    <questiontext format="markdown"><text>老人每天饮水**越少越好**。</text></questiontext>
    <answer fraction="0"><text>true</text><feedback><text>会脱水</text></feedback></answer>
    <answer fraction="100"><text>false</text><feedback><text>正确</text></feedback></answer>
  </question>
</quiz>
"""


def test_categories_multichoice_and_truefalse():
    result = parse_moodle_xml(QUIZ.encode("utf-8"))
    assert result.ok and result.skipped == []
    fall, sores, bones, water = result.questions

    assert fall == ParsedQuestion(
        kind="single", stem="<p>老人跌倒后，护理员<b>首先</b>应该做什么？</p>",
        options=["立即扶起老人", "评估伤情和意识"], answer="B",
        explanation="跌倒后先评估再决定是否搬动。", title="跌倒处置", category="养老护理/安全照护",
        stem_format="html", option_feedback=["可能加重骨折", ""], line=9)
    assert (sores.kind, sores.answer, sores.stem_format) == ("multiple", "ACD", "moodle")
    assert sores.options == ["长期卧床", "经常翻身", "营养不良", "大小便失禁"]
    assert sores.option_feedback == [] and sores.line == 25
    assert (bones.kind, bones.answer, bones.options) == ("true_false", "true", [])
    assert bones.category == "养老护理/基础知识" and bones.stem_format == "plain"
    assert bones.option_feedback == ["对，骨量减少", ""]
    assert (water.answer, water.stem_format, water.title) == ("false", "markdown", "饮水")
    assert water.option_feedback == ["会脱水", "正确"]


def test_str_input_and_missing_single_means_single():
    result = parse_moodle_xml(
        "<quiz><question type='multichoice'><questiontext><text>测血压前应休息</text>"
        "</questiontext><answer fraction='100'><text>5分钟</text></answer>"
        "<answer fraction='0'><text>不用休息</text></answer></question></quiz>")
    [question] = result.questions
    assert (question.kind, question.answer, question.category) == ("single", "A", "")
    # Moodle's question text default is HTML.
    assert question.stem_format == "html"


def wrap(body: str) -> str:
    return f"<?xml version='1.0'?>\n<quiz>\n{body}\n</quiz>\n"


@pytest.mark.parametrize(("qtype", "kind", "reason"), [
    ("essay", "essay", "essay questions are not supported"),
    ("matching", "matching", "matching questions are not supported"),
    ("shortanswer", "short_answer", "short-answer questions are not supported"),
    ("numerical", "numerical", "numerical questions are not supported"),
    ("description", "description", "are not questions"),
    ("multianswer", "cloze", "cloze (embedded answers)"),
    ("ddwtos", "ddwtos", "Moodle question type 'ddwtos' is not supported"),
    ("gapselect", "gapselect", "'gapselect'"),
    ("calculated", "calculated", "'calculated'"),
])
def test_unsupported_types_are_listed_with_name_and_reason(qtype, kind, reason):
    body = (f'<question type="{qtype}">\n  <name><text>不支持的题</text></name>\n'
            "  <questiontext><text>请作答</text></questiontext>\n</question>")
    result = parse_moodle_xml(wrap(body))
    assert result.ok and result.questions == []
    [skipped] = result.skipped
    assert (skipped.line, skipped.title, skipped.kind) == (3, "不支持的题", kind)
    assert reason in skipped.reason


def test_malformed_xml_gives_one_error_with_its_line():
    result = parse_moodle_xml(wrap("<question type='truefalse'>\n<name><text>坏</name>\n</question>"))
    assert len(result.errors) == 1
    line, message = result.errors[0]
    assert line == 4
    assert message.startswith("malformed XML: mismatched tag")
    assert result.questions == [] and result.skipped == []


def test_empty_document_is_an_error():
    assert parse_moodle_xml(b"").errors[0][0] == 1


def test_root_must_be_quiz():
    assert parse_moodle_xml("<?xml version='1.0'?>\n\n<questions/>").errors == [
        (3, "the root element is <questions>, expected <quiz>")]


BROKEN = wrap("""\
<question type="multichoice">
  <questiontext><text>没有正确答案</text></questiontext>
  <answer fraction="0"><text>甲</text></answer>
  <answer fraction="0"><text>乙</text></answer>
</question>
<question type="multichoice">
  <questiontext><text>多选权重之和不对</text></questiontext>
  <single>false</single>
  <answer fraction="50"><text>甲</text></answer>
  <answer fraction="-100"><text>乙</text></answer>
</question>
<question type="multichoice">
  <questiontext><text>选项为空</text></questiontext>
  <answer fraction="100"><text></text></answer>
  <answer fraction="0"><text>乙</text></answer>
</question>
<question type="multichoice">
  <questiontext><text>分数不是数字</text></questiontext>
  <answer fraction="全对"><text>甲</text></answer>
  <answer fraction="0"><text>乙</text></answer>
</question>
<question type="truefalse">
  <questiontext><text>两个都对</text></questiontext>
  <answer fraction="100"><text>true</text></answer>
  <answer fraction="100"><text>false</text></answer>
</question>
<question type="truefalse">
  <questiontext><text>答案不是 true/false</text></questiontext>
  <answer fraction="100"><text>对</text></answer>
</question>
<question type="multichoice">
  <questiontext><text></text></questiontext>
  <answer fraction="100"><text>甲</text></answer>
  <answer fraction="0"><text>乙</text></answer>
</question>
<question>
  <questiontext><text>没有类型</text></questiontext>
</question>
<question type="multichoice">
  <questiontext><text>只有一个选项</text></questiontext>
  <answer fraction="100"><text>甲</text></answer>
</question>
<question type="truefalse">
  <questiontext><text>正常的判断题</text></questiontext>
  <answer fraction="0"><text>true</text></answer>
  <answer fraction="100"><text>false</text></answer>
</question>""")


def test_invalid_questions_report_the_line_of_their_question_element():
    result = parse_moodle_xml(BROKEN)
    expected = {
        3: "no option is marked as the right answer",
        8: "add up to 50% instead of 100%",
        14: "an answer has no text",
        19: "'全对' is not a number",
        24: "exactly one of 'true' and 'false' must have fraction 100",
        29: "answers must be one 'true' and one 'false'",
        33: "the question has no text",
        38: "no type attribute",
        41: "needs at least two options",
    }
    assert [line for line, _ in result.errors] == list(expected)
    for (line, message), fragment in zip(result.errors, expected.values(), strict=True):
        assert fragment in message, (line, message)
    assert [q.stem for q in result.questions] == ["正常的判断题"]


BOMB = """<?xml version="1.0"?>
<!DOCTYPE lolz [
  <!ENTITY lol "lol">
  <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
]>
<quiz><question type="truefalse"><questiontext><text>&lol2;</text></questiontext></question></quiz>
"""


@pytest.mark.parametrize("data", [BOMB, BOMB.encode("utf-8")])
def test_dtd_is_refused_before_parsing(data):
    result = parse_moodle_xml(data)
    assert result.errors == [(2, "DTD and entity declarations are not allowed")]
    assert result.questions == []


def test_dtd_is_refused_in_encodings_the_byte_check_cannot_read():
    result = parse_moodle_xml(BOMB.replace('"1.0"?>', '"1.0" encoding="UTF-16"?>').encode("utf-16"))
    assert result.errors == [(2, "DTD and entity declarations are not allowed")]


def test_entity_declaration_alone_is_refused():
    result = parse_moodle_xml(wrap('<!ENTITY x "y">'))
    assert not result.ok and "not allowed" in result.errors[0][1]


QUESTIONS = [
    ParsedQuestion(kind="single", stem="<p>跌倒后 & 先</p>", options=["评估 <b>伤情</b>", "扶起 ]]> 老人"],
                   answer="A", explanation="先评估", title="跌倒处置", category="养老护理/安全",
                   stem_format="html", option_feedback=["对", ""]),
    ParsedQuestion(kind="multiple", stem="压疮高危因素", options=["卧床", "翻身", "营养不良", "失禁"],
                   answer="ACD", category="养老护理/安全", stem_format="moodle"),
    ParsedQuestion(kind="multiple", stem="两项正确", options=["甲", "乙", "丙"], answer="BC",
                   stem_format="markdown", option_feedback=["", "", "丙也对"]),
    ParsedQuestion(kind="true_false", stem="饮水越少越好", options=[], answer="false",
                   explanation="会脱水", title="饮水", category="养老护理/基础",
                   option_feedback=["", "正确"]),
    ParsedQuestion(kind="true_false", stem="骨质疏松易骨折", options=[], answer="true",
                   category="养老护理/基础"),
]


def test_export_then_import_gives_the_same_questions():
    text = to_moodle_xml(QUESTIONS)
    result = parse_moodle_xml(text.encode("utf-8"))
    assert result.ok, result.errors
    assert without_lines(result.questions) == QUESTIONS


def test_export_writes_moodle_xml():
    text = to_moodle_xml(QUESTIONS)
    root = ET.fromstring(text.encode("utf-8"))
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    types = [q.get("type") for q in root.findall("question")]
    assert types == ["category", "multichoice", "multichoice", "category", "multichoice",
                     "category", "truefalse", "truefalse"]
    categories = [q.findtext("category/text") for q in root.findall("question[@type='category']")]
    assert categories == ["$course$/top/养老护理/安全", "$course$/top", "$course$/top/养老护理/基础"]
    first, thirds = root.findall("question[@type='multichoice']")[:2]
    assert first.findtext("single") == "true"
    assert first.find("questiontext").get("format") == "html"
    assert [a.get("fraction") for a in first.findall("answer")] == ["100", "0"]
    assert thirds.findtext("single") == "false"
    assert thirds.find("questiontext").get("format") == "moodle_auto_format"
    assert [a.get("fraction") for a in thirds.findall("answer")] == [
        "33.33333", "-100", "33.33333", "33.33333"]
    false = root.findall("question[@type='truefalse']")[0]
    assert [(a.findtext("text"), a.get("fraction")) for a in false.findall("answer")] == [
        ("true", "0"), ("false", "100")]
    assert "&lt;p&gt;跌倒后 &amp; 先&lt;/p&gt;" in text


def test_gift_to_xml_to_gift_round_trip():
    gift = """\
$CATEGORY: $course$/top/养老护理

::跌倒::[html]<p>老人跌倒后应</p>{=评估#对 ~扶起 ####先评估}

::压疮::高危因素 {~%50%卧床 ~%50%营养不良 ~%-100%翻身#错}

洗浴水温应在{=40℃ ~60℃}左右。

老人饮水越少越好。{F#会脱水#正确}
"""
    first = parse_gift(gift)
    assert first.ok and len(first.questions) == 4
    via_xml = parse_moodle_xml(to_moodle_xml(first.questions))
    assert without_lines(via_xml.questions) == without_lines(first.questions)
    again = parse_gift(to_gift(via_xml.questions))
    assert without_lines(again.questions) == without_lines(first.questions)


def test_export_rejects_unknown_kind():
    with pytest.raises(ValueError, match="matching"):
        to_moodle_xml([ParsedQuestion(kind="matching", stem="配对", options=[], answer="")])


def test_parse_file_picks_xml_by_extension_or_content():
    data = QUIZ.encode("utf-8")
    assert len(parse_file("bank.XML", data).questions) == 4
    assert len(parse_file("moodle-export", data).questions) == 4
    assert len(parse_file("导出.dat", b"\xef\xbb\xbf\n<quiz></quiz>").errors) == 0
    refused = parse_file("导出.dat", b"just some text")
    assert refused.errors and "导出.dat" in refused.errors[0][1]

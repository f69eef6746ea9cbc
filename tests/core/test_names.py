"""Names (people, institutions, accounts) refuse invisible and control
characters on every way in — pages, services, imports — and real names,
rare characters included, keep working."""

import pytest

from lms.auth import services as accounts
from lms.core.access import Role
from lms.core.names import UnsafeName, clean_name
from lms.demo.identities import fake_credit_code, fake_id_number
from lms.extensions import db
from lms.people import services as people
from lms.regions.services import RegionFileError, create_institution, import_regions
from tests.conftest import PASSWORD, REGION_TREE

# A character of CJK Extension H (Unicode 15): a real ideograph that Python
# 3.11's Unicode 14 tables still call unassigned.
NEWER_IDEOGRAPH = "\U00031350"

REAL_NAMES = ["买买提·艾力", "王𠀾", "李堃", "欧阳" + NEWER_IDEOGRAPH, "José Martín", "阿依古丽·吐尔逊"]

BAD_NAMES = {
    "NUL": "张\x00三",
    "bidi override": "张\u202e三",
    "zero-width space": "张\u200b三",
    "zero-width joiner": "张\u200d三",
    "byte-order mark": "\ufeff张三",
    "private use": "张\ue000三",
    "new line": "张\n三",
    "line separator": "张\u2028三",
    "unassigned (BMP)": "张\u0378三",
}

ZALGO = "张" + "\u0301\u0302\u0303" + "三"


@pytest.mark.parametrize("name", REAL_NAMES)
def test_real_names_are_kept(name):
    assert clean_name(name, label="姓名") == name


def test_names_are_normalised_and_stripped():
    decomposed = "Jose\u0301"  # e + combining acute, as some keyboards send it
    assert clean_name(f"  {decomposed}\u3000", label="姓名") == "José"
    assert clean_name("A" + "\u0323\u0302", label="姓名") == "Ậ"  # two marks: composed by NFC
    assert clean_name("x\u0301\u0302", label="姓名") == "x\u0301\u0302"  # two stay: allowed


@pytest.mark.parametrize("name", list(BAD_NAMES.values()) + [ZALGO], ids=list(BAD_NAMES) + ["stacked marks"])
def test_hidden_characters_are_refused_with_a_message_naming_the_field(name):
    with pytest.raises(UnsafeName) as caught:
        clean_name(name, label="姓名")
    assert str(caught.value) in ("姓名包含不可见字符或控制字符。", "姓名中有字符叠加了过多的附加符号。")


def _self_registration(name: str, phone: str = "13812345678") -> dict:
    return {"name": name, "id_number": "130102199003078013", "phone": phone, "region": "130104",
            "password": PASSWORD, "confirm": PASSWORD}


def test_sign_up_refuses_a_bidi_override_in_the_name_and_creates_nothing(client, regions):
    db.session.commit()
    response = client.post("/register", data=_self_registration("张\u202e三"))
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "姓名包含不可见字符或控制字符。" in page
    assert accounts.find_user("13812345678") is None
    response = client.post("/register", data=_self_registration("张" + "\u0301" * 8))
    assert response.status_code == 400
    assert "姓名中有字符叠加了过多的附加符号。" in response.get_data(as_text=True)


def test_sign_up_keeps_a_name_with_the_middle_dot_and_strips_spaces(client, regions):
    db.session.commit()
    response = client.post("/register", data=_self_registration("  买买提·艾力 "))
    assert response.status_code == 302
    assert "买买提·艾力" in client.get("/me").get_data(as_text=True)
    assert accounts.find_user("13812345678").display_name == "买买提·艾力"


def test_staff_registration_refuses_a_zero_width_space_and_accepts_rare_characters(
        client, make_user, make_institution, login, rng):
    staff = make_user(Role.INSTITUTION_STAFF, institution=make_institution("130102"))
    db.session.commit()
    login(staff)
    form = {"id_number": fake_id_number(rng, "130102"), "phone": "13912345678", "region": "130102",
            "categories": ["caregiver"]}
    refused = client.post("/people/new", data={**form, "name": "赵\u200b淑珍"})
    assert refused.status_code == 400
    assert "姓名包含不可见字符或控制字符。" in refused.get_data(as_text=True)
    accepted = client.post("/people/new", data={**form, "name": "王𠀾堃"})
    assert accepted.status_code == 302
    assert "王𠀾堃" in client.get(accepted.headers["Location"]).get_data(as_text=True)


def test_institution_name_refuses_a_nul_and_names_the_field(client, make_user, make_institution, login,
                                                           rng):
    home = make_institution("130102", name="长安区康宁养老院")
    civil = make_user(Role.CIVIL_AFFAIRS, region_code="130100")
    db.session.commit()
    login(civil)
    form = {"credit_code": home.credit_code, "kind": home.kind, "grade": "", "region": "130102"}
    response = client.post(f"/institutions/{home.id}/edit", data={**form, "name": "康宁\x00养老院"})
    assert response.status_code == 400
    assert "机构名称包含不可见字符或控制字符。" in response.get_data(as_text=True)
    db.session.refresh(home)
    assert home.name == "长安区康宁养老院"
    new = {"credit_code": fake_credit_code(rng, "130102"), "kind": home.kind, "grade": "", "region": "130102"}
    response = client.post("/institutions/new", data={**new, "name": "\u202e院老养宁康"})
    assert response.status_code == 400
    assert "机构名称包含不可见字符或控制字符。" in response.get_data(as_text=True)


def test_admin_cannot_create_an_account_whose_name_hides_characters(client, make_user, login):
    system = make_user(Role.SYSTEM_ADMIN)
    db.session.commit()
    login(system)
    response = client.post("/admin/users/new", data={"username": "zhang.wei", "display_name": "张\u200d伟"})
    assert response.status_code == 400
    assert "姓名包含不可见字符或控制字符。" in response.get_data(as_text=True)
    assert accounts.find_user("zhang.wei") is None


def test_services_refuse_what_the_forms_refuse(regions, make_person, make_institution, rng):
    """A CLI or an import calls the services directly: they apply the same rule."""
    with pytest.raises(UnsafeName):
        make_person(name="王秀\u202e英")
    with pytest.raises(UnsafeName):
        people.self_register_family_caregiver(
            name="\u200b孙桂兰", id_number=fake_id_number(rng, "130102"), phone="13812345670",
            region=regions["130102"], password=PASSWORD)
    assert accounts.find_user("13812345670") is None  # refused before the account was made
    with pytest.raises(UnsafeName):
        create_institution(name="康宁\u2066养老院", credit_code=fake_credit_code(rng, "130102"),
                           kind="care_home", grade=None, region=regions["130102"])
    with pytest.raises(accounts.AccountError, match="姓名包含不可见字符或控制字符"):
        accounts.create_user(username="li.na", display_name="李\x00娜", password=PASSWORD)
    assert make_person(name=" 买买提·艾力\t").name == "买买提·艾力"


def test_region_import_refuses_a_hidden_character_and_names_the_entry(regions):
    tree = {"provinces": [{**REGION_TREE["provinces"][0], "units": [
        {"code": "130100", "name": "石家庄市", "counties": [{"code": "130102", "name": "长安\u200b区"}]}]}]}
    with pytest.raises(RegionFileError, match="130102"):
        import_regions(tree)

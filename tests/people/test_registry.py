"""The trainee registry: one person, one record, ID encrypted and masked."""

import pytest
from sqlalchemy import create_engine, orm, select, text

from lms.core.access import Role
from lms.extensions import db
from lms.people import services as people
from lms.people.models import Person
from tests.conftest import PASSWORD

ID_NUMBER = "130102199003078013"


def _raw_person_bytes() -> bytes:
    rows = db.session.execute(text("SELECT * FROM people")).all()
    return repr(rows).encode("utf-8")


def test_id_number_is_encrypted_at_rest(make_person):
    person = make_person(id_number=ID_NUMBER)
    db.session.commit()
    raw = _raw_person_bytes()
    assert ID_NUMBER.encode() not in raw
    assert b"19900307" not in raw  # not even the birth date part in clear
    assert person.reveal_id_number() == ID_NUMBER
    assert person.id_number_masked == "1301**********8013"


def test_database_file_does_not_contain_the_number(tmp_path, rng):
    """Write a person for real into a fresh SQLite file, then read the file's bytes."""
    from lms.demo.identities import fake_mobile
    from lms.regions.services import import_regions
    from tests.conftest import REGION_TREE

    engine = create_engine(f"sqlite:///{tmp_path / 'file.db'}")
    db.metadata.create_all(engine)
    original = db.session
    db.session = orm.scoped_session(orm.sessionmaker(bind=engine))
    try:
        import_regions(REGION_TREE)
        from lms.regions.queries import region_by_code

        people.register_person(name="周凤霞", id_number=ID_NUMBER, phone=fake_mobile(rng),
                               region=region_by_code("130102"), categories=["caregiver"])
        db.session.commit()
    finally:
        db.session.remove()
        db.session = original
        engine.dispose()
    content = b"".join(p.read_bytes() for p in tmp_path.iterdir())
    assert "周凤霞".encode() in content  # the row is really in the file…
    assert ID_NUMBER.encode() not in content  # …but the number is not


def test_birth_date_and_sex_come_from_the_number(make_person):
    person = make_person(id_number=ID_NUMBER)
    assert person.birth_date.isoformat() == "1990-03-07"
    assert person.sex == "M"


def test_same_person_cannot_be_registered_twice(make_person, make_institution):
    first = make_person(id_number="11010519491231002X", institution=make_institution("130102"))
    with pytest.raises(people.DuplicatePerson) as caught:
        make_person("130203", id_number="11010519491231002x", institution=make_institution("130203"))
    assert caught.value.existing.id == first.id
    assert db.session.scalar(select(db.func.count(Person.id))) == 1


def _register_form(id_number: str, phone: str = "13912345678", region: str = "130102") -> dict:
    return {"name": "赵淑珍", "id_number": id_number, "phone": phone, "region": region,
            "categories": ["caregiver"]}


def test_staff_registers_a_worker_with_a_temporary_login(client, make_user, make_institution, login):
    home = make_institution("130102")
    staff = make_user(Role.INSTITUTION_STAFF, institution=home)
    db.session.commit()
    login(staff)
    response = client.post("/people/new", data=_register_form(ID_NUMBER))
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "赵淑珍" in page and "1301**********8013" in page and ID_NUMBER not in page
    assert "139****5678" in page and "13912345678" not in page
    person = people.find_by_id_number(ID_NUMBER)
    assert person.employer_id == home.id and person.user.must_change_password


def test_duplicate_in_own_scope_links_to_the_existing_record(client, make_user, make_institution,
                                                            make_person, login):
    home = make_institution("130102")
    existing = make_person(id_number=ID_NUMBER, institution=home)
    staff = make_user(Role.INSTITUTION_STAFF, institution=home)
    db.session.commit()
    login(staff)
    response = client.post("/people/new", data=_register_form(ID_NUMBER))
    assert response.status_code == 400
    assert f"/people/{existing.id}" in response.get_data(as_text=True)


def test_duplicate_elsewhere_says_so_without_showing_the_other_record(client, make_user,
                                                                     make_institution, make_person, login):
    existing = make_person("130203", id_number=ID_NUMBER, institution=make_institution("130203"),
                           name="钱多多")
    staff = make_user(Role.INSTITUTION_STAFF, institution=make_institution("130102"))
    db.session.commit()
    login(staff)
    page = client.post("/people/new", data=_register_form(ID_NUMBER)).get_data(as_text=True)
    assert "已由其他机构登记" in page
    assert "钱多多" not in page and f"/people/{existing.id}" not in page


def test_bad_id_number_names_the_problem(client, make_user, make_institution, login):
    staff = make_user(Role.INSTITUTION_STAFF, institution=make_institution("130102"))
    db.session.commit()
    login(staff)
    page = client.post("/people/new", data=_register_form("130102199003078014")).get_data(as_text=True)
    assert "校验位不符" in page
    page = client.post("/people/new", data=_register_form("130102900307801")).get_data(as_text=True)
    assert "不接受 15 位旧身份证号" in page


def test_family_caregiver_registers_and_is_signed_in(client, regions):
    db.session.commit()
    response = client.post("/register", data={
        "name": "孙桂兰", "id_number": ID_NUMBER, "phone": "13812345678", "region": "130104",
        "password": PASSWORD, "confirm": PASSWORD})
    assert response.status_code == 302
    page = client.get("/me").get_data(as_text=True)
    assert "孙桂兰" in page and "家庭照护者" in page and ID_NUMBER not in page


def test_family_caregiver_duplicate_id_gets_a_clear_message(client, regions, make_person):
    make_person(id_number=ID_NUMBER)
    db.session.commit()
    response = client.post("/register", data={
        "name": "孙桂兰", "id_number": ID_NUMBER, "phone": "13812345679", "region": "130104",
        "password": PASSWORD, "confirm": PASSWORD})
    assert response.status_code == 400
    assert "该身份证号已注册" in response.get_data(as_text=True)
    from lms.auth.services import find_user

    assert find_user("13812345679") is None  # nothing half-created


def test_id_lookup_is_a_post_and_respects_scope(client, make_user, make_institution, make_person, login):
    inside = make_person(id_number=ID_NUMBER, institution=make_institution("130102"))
    make_person("130203", id_number="11010519491231002X", institution=make_institution("130203"))
    civil = make_user(Role.CIVIL_AFFAIRS, region_code="130100")
    db.session.commit()
    login(civil)
    found = client.post("/people/lookup", data={"id_number": ID_NUMBER})
    assert found.headers["Location"].endswith(f"/people/{inside.id}")
    elsewhere = client.post("/people/lookup", data={"id_number": "11010519491231002X"})
    assert elsewhere.headers["Location"].endswith("/people")
    assert client.get("/people/lookup").status_code == 405


def test_list_search_refuses_a_full_number_and_finds_by_tail(client, make_user, make_institution, make_person,
                                                             login):
    home = make_institution("130102")
    person = make_person(id_number=ID_NUMBER, institution=home, name="赵淑珍")
    make_person(institution=home, name="钱玉梅")
    staff = make_user(Role.INSTITUTION_STAFF, institution=home)
    db.session.commit()
    login(staff)
    refused = client.get(f"/people?q={ID_NUMBER}")
    assert refused.status_code == 302 and ID_NUMBER not in refused.headers["Location"]
    page = client.get(refused.headers["Location"]).get_data(as_text=True)
    assert "完整" in page or "full ID" in page  # the message says why
    assert ID_NUMBER not in page
    by_tail = client.get(f"/people?q={ID_NUMBER[-4:]}").get_data(as_text=True)
    assert person.name in by_tail and "钱玉梅" not in by_tail
    by_name = client.get("/people?q=淑珍").get_data(as_text=True)
    assert person.name in by_name and "钱玉梅" not in by_name

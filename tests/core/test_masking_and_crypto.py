from lms.core.crypto import decrypt_text, encrypt_text, keyed_hash
from lms.core.masking import mask_id_number, mask_name, mask_phone


def test_id_number_keeps_first_and_last_four():
    assert mask_id_number("13010219900307801X") == "1301**********801X"


def test_phone_and_name_masks():
    assert mask_phone("13812345678") == "138****5678"
    assert mask_name("张小华") == "张*华"
    assert mask_name("张三") == "张*"
    assert mask_name("欧阳明月") == "欧**月"


def test_encryption_round_trips_and_is_randomised():
    first = encrypt_text("130102199003078013", context=b"person.id_number")
    second = encrypt_text("130102199003078013", context=b"person.id_number")
    assert first != second  # fresh nonce each time
    assert b"130102199003078013" not in first
    assert decrypt_text(first, context=b"person.id_number") == "130102199003078013"


def test_keyed_hash_is_stable_and_context_bound():
    a = keyed_hash("130102199003078013", context=b"person.id_number")
    assert a == keyed_hash("130102199003078013", context=b"person.id_number")
    assert a != keyed_hash("130102199003078013", context=b"other")

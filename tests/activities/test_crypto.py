import uuid

import pytest
from cryptography.exceptions import InvalidTag

from domain.commands import CustomerIn
from store.crypto import DataCipher, decode_data_key, new_data_key
from store.customers import dispose_customer, insert_customer, read_customer


def test_round_trip_hides_the_plaintext():
    cipher = DataCipher(decode_data_key(new_data_key()))
    blob = cipher.encrypt("张伟 13800138000")
    assert "张伟".encode() not in blob and b"13800138000" not in blob
    assert cipher.decrypt(blob) == "张伟 13800138000"
    assert cipher.encrypt("same") != cipher.encrypt("same")  # fresh nonce each time
    assert cipher.encrypt(None) is None and cipher.decrypt(None) is None


def test_wrong_key_or_tampering_fails():
    cipher = DataCipher(decode_data_key(new_data_key()))
    blob = cipher.encrypt("Chen Jing")
    with pytest.raises(InvalidTag):
        DataCipher(decode_data_key(new_data_key())).decrypt(blob)
    tampered = blob[:-1] + bytes([blob[-1] ^ 1])
    with pytest.raises(InvalidTag):
        cipher.decrypt(tampered)
    with pytest.raises(ValueError):
        cipher.decrypt(b"\x09" + blob[1:])
    with pytest.raises(ValueError):
        DataCipher(b"short")


async def test_customer_rows_hold_no_plaintext(pool, cipher):
    project_id = f"p-{uuid.uuid4().hex[:12]}"
    customer = CustomerIn(name="Chen Jingyi 陈静怡", phone="13912345678", email="chen@example.com", company="Acme")
    assert await insert_customer(pool, project_id=project_id, customer=customer, user_id=None, cipher=cipher)
    again = CustomerIn(name="Someone Else")
    assert not await insert_customer(pool, project_id=project_id, customer=again, user_id=None, cipher=cipher)

    row = await pool.fetchrow("SELECT * FROM customers WHERE project_id = $1", project_id)
    stored = b"".join(bytes(v) for v in (row["name_enc"], row["phone_enc"], row["email_enc"], row["company_enc"]))
    for secret in ("Chen Jingyi", "陈静怡", "13912345678", "chen@example.com", "Acme"):
        assert secret.encode() not in stored
    found = await read_customer(pool, project_id, cipher)
    assert (found["name"], found["phone"], found["email"], found["company"]) == (
        "Chen Jingyi 陈静怡", "13912345678", "chen@example.com", "Acme"
    )


async def test_disposal_overwrites_the_personal_fields(pool, cipher):
    project_id = f"p-{uuid.uuid4().hex[:12]}"
    await insert_customer(pool, project_id=project_id, customer=CustomerIn(name="Li Na", phone="1"), user_id=None,
                          cipher=cipher)
    assert await dispose_customer(pool, project_id)
    assert not await dispose_customer(pool, project_id)
    row = await pool.fetchrow(
        "SELECT name_enc, phone_enc, disposed_at FROM customers WHERE project_id = $1", project_id
    )
    assert bytes(row["name_enc"]) == b"" and row["phone_enc"] is None and row["disposed_at"] is not None
    found = await read_customer(pool, project_id, cipher)
    assert found["name"] is None and found["phone"] is None and found["disposed_at"] is not None
    assert await read_customer(pool, "no-such-project", cipher) is None

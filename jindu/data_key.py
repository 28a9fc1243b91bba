"""`jindu rotate-data-key`: customers re-encrypted under JINDU_NEW_DATA_KEY in one transaction.

The old key is JINDU_DATA_KEY (or the key `jindu dev` keeps in the data dir, which is then
replaced by the new one once the transaction has committed). Stop the API and the workers
first and start them again with the new key: a process still holding the old key cannot
read the rotated rows and would store new customers under the old key.
"""

from __future__ import annotations

import os
from pathlib import Path

from jindu.settings import Settings
from store.crypto import DataCipher, decode_data_key

NEW_KEY_VARIABLE = "JINDU_NEW_DATA_KEY"


def new_key_from_env() -> str:
    text = os.environ.get(NEW_KEY_VARIABLE, "").strip()
    if not text:
        raise ValueError(f"{NEW_KEY_VARIABLE} is not set: put the new key there (urlsafe base64 of 32 bytes)")
    try:
        decode_data_key(text)
    except ValueError as err:
        raise ValueError(f"{NEW_KEY_VARIABLE}: {err}") from None
    return text


async def rotate(settings: Settings, new_key: str, *, key_file: Path | None = None) -> str:
    """Rotate; return a one-line summary. `key_file` (the dev data dir's key) gets the new key."""
    from store.contact_key_rotation import rotate_contacts
    from store.customer_key_rotation import rotate_customer_master
    from store.db import connect
    from store.key_rotation import rotate_customer_key

    old_bytes, new_bytes = settings.data_key_bytes(), decode_data_key(new_key)
    if old_bytes == new_bytes:
        raise ValueError(f"{NEW_KEY_VARIABLE} is the key in use; make a new one")
    conn = await connect(settings.database_url)
    try:
        done = await rotate_customer_key(conn, DataCipher(old_bytes), DataCipher(new_bytes))
        master = await rotate_customer_master(conn, DataCipher(old_bytes), DataCipher(new_bytes))
        contacts = await rotate_contacts(conn, DataCipher(old_bytes), DataCipher(new_bytes))
    finally:
        await conn.close()
    summary = (f"re-encrypted {done.rotated} customer(s) under the new key; {done.already_new} already were, "
               f"{done.disposed} disposed of; {master.rotated} in the customer master; {contacts} user(s)' contacts")
    if key_file is not None:
        temporary = key_file.with_suffix(".new")
        temporary.write_text(new_key + "\n", encoding="ascii")
        temporary.chmod(0o600)
        temporary.replace(key_file)
        summary += f"; {key_file} now holds the new key"
    else:
        summary += "; now set JINDU_DATA_KEY to the new key and restart the API and the workers"
    return summary

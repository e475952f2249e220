"""API keys: shown once, stored as a hash, found by prefix; scopes parsed strictly."""

import hashlib

import pytest

from service.practice.access import hash_key, key_matches, new_key, parse_scopes, split_key


def test_a_new_key_is_returned_with_its_prefix_and_only_a_hash_to_store():
    key, prefix, stored = new_key()
    assert key.startswith(f"cw_{prefix}_")
    assert stored == hashlib.sha256(key.encode()).hexdigest()
    assert key not in stored
    assert split_key(key) == prefix


def test_two_keys_never_share_a_prefix_or_a_secret():
    keys = {new_key()[0] for _ in range(200)}
    assert len(keys) == 200
    assert len({split_key(k) for k in keys}) == 200


def test_a_key_matches_only_its_own_hash():
    key, _, stored = new_key()
    assert key_matches(key, stored)
    assert not key_matches(key + "x", stored)
    assert hash_key(key) == stored


@pytest.mark.parametrize("bad", ["", "cw", "cw_short_x", "xx_0123456789ab_secret", "Bearer"])
def test_malformed_keys_have_no_prefix(bad):
    assert split_key(bad) is None


def test_scopes_are_a_subset_of_read_write_admin():
    assert parse_scopes("read, write,admin") == {"read", "write", "admin"}
    with pytest.raises(ValueError, match="subset"):
        parse_scopes("read,superuser")
    with pytest.raises(ValueError):
        parse_scopes("")

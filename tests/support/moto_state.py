"""A moto server's whole state, saved to a file by one process and loaded by another.

The rehearsal's stories each begin where a fork's administrator leaves the account after
README's one-time setup (bootstrap and pipeline applied). AWS has nothing like this: it is
the tests' shortcut, as if that account were cloned for each story, so the setup is applied
once per run instead of once per story. Every backend moto has loaded is pickled as it is
(ids, ARNs, S3 objects and their versions, Terraform's state among them); the few objects
pickle cannot take whole are rebuilt: locks new, private keys from their DER bytes, and a
bucket's keys with every version (their dict answers only the latest to pickle's items()).
"""

from __future__ import annotations

import importlib
import io
import os
import pickle
import sys
import threading
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from moto.core.base_backend import BackendDict
from moto.s3.utils import _VersionedKeyStore

LOCKS = (type(threading.Lock()), type(threading.RLock()))


def new_lock(reentrant: bool) -> Any:
    return threading.RLock() if reentrant else threading.Lock()


def load_private_key(der: bytes) -> Any:
    return serialization.load_der_private_key(der, password=None)


def versioned_keys(versions: dict[str, list[Any]]) -> _VersionedKeyStore:
    keys = _VersionedKeyStore()
    for name, kept in versions.items():
        keys.setlist(name, kept)
    return keys


class StatePickler(pickle.Pickler):
    def reducer_override(self, obj: Any) -> Any:
        if isinstance(obj, _VersionedKeyStore):
            return versioned_keys, (dict(obj.lists()),)
        if isinstance(obj, LOCKS):
            return new_lock, (isinstance(obj, LOCKS[1]),)
        if type(obj).__module__.startswith("cryptography") and hasattr(obj, "private_bytes"):
            der = obj.private_bytes(
                serialization.Encoding.DER,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
            return load_private_key, (der,)
        return NotImplemented


def loaded_backends() -> dict[str, BackendDict[Any]]:
    """Every backend registry moto has imported and filled, by ``module:attribute`` (one
    registry may appear under several names; pickle keeps it one object)."""
    found: dict[str, BackendDict[Any]] = {}
    for name, module in list(sys.modules.items()):
        if name.startswith("moto.") and name.endswith(".models"):
            for attribute, value in list(vars(module).items()):
                if isinstance(value, BackendDict) and value:
                    found[f"{name}:{attribute}"] = value
    return found


def save(path: Path, extra: Any = None) -> int:
    """This process's moto state (and ``extra``) to ``path``, whole or not at all; its size."""
    buffer = io.BytesIO()
    StatePickler(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(
        {"backends": loaded_backends(), "extra": extra}
    )
    state = buffer.getvalue()
    partial = path.with_name(path.name + f".{os.getpid()}.partial")
    partial.write_bytes(state)
    partial.replace(path)
    return len(state)


def load(path: Path) -> Any:
    """The state saved at ``path`` replaces this process's; the ``extra`` saved with it."""
    saved = pickle.loads(path.read_bytes())  # a file this test run wrote
    for key, restored in saved["backends"].items():
        module, attribute = key.split(":")
        live: BackendDict[Any] = getattr(importlib.import_module(module), attribute)
        live.clear()
        live.update(restored)
    return saved["extra"]

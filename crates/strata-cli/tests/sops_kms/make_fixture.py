"""Writes a kustomization with a Secret SOPS-encrypted to an AWS KMS key of a local KMS
emulator, and its plaintext twin, for tests/sops.rs.

usage: make_fixture.py ENDPOINT_URL OUT_DIR

The data key is generated and wrapped by the emulator's KMS (Encrypt with an encryption
context); the values are sealed as SOPS does (getsops/sops aes/cipher.go: AES-256-GCM,
32-byte nonce, AAD = the value's key path joined and ended by ':'), and the MAC is SOPS'
(sops.go Tree.Encrypt: SHA-512 over the leaves, upper-case hex, sealed with lastmodified as
AAD). The decryption side of the format is proven against files written by the real sops
(testdata/sops); this script only exercises the KMS path.
"""

import base64
import hashlib
import os
import sys

import boto3
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

endpoint, out = sys.argv[1], sys.argv[2]
kms = boto3.client(
    "kms",
    endpoint_url=endpoint,
    region_name="eu-west-1",
    aws_access_key_id="testing",
    aws_secret_access_key="testing",
)
arn = kms.create_key(Description="strata sops test")["KeyMetadata"]["Arn"]
data_key = os.urandom(32)
context = {"app": "storefront"}
wrapped = kms.encrypt(KeyId=arn, Plaintext=data_key, EncryptionContext=context)
enc = base64.b64encode(wrapped["CiphertextBlob"]).decode()
last_modified = "2026-01-02T03:04:05Z"


def seal(text, aad):
    iv = os.urandom(32)
    sealed = AESGCM(data_key).encrypt(iv, text.encode(), aad.encode())
    b64 = lambda b: base64.b64encode(b).decode()
    return f"ENC[AES256_GCM,data:{b64(sealed[:-16])},iv:{b64(iv)},tag:{b64(sealed[-16:])},type:str]"


# Leaves in document order: (path, value, encrypted).
leaves = [
    (["apiVersion"], "v1", False),
    (["kind"], "Secret", False),
    (["metadata", "name"], "db", False),
    (["stringData", "password"], "s3cret-from-kms", True),
]
mac = hashlib.sha512("".join(v for _, v, _ in leaves).encode()).hexdigest().upper()
enc_password = seal("s3cret-from-kms", "stringData:password:")

os.makedirs(f"{out}/encrypted", exist_ok=True)
os.makedirs(f"{out}/plain", exist_ok=True)
for d in ("encrypted", "plain"):
    with open(f"{out}/{d}/kustomization.yaml", "w") as f:
        f.write("namePrefix: prod-\nresources:\n- secret.yaml\n")
with open(f"{out}/plain/secret.yaml", "w") as f:
    f.write("apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\nstringData:\n  password: s3cret-from-kms\n")
with open(f"{out}/encrypted/secret.yaml", "w") as f:
    f.write(
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\nstringData:\n"
        f"  password: {enc_password}\n"
        "sops:\n  kms:\n"
        f"  - arn: {arn}\n    created_at: \"{last_modified}\"\n    enc: {enc}\n"
        "    aws_profile: \"\"\n    context:\n      app: storefront\n"
        f"  lastmodified: \"{last_modified}\"\n"
        f"  mac: {seal(mac, last_modified)}\n"
        "  encrypted_regex: ^(data|stringData)$\n  version: 3.9.0\n"
    )

"""Writes a kustomization with a Secret, a secretGenerator source and a KSOPS generator
SOPS-encrypted to an AWS KMS key of a local KMS emulator, and its plaintext twin, for
tests/sops.rs.

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
# The three places SOPS files are decrypted: a Secret resource, a secretGenerator source
# (dotenv) and a KSOPS generator (the same dotenv file under `secretFrom`), each twinned with
# its plaintext equivalent.
with open(f"{out}/encrypted/kustomization.yaml", "w") as f:
    f.write(
        "namePrefix: prod-\nresources:\n- secret.yaml\n"
        "secretGenerator:\n- name: app\n  envs:\n  - app.enc.env\n"
        "generators:\n- ksops.yaml\n"
    )
with open(f"{out}/plain/kustomization.yaml", "w") as f:
    f.write(
        "namePrefix: prod-\nresources:\n- secret.yaml\n- app-ksops.yaml\n"
        "secretGenerator:\n- name: app\n  envs:\n  - app.env\n"
    )
token = "t0ken-from-kms"
with open(f"{out}/plain/app.env", "w") as f:
    f.write(f"API_TOKEN={token}\n")
with open(f"{out}/plain/app-ksops.yaml", "w") as f:
    f.write(
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: app-ksops\ntype: Opaque\n"
        f"stringData:\n  API_TOKEN: {token}\n"
    )
with open(f"{out}/encrypted/ksops.yaml", "w") as f:
    f.write(
        "apiVersion: viaduct.ai/v1\nkind: ksops\nmetadata:\n  name: ksops\n"
        "secretFrom:\n- metadata:\n    name: app-ksops\n  type: Opaque\n"
        "  envs:\n  - ./app.enc.env\n"
    )
# dotenv: one value, its metadata flattened into sops_* lines (stores/dotenv, flatten.go).
env_mac = hashlib.sha512(token.encode()).hexdigest().upper()
with open(f"{out}/encrypted/app.enc.env", "w") as f:
    f.write(
        f"API_TOKEN={seal(token, 'API_TOKEN:')}\n"
        f"sops_kms__list_0__map_arn={arn}\n"
        f"sops_kms__list_0__map_created_at={last_modified}\n"
        f"sops_kms__list_0__map_enc={enc}\n"
        "sops_kms__list_0__map_context__map_app=storefront\n"
        f"sops_lastmodified={last_modified}\n"
        f"sops_mac={seal(env_mac, last_modified)}\n"
        "sops_version=3.9.0\n"
    )
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
